import Foundation

/// A document version as Workfront describes it (DOCV).
public struct WorkfrontDocumentVersion: Sendable, Equatable {
    public var id: String
    public var version: String?
    public var fileName: String
    public var ext: String?
    /// The size Workfront records, when it records one.
    public var docSize: Int64?
}

/// A document attached to a task (DOCU) with its current version.
public struct WorkfrontDocument: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var downloadURL: String?
    public var currentVersion: WorkfrontDocumentVersion?
}

/// A task found by discovery, with its documents and project.
public struct WorkfrontTask: Sendable {
    public var id: String
    public var name: String
    public var status: String
    public var projectID: String?
    public var projectName: String?
    public var documents: [WorkfrontDocument]
    /// The task as Workfront returned it, as JSON text, for the metadata
    /// mapping.
    public var rawJSON: [UInt8]

    /// A direct field of the task as text, from the raw response.
    public func field(_ name: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(rawJSON))) as? [String: Any]
        return ModelDecoding.string(object?[name])
    }
}

/// Builds the models from Workfront's JSON, naming what is missing.
enum ModelDecoding {
    static func task(_ value: Any, request: String) throws(WorkfrontError) -> WorkfrontTask {
        guard let object = value as? [String: Any], let id = string(object["ID"]) else {
            throw shapeError("a task without an ID", request: request)
        }
        let project = object["project"] as? [String: Any]
        guard let items = object["documents"] as? [Any] else {
            throw shapeError("task \(id) whose \"documents\" is not a list", request: request)
        }
        var documents: [WorkfrontDocument] = []
        for item in items {
            documents.append(try document(item, taskID: id, request: request))
        }
        return WorkfrontTask(
            id: id,
            name: string(object["name"]) ?? "",
            status: string(object["status"]) ?? "",
            projectID: string(object["projectID"]) ?? string(project?["ID"]),
            projectName: string(project?["name"]),
            documents: documents,
            rawJSON: (try? JSONSerialization.data(withJSONObject: object)).map { Array($0) } ?? [])
    }

    static func document(_ value: Any, taskID: String, request: String) throws(WorkfrontError) -> WorkfrontDocument {
        guard let object = value as? [String: Any], let id = string(object["ID"]) else {
            throw shapeError("a document without an ID on task \(taskID)", request: request)
        }
        var version: WorkfrontDocumentVersion?
        if let current = object["currentVersion"] as? [String: Any], let versionID = string(current["ID"]) {
            version = WorkfrontDocumentVersion(
                id: versionID,
                version: string(current["version"]),
                fileName: string(current["fileName"]) ?? string(object["name"]) ?? id,
                ext: string(current["ext"]),
                docSize: int64(current["docSize"]))
        }
        return WorkfrontDocument(
            id: id,
            name: string(object["name"]) ?? "",
            description: string(object["description"]),
            downloadURL: string(object["downloadURL"]),
            currentVersion: version)
    }

    private static func shapeError(_ what: String, request: String) -> WorkfrontError {
        WorkfrontError(kind: .unexpectedResponse, request: request, message: "the response contains \(what)")
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func int64(_ value: Any?) -> Int64? {
        switch value {
        case let number as NSNumber: number.int64Value
        case let text as String: Int64(text)
        default: nil
        }
    }
}
