import CSystemd
import Foundation

/// Sends state changes to the service manager over `$NOTIFY_SOCKET`
/// (sd_notify(3)). Does nothing when the variable is unset, so the same code
/// runs from a terminal.
public struct ServiceNotifier: Sendable {
    public init() {}

    /// Whether a service manager listens (`NOTIFY_SOCKET` is set).
    public var isActive: Bool {
        ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
    }

    /// Sends `assignments` as one datagram, one `KEY=value` per line. A
    /// newline inside a value would start a new assignment, so it becomes a
    /// space. Returns false when the datagram could not be sent.
    @discardableResult
    public func send(_ assignments: [(String, String)]) -> Bool {
        guard isActive else { return false }
        let text = assignments.map { key, value in
            "\(key)=\(value.replacingOccurrences(of: "\n", with: " "))"
        }.joined(separator: "\n")
        return sd_notify(0, text) > 0
    }

    public func ready(status: String) {
        send([("READY", "1"), ("STATUS", status)])
    }

    public func status(_ text: String) {
        send([("STATUS", text)])
    }

    public func watchdog() {
        send([("WATCHDOG", "1")])
    }

    /// Announces a reload. `MONOTONIC_USEC` lets systemd 253 and later match
    /// the following READY=1 to this reload; 252 ignores it.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        send([("RELOADING", "1"), ("MONOTONIC_USEC", String(microseconds))])
    }

    public func stopping(status: String) {
        send([("STOPPING", "1"), ("STATUS", status)])
    }

    /// Asks for more time to stop or start: the manager's timeout is pushed
    /// `microseconds` into the future.
    public func extendTimeout(microseconds: UInt64) {
        send([("EXTEND_TIMEOUT_USEC", String(microseconds))])
    }

    /// The watchdog interval set by the manager for this process
    /// (`WATCHDOG_USEC` when `WATCHDOG_PID` is unset or ours), or nil.
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }
}
