import Foundation
import HTTP
import Logging
import Metrics
import Systemd
import Transfer
import Workfront

/// Runs the service: polls Workfront on a timer, feeds a bounded queue of
/// tasks to a pool of workers, and handles SIGHUP (reload) and SIGTERM or
/// SIGINT (drain, then exit).
///
/// All of the scheduler's state lives on one serial queue: the timers, the
/// signal sources and the completion of every discovery and transfer run
/// there, so nothing else ever touches it.
public final class Scheduler: @unchecked Sendable {
    // @unchecked: every mutable field is used only on `queue`.
    private let queue = DispatchQueue(label: "wf2cloudinary.scheduler")
    private let load: @Sendable () throws -> ServiceWork
    private let notifier: ServiceNotifier
    private let logger: Logger
    private let cancellation = HTTPCancellation()
    private let exit: @Sendable (Int32) -> Never
    private let metrics: ServiceMetrics?

    private var work: ServiceWork
    private var state: SchedulerState
    private var waiting: [String: WorkfrontTask] = [:]
    private var documentsInFlight: [String: Int] = [:]
    private var pollTimer: (any DispatchSourceTimer)?
    private var watchdogTimer: (any DispatchSourceTimer)?
    private var signalSources: [any DispatchSourceSignal] = []
    private var nextPoll = ContinuousClock.now
    private var discoveryStarted: ContinuousClock.Instant?
    private var lastPoll: PollTotals?
    private var currentPoll = PollTotals()
    private var statusNote: String?
    /// The last metrics write error logged, so a lasting problem is logged once.
    private var metricsError: String?

    /// - Parameters:
    ///   - load: builds the work from the configuration; called at start and
    ///     on every SIGHUP.
    ///   - exit: ends the process; tests replace it. The default skips the
    ///     `atexit` handlers: OpenSSL's cleanup among them frees state that a
    ///     discovery or transfer thread still running may use, which can
    ///     crash the process on its way out.
    public init(initial: ServiceWork, load: @escaping @Sendable () throws -> ServiceWork, notifier: ServiceNotifier,
                logger: Logger, metrics: ServiceMetrics? = nil,
                exit: @escaping @Sendable (Int32) -> Never = { code in
                    fflush(nil)
                    _exit(code)
                }) {
        self.metrics = metrics
        self.work = initial
        self.load = load
        self.notifier = notifier
        self.logger = logger
        self.exit = exit
        self.state = SchedulerState(workers: initial.workers, queueCapacity: Self.queueCapacity(workers: initial.workers))
    }

    /// Tasks held in the queue: enough to keep every worker busy between
    /// polls, few enough that a huge backlog costs little memory.
    static func queueCapacity(workers: Int) -> Int {
        max(100, workers * 25)
    }

    /// Starts the timers and signal handling and notifies systemd that the service is
    /// ready. Returns at once, because the work happens on the scheduler's queue.
    public func start() {
        queue.async { [self] in
            // READY=1 waits until every signal source is registered: a
            // SIGTERM or SIGHUP sent right after READY must not be lost.
            let registered = DispatchGroup()
            installSignalHandlers(registered: registered)
            registered.notify(queue: queue) { [self] in
                startWatchdog()
                logger.notice("Service started", [("WORKERS", String(work.workers)),
                                                  ("POLL_INTERVAL", String(work.pollInterval)), ("CONFIG", work.configPath)])
                notifier.ready(status: "starting the first poll")
                pollTimer = DispatchSource.makeTimerSource(queue: queue)
                pollTimer?.setEventHandler { [weak self] in self?.tickFired() }
                pollTimer?.schedule(deadline: .now())
                pollTimer?.resume()
            }
        }
    }

    // MARK: Polls

    private func tickFired() {
        switch state.tickFired() {
        case .skip(let reason):
            logger.debug("Poll skipped", [("REASON", reason)])
            armPollTimer()

        case .startDiscovery(let limit):
            discoveryStarted = .now
            // Transfers still in flight belong to the poll that found them,
            // so their totals carry over until everything has finished.
            if state.inFlight.isEmpty {
                currentPoll = PollTotals()
            }
            let discover = work.discover
            updateStatus()
            Thread.detachNewThread { [self] in
                let result = Result { try discover(limit) }
                queue.async { self.discoveryFinished(result) }
            }
        }
    }

