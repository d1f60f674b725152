import Configuration
import Mapping
import Workfront

/// Decides what each document becomes in Cloudinary: public ID, folder,
/// display name, tags, context, structured metadata and resource type.
///
/// Without a mapping it applies the defaults: the public ID is the Workfront
/// document ID (so a new version replaces the asset under the same ID), the
/// folder is `cloudinary.assetFolder`, the display name is the document's
/// name. Each mapping expression that produces a value replaces its default.
public struct UploadPlanner: Sendable {
    let settings: Settings.Cloudinary
    let mapping: DocumentMapping

    public init(settings: Settings.Cloudinary, mapping: DocumentMapping = DocumentMapping()) {
        self.settings = settings
        self.mapping = mapping
    }

    /// The task fields discovery must ask for so that no mapping expression
    /// reads a field Workfront did not send.
    public var extraTaskFields: [String] {
        mapping.fields + (mapping.usesCustomValues ? ["parameterValues", "project:parameterValues"] : [])
    }

    public func plan(task: WorkfrontTask, document: WorkfrontDocument,
                     version: WorkfrontDocumentVersion) throws(MappingError) -> UploadPlan {
        let displayName = document.name.isEmpty ? version.fileName : document.name
        var parameters = [
            "public_id": document.id,
            "display_name": displayName,
            "overwrite": settings.overwrite ? "true" : "false",
        ]
        if !settings.assetFolder.isEmpty {
            parameters["asset_folder"] = settings.assetFolder
        }
        if !mapping.expressions.isEmpty {
            let input = MappingInput.json(task: task, document: document)
            parameters.merge(try mapping.evaluate(inputJSON: input)) { $1 }
        }
        let resourceType = parameters.removeValue(forKey: "resource_type") ?? "auto"
        return UploadPlan(parameters: parameters, resourceType: resourceType, fileName: version.fileName,
                          contentType: MediaTypes.forExtension(version.ext ?? Self.extensionOf(version.fileName)))
    }

    static func extensionOf(_ fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return "" }
        return String(fileName[fileName.index(after: dot)...])
    }
}

/// Media types for the file part of an upload. Cloudinary detects the real
/// type from the bytes; this only labels the part sensibly.
enum MediaTypes {
    private static let known: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
        "tif": "image/tiff", "tiff": "image/tiff", "svg": "image/svg+xml", "psd": "image/vnd.adobe.photoshop",
        "pdf": "application/pdf", "eps": "application/postscript", "ai": "application/postscript",
        "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "m4v": "video/x-m4v",
        "mp3": "audio/mpeg", "wav": "audio/wav", "zip": "application/zip", "txt": "text/plain",
    ]

    static func forExtension(_ ext: String) -> String {
        known[ext.lowercased()] ?? "application/octet-stream"
    }
}
