/// The scheduler's bookkeeping as a value: which tasks are queued, which are
/// in flight, whether a discovery runs, whether the service is stopping.
///
/// Each method is named for the event it handles and returns what the
/// caller must do, so the rules can be tested without threads or timers.
/// The scheduler keeps one instance on its serial queue.
public struct SchedulerState: Sendable {
    /// The action for a poll timer tick.
    public enum TickAction: Equatable, Sendable {
        case startDiscovery(limit: Int)
        /// The previous discovery still runs, tasks are still queued, or the
        /// service is stopping.
        case skip(reason: String)
    }

    public private(set) var workers: Int
    /// Tasks that may wait in the queue; more are left for a later poll.
    public let queueCapacity: Int

    public private(set) var discovering = false
    public private(set) var stopping = false
    public private(set) var queue: [String] = []
    public private(set) var inFlight: Set<String> = []
    /// Tasks that failed transiently, with the poll number before which they
    /// are not picked up again and how often they were deferred.
    public private(set) var backoff: [String: (notBeforePoll: Int, deferrals: Int)] = [:]
    public private(set) var polls = 0

    public init(workers: Int, queueCapacity: Int) {
        precondition(workers > 0 && queueCapacity > 0, "a scheduler needs at least one worker and one queue place")
        self.workers = workers
        self.queueCapacity = queueCapacity
    }

    public var isIdle: Bool { queue.isEmpty && inFlight.isEmpty && !discovering }

    public mutating func tickFired() -> TickAction {
        if stopping {
            return .skip(reason: "stopping")
        }
        if discovering {
            return .skip(reason: "the previous discovery is still running")
        }
        if !queue.isEmpty {
            return .skip(reason: "\(queue.count) tasks found earlier are still queued")
        }
        discovering = true
        polls += 1
        return .startDiscovery(limit: queueCapacity)
    }

    /// Queues the tasks found that are not already queued, in flight or
    /// backing off, up to the queue's capacity. Returns the IDs queued.
    public mutating func discoveryFinished(found taskIDs: [String]) -> [String] {
        discovering = false
        guard !stopping else { return [] }
        var queued: [String] = []
        var seen = Set(queue).union(inFlight)
        for id in taskIDs where !seen.contains(id) && queue.count < queueCapacity {
            if let wait = backoff[id], wait.notBeforePoll > polls {
                continue
            }
            seen.insert(id)
            queue.append(id)
            queued.append(id)
        }
        return queued
    }

    public mutating func discoveryFailed() {
        discovering = false
    }

    /// The tasks to start now: as many queued tasks as there are free
    /// workers, unless the service is stopping.
    public mutating func tasksToStart() -> [String] {
        guard !stopping else { return [] }
        var started: [String] = []
        while inFlight.count < workers, !queue.isEmpty {
            let id = queue.removeFirst()
            inFlight.insert(id)
            started.append(id)
        }
        return started
    }

    /// Records the end of a task's transfer. A deferred task (one that failed
    /// transiently) waits 1, 2, 4 ... up to 32 polls before it is picked up
    /// again; any other outcome clears its wait.
    public mutating func transferFinished(_ id: String, deferred: Bool) {
        inFlight.remove(id)
        if deferred {
            let deferrals = (backoff[id]?.deferrals ?? 0) + 1
            backoff[id] = (polls + min(1 << (deferrals - 1), 32), deferrals)
        } else {
            backoff[id] = nil
        }
    }

    /// Applies a reloaded worker count. Transfers in flight beyond a smaller
    /// count finish; no new ones start until the count allows.
    public mutating func reconfigure(workers: Int) {
        precondition(workers > 0, "a scheduler needs at least one worker")
        self.workers = workers
    }

    /// Stops taking work: queued tasks are dropped (they stay in their
    /// trigger status in Workfront, so the next start finds them again).
    /// Returns whether transfers are still in flight.
    public mutating func stopRequested() -> Bool {
        stopping = true
        queue.removeAll()
        return !inFlight.isEmpty
    }
}
