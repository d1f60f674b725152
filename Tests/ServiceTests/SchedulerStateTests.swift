import Service
import Testing

/// The scheduler's rules, driven event by event on a `SchedulerState` value.
/// Results of mutating calls go through locals because `#expect` cannot
/// take an `inout` argument or call a mutating method.
@Suite("SchedulerState")
struct SchedulerStateTests {
    /// Runs one poll: the tick, then a discovery that finds `found`.
    /// Returns the IDs queued, or nil when the tick was skipped.
    private func poll(_ state: inout SchedulerState, found: [String]) -> [String]? {
        guard case .startDiscovery = state.tickFired() else { return nil }
        return state.discoveryFinished(found: found)
    }

    // MARK: Discovery

    @Test func tickStartsDiscoveryWithQueueCapacityAsLimit() {
        var state = SchedulerState(workers: 2, queueCapacity: 40)
        let action = state.tickFired()
        #expect(action == .startDiscovery(limit: 40))
        #expect(state.discovering)
        #expect(state.polls == 1)
    }

    @Test func tickSkipsWhileDiscoveryRuns() {
        var state = SchedulerState(workers: 2, queueCapacity: 10)
        _ = state.tickFired()
        let second = state.tickFired()
        #expect(second == .skip(reason: "the previous discovery is still running"))
        #expect(state.polls == 1, "a skipped tick must not count as a poll")

        _ = state.discoveryFinished(found: [])
        let third = state.tickFired()
        #expect(third == .startDiscovery(limit: 10))
        #expect(state.polls == 2)
    }