    private func discoveryFinished(_ result: Result<[WorkfrontTask], any Error>) {
        discoveryStarted = nil
        switch result {
        case .success(let tasks):
            let byID = Dictionary(tasks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let queued = state.discoveryFinished(found: tasks.map(\.id))
            for id in queued {
                waiting[id] = byID[id]
            }
            metrics?.pollSucceeded()
            currentPoll.tasks += queued.count
            currentPoll.documents += queued.reduce(0) { $0 + (byID[$1]?.documents.count ?? 0) }
            logger.info("Poll finished", [("TASKS_FOUND", String(tasks.count)), ("TASKS_QUEUED", String(queued.count)),
                                          ("DOCUMENTS", String(currentPoll.documents))])

        case .failure(let error):
            state.discoveryFailed()
            logger.warning("Discovery failed, retrying at the next poll", [("ERROR", "\(error)")])
            statusNote = "last discovery failed"
        }
        if state.queue.isEmpty && state.inFlight.isEmpty {
            lastPoll = currentPoll
        }
        // The timer first, so that the status the transfers' start sends
        // shows the next poll, not the one that just ended.
        armPollTimer()
        startTasks()
    }

    /// Schedules the next tick one poll interval from now, with up to 10 %
    /// (at most 30 s) of jitter so that several instances drift apart.
    private func armPollTimer() {
        let interval = Double(work.pollInterval)
        let jitter = Double.random(in: 0...min(interval * 0.1, 30))
        nextPoll = .now + .milliseconds(Int64((interval + jitter) * 1000))
        pollTimer?.schedule(deadline: .now() + interval + jitter)
        updateStatus()
    }

    // MARK: Transfers

    private func startTasks() {
        for id in state.tasksToStart() {
            guard let task = waiting.removeValue(forKey: id) else { continue }
            documentsInFlight[id] = task.documents.count
            let process = work.process
            let cancellation = cancellation
            let thread = Thread { [self] in
                let outcome = process(task, cancellation)
                queue.async { self.transferFinished(outcome) }
            }
            thread.name = "task \(id)"
            thread.start()
        }
        updateStatus()
    }

    private func transferFinished(_ outcome: TaskOutcome) {
        documentsInFlight[outcome.taskID] = nil
        metrics?.taskFinished(outcome)
        state.transferFinished(outcome.taskID, deferred: outcome.state == .deferred || outcome.state == .abandoned)
        switch outcome.state {
        case .done: currentPoll.done += 1
        case .failed: currentPoll.failed += 1
        case .deferred, .abandoned: currentPoll.deferred += 1
        case .skipped: break
        }
        currentPoll.documentsFailed += outcome.documents.filter { !$0.succeeded }.count
        if state.stopping {
            exitIfDrained()
            return
        }
        if state.queue.isEmpty && state.inFlight.isEmpty {
            lastPoll = currentPoll
        }
        startTasks()
    }

    private func updateStatus() {
        if let metrics {
            metrics.setQueue(depth: state.queue.count, inFlight: state.inFlight.count)
            let error = metrics.write().map { "\($0)" }
            if let error, error != metricsError {
                logger.warning("Metrics file could not be written, retrying at the next change",
                               [("METRICS_FILE", metrics.path), ("ERROR", error)])
            }
            metricsError = error
        }
        guard !state.stopping else { return }
        if state.inFlight.isEmpty && state.queue.isEmpty {
            let seconds = max(0, Int((nextPoll - .now).components.seconds))
            notifier.status(state.discovering ? "polling Workfront" : StatusLine.idle(nextPollSeconds: seconds, last: lastPoll, note: statusNote))
        } else {
            notifier.status(StatusLine.working(inFlight: state.inFlight.count, queued: state.queue.count,
                                               documentsLeft: documentsInFlight.values.reduce(0, +),
                                               last: currentPoll, note: statusNote))
        }
    }

    // MARK: Signals

    /// Blocks SIGHUP, SIGTERM and SIGINT in the calling thread. Call it on
    /// the main thread before any other thread starts, so that every thread
    /// inherits the mask. On Linux, libdispatch reads these signals from a
    /// signalfd, which receives a signal only while every thread blocks it.
    /// A thread that did not block it would discard it, because the action
    /// for these signals is to ignore them.
    public static func blockHandledSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGHUP, SIGTERM, SIGINT] {
            sigaddset(&signals, number)
        }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    private func installSignalHandlers(registered: DispatchGroup) {
        for (number, handler) in [(SIGHUP, reloadRequested), (SIGTERM, stopRequested), (SIGINT, stopRequested)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: handler)
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.resume()
            signalSources.append(source)
        }
    }

    private func reloadRequested() {
        notifier.reloading()
        do {
            let fresh = try load()
            let intervalChanged = fresh.pollInterval != work.pollInterval
            work = fresh
            state.reconfigure(workers: fresh.workers)
            statusNote = nil
            logger.notice("Configuration reloaded", [("WORKERS", String(fresh.workers)), ("POLL_INTERVAL", String(fresh.pollInterval))])
            if intervalChanged && !state.discovering {
                armPollTimer()
            }
            startTasks()
        } catch {
            statusNote = "reload failed, running on the previous configuration"
            logger.warning("Configuration reload failed, keeping the previous configuration", [("ERROR", "\(error)")])
        }
        notifier.send([("READY", "1")])
        updateStatus()
    }

    private func stopRequested() {
        guard !state.stopping else { return }
        pollTimer?.cancel()
        let inFlight = state.stopRequested()
        waiting.removeAll()
        guard inFlight else {
            logger.notice("Service stopping", [("IN_FLIGHT", "0")])
            notifier.stopping(status: "stopping")
            exit(0)
        }
        let grace = work.shutdownGrace
        logger.notice("Service stopping, waiting for transfers in flight", [("IN_FLIGHT", String(state.inFlight.count)),
                                                                            ("GRACE_SECONDS", String(grace))])
        notifier.stopping(status: "stopping: waiting up to \(grace) s for \(state.inFlight.count) transfers")
        notifier.extendTimeout(microseconds: UInt64(grace + 15) * 1_000_000)
        queue.asyncAfter(deadline: .now() + .seconds(grace)) { [self] in
            guard !state.inFlight.isEmpty else { return }
            logger.warning("Grace period over, cancelling transfers in flight; their tasks stay in their trigger status",
                           [("IN_FLIGHT", String(state.inFlight.count))])
            notifier.status("stopping: cancelling \(state.inFlight.count) transfers")
            cancellation.cancel()
        }
    }

    private func exitIfDrained() {
        if state.inFlight.isEmpty {
            logger.notice("Service stopped", [])
            exit(0)
        }
        notifier.status("stopping: waiting for \(state.inFlight.count) transfers")
    }

    // MARK: Watchdog

    /// Sends WATCHDOG=1 at half the interval systemd set, from the scheduler's
    /// own queue: a wedged queue sends nothing and systemd restarts the
    /// service. A discovery that has run for over 30 minutes counts as
    /// wedged too.
    private func startWatchdog() {
        guard let interval = notifier.watchdogInterval else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let half = interval / 2
        let milliseconds = Int(half.components.seconds * 1000 + half.components.attoseconds / 1_000_000_000_000_000)
        timer.schedule(deadline: .now(), repeating: .milliseconds(max(milliseconds, 10)))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            if let started = discoveryStarted, ContinuousClock.now - started > .seconds(1800) {
                logger.error("Discovery has run for over 30 minutes, stopping watchdog pings so that systemd restarts the service", [])
                return
            }
            notifier.watchdog()
            updateStatus()
        }
        timer.resume()
        watchdogTimer = timer
    }
}
