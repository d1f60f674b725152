import Workfront

/// The outcome of one document of a task.
public struct DocumentOutcome: Sendable {
    public var document: WorkfrontDocument
    public var transfer: TransferOutcome?
    public var error: TransferError?
    /// Seconds the successful attempt took, download and upload together.
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
        /// Only transient failures: the task stays in its trigger status and
        /// a later poll tries again.
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

    public var documentsUploaded: Int {
        tasks.reduce(0) { $0 + $1.documents.filter(\.succeeded).count }
    }

    public var documentsFailed: Int {
        tasks.reduce(0) { $0 + $1.documents.filter { !$0.succeeded }.count }
    }

    public var bytesUploaded: Int64 {
        tasks.reduce(0) { $0 + $1.documents.reduce(0) { $0 + ($1.transfer?.bytes ?? 0) } }
    }
}