    @Test func failedDiscoveryAllowsNextTick() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        _ = state.tickFired()
        state.discoveryFailed()
        #expect(!state.discovering)
        let next = state.tickFired()
        #expect(next == .startDiscovery(limit: 10))
    }

    @Test func tickSkipsWhileTasksWaitInQueue() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        let queued = poll(&state, found: ["a", "b", "c"])
        #expect(queued == ["a", "b", "c"])
        let started = state.tasksToStart()
        #expect(started == ["a"])

        let action = state.tickFired()
        #expect(action == .skip(reason: "2 tasks found earlier are still queued"))
        #expect(!state.discovering)
    }

    @Test func tickStartsDiscoveryWhileTransfersRun() {
        var state = SchedulerState(workers: 2, queueCapacity: 10)
        _ = poll(&state, found: ["a", "b"])
        let started = state.tasksToStart()
        #expect(started == ["a", "b"])
        let action = state.tickFired()
        #expect(action == .startDiscovery(limit: 10))
    }

    // MARK: Queue

    @Test func discoveryQueuesAtMostQueueCapacity() {
        var state = SchedulerState(workers: 2, queueCapacity: 5)
        let found = (1...12).map { "task-\($0)" }
        let queued = poll(&state, found: found)
        #expect(queued == Array(found.prefix(5)))
        #expect(state.queue.count == 5)
    }

    @Test func discoveryQueuesEachTaskOnce() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        let queued = poll(&state, found: ["a", "b", "a", "b", "c"])
        #expect(queued == ["a", "b", "c"])
    }

    @Test func discoveryIgnoresTasksQueuedOrInFlight() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        _ = poll(&state, found: ["a"])
        let started = state.tasksToStart()
        #expect(started == ["a"])
        // A discovery during the transfer finds "a" again, because it stays
        // in its trigger status in Workfront until the transfer ends.
        let duringTransfer = poll(&state, found: ["a", "b"])
        #expect(duringTransfer == ["b"])
        #expect(state.inFlight == ["a"])
        #expect(state.queue == ["b"])

        // A tick would be skipped while "b" waits. A result that lists it
        // again anyway adds only the new task.
        let again = state.discoveryFinished(found: ["b", "a", "c"])
        #expect(again == ["c"])
        #expect(state.queue == ["b", "c"])
    }

    @Test func tasksStartUpToWorkerCount() {
        var state = SchedulerState(workers: 2, queueCapacity: 10)
        _ = poll(&state, found: ["a", "b", "c"])
        let first = state.tasksToStart()
        #expect(first == ["a", "b"])
        let none = state.tasksToStart()
        #expect(none == [], "no worker is free")

        state.transferFinished("a", deferred: false)
        let next = state.tasksToStart()
        #expect(next == ["c"])
        #expect(state.inFlight == ["b", "c"])
        #expect(state.queue.isEmpty)
    }

    @Test func idleOnlyWithoutQueueTransfersOrDiscovery() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        #expect(state.isIdle)
        _ = state.tickFired()
        #expect(!state.isIdle, "a discovery runs")
        _ = state.discoveryFinished(found: ["a"])
        #expect(!state.isIdle, "a task is queued")
        _ = state.tasksToStart()
        #expect(!state.isIdle, "a transfer runs")
        state.transferFinished("a", deferred: false)
        #expect(state.isIdle)
    }

    // MARK: Backoff

    /// Returns the poll numbers at which a task that is deferred every time
    /// it runs gets picked up, over `polls` polls.
    private func pickupPolls(ofTaskDeferredEveryTime id: String, polls: Int) -> [Int] {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        var pickups: [Int] = []
        for _ in 1...polls where poll(&state, found: [id]) == [id] {
            pickups.append(state.polls)
            let started = state.tasksToStart()
            #expect(started == [id])
            state.transferFinished(id, deferred: true)
        }
        return pickups
    }

    @Test func deferredTaskWaitsTwiceAsLongEachTime() {
        // Deferred at poll 1, the task is back 1 poll later, then 2, 4, 8
        // and 16 polls after each further deferral.
        let pickups = pickupPolls(ofTaskDeferredEveryTime: "flaky", polls: 40)
        #expect(pickups == [1, 2, 4, 8, 16, 32])
    }

    @Test func deferredTaskWaitsAtMost32Polls() {
        let pickups = pickupPolls(ofTaskDeferredEveryTime: "flaky", polls: 200)
        let gaps = zip(pickups.dropFirst(), pickups).map { $0 - $1 }
        #expect(Array(gaps.prefix(6)) == [1, 2, 4, 8, 16, 32])
        #expect(gaps.count > 6)
        #expect(gaps.dropFirst(5).allSatisfy { $0 == 32 }, "gaps between pickups: \(gaps)")
    }

    @Test func deferredTaskDoesNotBlockOthers() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        for _ in 1...2 {
            let queued = poll(&state, found: ["flaky"])
            #expect(queued == ["flaky"])
            _ = state.tasksToStart()
            state.transferFinished("flaky", deferred: true)
        }
        // Deferred twice by poll 2, "flaky" waits until poll 4. "other",
        // found at poll 3, goes at once.
        let third = poll(&state, found: ["flaky", "other"])
        #expect(third == ["other"])
        let started = state.tasksToStart()
        #expect(started == ["other"])
        state.transferFinished("other", deferred: false)

        let fourth = poll(&state, found: ["flaky"])
        #expect(fourth == ["flaky"])
        #expect(state.polls == 4)
    }

    @Test func finishedTaskLosesItsBackoff() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        _ = poll(&state, found: ["a"])
        _ = state.tasksToStart()
        state.transferFinished("a", deferred: true)
        #expect(state.backoff["a"]?.deferrals == 1)

        _ = poll(&state, found: ["a"])
        _ = state.tasksToStart()
        state.transferFinished("a", deferred: false)
        #expect(state.backoff["a"] == nil)
        // Set back to the trigger status later, it is picked up at once.
        let queued = poll(&state, found: ["a"])
        #expect(queued == ["a"])
    }

    // MARK: Reconfigure

    @Test func fewerWorkersLetTransfersInFlightFinish() {
        var state = SchedulerState(workers: 3, queueCapacity: 10)
        _ = poll(&state, found: ["a", "b", "c", "d"])
        let first = state.tasksToStart()
        #expect(first == ["a", "b", "c"])

        state.reconfigure(workers: 1)
        #expect(state.inFlight.count == 3, "reconfigure must not cancel transfers")
        state.transferFinished("a", deferred: false)
        let whileTwoRun = state.tasksToStart()
        #expect(whileTwoRun == [], "two transfers still run with one worker allowed")
        state.transferFinished("b", deferred: false)
        let whileOneRuns = state.tasksToStart()
        #expect(whileOneRuns == [])
        state.transferFinished("c", deferred: false)
        let last = state.tasksToStart()
        #expect(last == ["d"])
    }

    @Test func moreWorkersStartQueuedTasks() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        _ = poll(&state, found: ["a", "b", "c"])
        let first = state.tasksToStart()
        #expect(first == ["a"])

        state.reconfigure(workers: 3)
        #expect(state.workers == 3)
        let more = state.tasksToStart()
        #expect(more == ["b", "c"])
    }

    // MARK: Stop

    @Test func stopDropsQueueAndReportsTransfersInFlight() {
        var state = SchedulerState(workers: 1, queueCapacity: 10)
        _ = poll(&state, found: ["a", "b", "c"])
        _ = state.tasksToStart()

        let transfersLeft = state.stopRequested()
        #expect(transfersLeft)
        #expect(state.stopping)
        #expect(state.queue.isEmpty)
        #expect(state.inFlight == ["a"])
        let action = state.tickFired()
        #expect(action == .skip(reason: "stopping"))
        let started = state.tasksToStart()
        #expect(started == [])

        state.transferFinished("a", deferred: true)
        #expect(state.inFlight.isEmpty)
        let afterDrain = state.tasksToStart()
        #expect(afterDrain == [], "dropped tasks must never start")
    }

    @Test func stopWithNothingInFlightReportsNone() {
        var state = SchedulerState(workers: 2, queueCapacity: 10)
        _ = poll(&state, found: [])
        let transfersLeft = state.stopRequested()
        #expect(!transfersLeft)
        #expect(state.isIdle)
    }

    @Test func discoveryEndingAfterStopQueuesNothing() {
        var state = SchedulerState(workers: 2, queueCapacity: 10)
        _ = state.tickFired()
        _ = state.stopRequested()
        let queued = state.discoveryFinished(found: ["a", "b"])
        #expect(queued == [])
        #expect(!state.discovering)
        #expect(state.queue.isEmpty)
        #expect(state.isIdle)
    }

    // MARK: Preconditions

    @Test func zeroWorkersIsRejected() async {
        await #expect(processExitsWith: .failure) {
            _ = SchedulerState(workers: 0, queueCapacity: 10)
        }
    }

    @Test func reconfigureToZeroWorkersIsRejected() async {
        await #expect(processExitsWith: .failure) {
            var state = SchedulerState(workers: 2, queueCapacity: 10)
            state.reconfigure(workers: 0)
        }
    }
}
