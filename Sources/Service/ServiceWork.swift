import HTTP
import Transfer
import Workfront

/// What the scheduler runs, built from one configuration. A reload builds a
/// new one; transfers in flight keep the one they started with.
public struct ServiceWork: Sendable {
    public var pollInterval: Int
    public var workers: Int
    public var shutdownGrace: Int
    public var configPath: String
    /// Finds up to `limit` tasks in a trigger status.
    public var discover: @Sendable (_ limit: Int) throws -> [WorkfrontTask]
    /// Moves one task's documents and reports the outcome on the task.
    public var process: @Sendable (WorkfrontTask, HTTPCancellation) -> TaskOutcome

    public init(pollInterval: Int, workers: Int, shutdownGrace: Int, configPath: String,
                discover: @escaping @Sendable (Int) throws -> [WorkfrontTask],
                process: @escaping @Sendable (WorkfrontTask, HTTPCancellation) -> TaskOutcome) {
        self.pollInterval = pollInterval
        self.workers = workers
        self.shutdownGrace = shutdownGrace
        self.configPath = configPath
        self.discover = discover
        self.process = process
    }
}

/// Totals of the latest poll, for the status line and the logs.
struct PollTotals: Sendable {
    var tasks = 0
    var documents = 0
    var done = 0
    var failed = 0
    var deferred = 0
    var documentsFailed = 0
}
