import Foundation
import Workfront

/// Builds the object a mapping expression runs over:
/// `{task, project, document, version, custom}`.
enum MappingInput {
    static func json(task: WorkfrontTask, document: WorkfrontDocument) -> String {
        let raw = (try? JSONSerialization.jsonObject(with: Data(task.rawJSON))) as? [String: Any] ?? [:]
        var taskObject = raw
        taskObject["documents"] = nil
        let project = raw["project"] as? [String: Any]
        let documents = raw["documents"] as? [[String: Any]] ?? []
        let documentObject = documents.first { $0["ID"] as? String == document.id } ?? ["ID": document.id, "name": document.name]
        let version = documentObject["currentVersion"] ?? NSNull()

        // The task's custom values win over the project's of the same name.
        var custom: [String: Any] = [:]
        for source in [project?["parameterValues"], raw["parameterValues"]] {
            for (name, value) in source as? [String: Any] ?? [:] {
                custom[name.hasPrefix("DE:") ? String(name.dropFirst(3)) : name] = value
            }
        }
        for (name, value) in raw where name.hasPrefix("DE:") {
            custom[String(name.dropFirst(3))] = value
        }
        let input: [String: Any] = [
            "task": taskObject, "project": project ?? NSNull(), "document": documentObject,
            "version": version, "custom": custom,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: input, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
