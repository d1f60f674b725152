import Cloudinary
import Workfront

/// The reason one document could not be moved, in words for the task's note.
public struct TransferError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The document could not be read from Workfront.
        case download
        /// Cloudinary refused or failed the upload.
        case upload
        /// The bytes Cloudinary stored differ from those downloaded.
        case integrity
        /// The document has no bytes; Cloudinary does not accept empty files.
        case emptyDocument
        /// A mapping expression failed or produced the wrong kind of value.
        case mapping
        /// The document is larger than `limits.maxDocumentBytes`.
        case tooLarge
        /// The document has no current version to download.
        case noVersion
        /// The Cloudinary address could not be written to the document.
        case writeBack
        /// Cloudinary refused the credentials: nothing can succeed until an
        /// operator fixes them.
        case credentials
        case cancelled
    }

    public var kind: Kind
    public var message: String
    /// Whether trying again later may succeed without anyone changing anything.
    public var isTransient: Bool
    public var httpStatus: Int?
    /// Seconds the service asked to wait before a retry (`Retry-After`).
    public var retryAfter: Int?

    public init(kind: Kind, message: String, isTransient: Bool = false, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.isTransient = isTransient
        self.httpStatus = httpStatus
    }

    init(_ error: WorkfrontError, kind: Kind) {
        self.init(kind: error.kind == .cancelled ? .cancelled : kind, message: error.description,
                  isTransient: error.isTransient, httpStatus: error.httpStatus)
    }

    init(_ error: CloudinaryError) {
        let kind: Kind
        if error.kind == "credentialsRejected" {
            kind = .credentials
        } else if error.transportError?.kind == "cancelled" {
            // The service is stopping: the task stays in its trigger status.
            kind = .cancelled
        } else {
            kind = .upload
        }
        self.init(kind: kind, message: error.description, isTransient: error.isTransient, httpStatus: error.httpStatus)
        self.retryAfter = error.retryAfter
    }

    public var description: String { message }
}
