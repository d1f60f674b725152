import Configuration
import Foundation
import HTTP
import Logging
import Synchronization
import Workfront

/// One discovery and every transfer it finds: what `wf2cloudinary once` runs.
public struct OnePass: Sendable {
    let workfront: WorkfrontClient
    let processor: TaskProcessor
    let settings: Settings
    let logger: Logger

    public init(workfront: WorkfrontClient, processor: TaskProcessor, settings: Settings, logger: Logger) {
        self.workfront = workfront
        self.processor = processor
        self.settings = settings
        self.logger = logger
    }

    /// Finds the tasks in a trigger status (all pages), then processes them
    /// with `settings.workers` at once. A search failure that may pass is
    /// retried as a document transfer is; throws when discovery still fails.
    public func run() throws -> RunSummary {
        let tasks = try discoverRetrying()
        let summary = Mutex(RunSummary())
        let rejected = Atomic<Bool>(false)
        WorkerThreads.run(count: min(settings.workers, max(tasks.count, 1)), items: tasks) { task in
            let outcome = processor.process(task, shouldStop: { rejected.load(ordering: .acquiring) })
            if outcome.state == .abandoned, let error = outcome.documents.last?.error, error.kind == .credentials {
                rejected.store(true, ordering: .releasing)
                summary.withLock { $0.credentialsRejected = error.message }
            }
            summary.withLock { $0.tasks.append(outcome) }
        }
        return summary.withLock { $0 }
    }

    private func discoverRetrying() throws(WorkfrontError) -> [WorkfrontTask] {
        var attempt = 1
        while true {
            do {
                return try discover()
            } catch where error.isTransient && attempt < processor.attempts {
                let delay = TaskProcessor.retryDelay(attempt: attempt, first: processor.firstRetryDelay, retryAfter: nil)
                logger.warning("Task search failed, retrying", [
                    ("ERROR", error.description), ("ATTEMPT", String(attempt)),
                    ("RETRY_IN_SECONDS", String(format: "%.1f", delay)),
                ])
                Thread.sleep(forTimeInterval: delay)
                attempt += 1
            }
        }
    }

    /// Finds the tasks in a trigger status, up to `limit`.
    public func discover(limit: Int = .max) throws(WorkfrontError) -> [WorkfrontTask] {
        let started = ContinuousClock.now
        let claim = processor.claim
        let found = try workfront.searchTasks(statuses: claim.searchStatuses, pageSize: settings.workfront.pageSize,
                                              extraFields: processor.planner.extraTaskFields + claim.extraFields, maxTasks: limit)
        let tasks = found.filter { claim.selects($0) }
        logger.debug("Discovery finished", [
            ("TASKS", String(tasks.count)), ("DOCUMENTS", String(tasks.reduce(0) { $0 + $1.documents.count })),
            ("DURATION_MS", String(TaskProcessor.milliseconds(since: started))),
        ])
        return tasks
    }
}

/// Runs `body` on each item with at most `count` threads at once.
enum WorkerThreads {
    static func run<Item: Sendable>(count: Int, items: [Item], body: @escaping @Sendable (Item) -> Void) {
        let next = Atomic<Int>(0)
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                while true {
                    let position = next.add(1, ordering: .relaxed).oldValue
                    guard position < items.count else { break }
                    body(items[position])
                }
                group.leave()
            }
            thread.name = "worker \(index + 1)"
            thread.start()
        }
        group.wait()
    }
}
