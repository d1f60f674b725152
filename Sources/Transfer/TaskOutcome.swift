import Workfront

/// The outcome of one document of a task.
public struct DocumentOutcome: Sendable {
    public var document: WorkfrontDocument
    /// The upload whose address was written back, or the upload of this
    /// pass whose write-back then failed.
    public var transfer: TransferOutcome?
    public var error: TransferError?
    /// Whether this pass sent the document's bytes to Cloudinary. False
    /// when the journal already recorded the upload and the pass only wrote
    /// the address back.
    public var uploadedInThisPass = false
    /// Seconds the successful attempt took, download and upload together,
    /// or nil when the pass only wrote the address back.
    public var seconds: Double?

    public var succeeded: Bool { error == nil }
}

/// The outcome of one task.
public struct TaskOutcome: Sendable {
    public enum State: String, Sendable {
        /// Every document moved; the task is in its done status.
        case done
        /// A document failed for good (or none was attached); the task is in
        /// its failed status with a note.
        case failed
        /// A document failed in a way that may pass, or was left untried
        /// because a service did not respond, so the task stays in its
        /// trigger status and a later poll tries again.
        case deferred
        /// Cloudinary refused the credentials, or the service stopped: the
        /// task was left in its trigger status.
        case abandoned
        /// Another instance claimed the task first.
        case skipped
    }

    public var taskID: String
    public var state: State
    public var documents: [DocumentOutcome]
    /// The error that kept the outcome from reaching Workfront, if any.
    public var reportError: WorkfrontError?
}

/// Totals of one pass.
public struct RunSummary: Sendable {
    public var tasks: [TaskOutcome] = []
    /// Cloudinary refused the credentials during the pass.
    public var credentialsRejected: String?

    public init() {}

    public func count(_ state: TaskOutcome.State) -> Int {
        tasks.filter { $0.state == state }.count
    }

    /// Documents whose bytes this pass sent to Cloudinary.
    public var documentsUploaded: Int {
        tasks.reduce(0) { $0 + $1.documents.filter(\.uploadedInThisPass).count }
    }

    /// Documents uploaded on an earlier pass whose address this pass wrote back.
    public var documentsWrittenBackOnly: Int {
        tasks.reduce(0) { $0 + $1.documents.filter { $0.succeeded && !$0.uploadedInThisPass }.count }
    }

    public var documentsFailed: Int {
        tasks.reduce(0) { $0 + $1.documents.filter { !$0.succeeded }.count }
    }

    /// Bytes this pass sent to Cloudinary.
    public var bytesUploaded: Int64 {
        tasks.reduce(0) { $0 + $1.documents.reduce(0) { $0 + ($1.uploadedInThisPass ? $1.transfer?.bytes ?? 0 : 0) } }
    }
}
