import Cloudinary
import Workfront

/// The reason one document could not be moved, in words for the task's note.
public struct TransferError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// Workfront responded but did not deliver the document.
        case download
        /// Cloudinary responded and refused the upload (a 4xx other than a
        /// rate limit, or a response that is not the expected JSON).
        case upload
        /// Workfront or Cloudinary responded with a server error (5xx), a
        /// rate limit (420, 429) or a request timeout (408).
        case server
        /// Workfront or Cloudinary sent no response, or the connection broke
        /// part-way: refused, timed out, reset, or a TLS failure.
        case transport
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
        /// Workfront responded to the write-back of the Cloudinary address
        /// with an error.
        case writeBack
        /// Cloudinary refused the credentials: nothing can succeed until an
        /// operator fixes them.
        case credentials
        /// The service is stopping and cancelled the transfer, so the task
        /// stays in its trigger status.
        case cancelled
    }

    /// A remote service that a document's transfer needs.
    public enum Service: String, Sendable, Hashable {
        case workfront
        case cloudinary
    }

    public var kind: Kind
    public var message: String
    /// Whether trying again later may succeed without anyone changing anything.
    public var isTransient: Bool
    public var httpStatus: Int?
    /// Seconds the service asked to wait before a retry (`Retry-After`).
    public var retryAfter: Int?
    /// The service that sent no response at all, for a transport failure
    /// that may pass. Another request to it in the same pass would most
    /// likely fail the same way. Nil for every other failure, and for a
    /// connection that broke after the response had started.
    public var unreachableService: Service?

    public init(kind: Kind, message: String, isTransient: Bool = false, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.isTransient = isTransient
        self.httpStatus = httpStatus
    }

    /// Creates the error for a failed Workfront call. A transport failure
    /// gets the kind `transport`, a server error `server` and a cancelled
    /// call `cancelled`, in place of `kind`.
    init(_ error: WorkfrontError, kind: Kind) {
        let classified: Kind
        switch error.kind {
        case .cancelled:
            classified = .cancelled

        case .transport:
            classified = .transport

        case .server:
            classified = .server

        default:
            classified = kind
        }
        self.init(kind: classified, message: error.description, isTransient: error.isTransient, httpStatus: error.httpStatus)
        if classified == .transport && error.isTransient {
            unreachableService = .workfront
        }
    }

    init(_ error: CloudinaryError) {
        let kind: Kind
        if error.kind == "credentialsRejected" {
            kind = .credentials
        } else if error.transportError?.kind == "cancelled" {
            // The service is stopping: the task stays in its trigger status.
            kind = .cancelled
        } else if error.kind == "transport" {
            kind = .transport
        } else if error.isServerSide {
            kind = .server
        } else {
            kind = .upload
        }
        self.init(kind: kind, message: error.description, isTransient: error.isTransient, httpStatus: error.httpStatus)
        self.retryAfter = error.retryAfter
        if kind == .transport && error.isTransient {
            unreachableService = .cloudinary
        }
    }

    public var description: String { message }
}
