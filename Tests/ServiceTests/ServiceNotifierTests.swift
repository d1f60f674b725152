import Foundation
import Systemd
import Testing

/// What `ServiceNotifier` sends. `NOTIFY_SOCKET` and the watchdog variables
/// are set only inside exit tests, which run in a child process, so the
/// other tests of this process never see them.
@Suite("ServiceNotifier")
struct ServiceNotifierTests {
    /// Returns what a child wrote to standard error, to explain a failed exit test.
    private func standardError(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test(arguments: [false, true])
    func readySendsStatusInSameMessage(abstractSocket: Bool) async throws {
        let socket = try NotifySocket(abstract: abstractSocket)
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            ServiceNotifier().ready(status: "starting the first poll")
        }
        let message = try #require(socket.receive(timeout: .seconds(5)))
        #expect(message.text == "READY=1\nSTATUS=starting the first poll")
        #expect(socket.receive(timeout: .milliseconds(100)) == nil, "ready(status:) must send one message")
    }

    @Test func statusSendsStatusOnly() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            ServiceNotifier().status("idle, next poll in 240 s")
        }
        let message = try #require(socket.receive(timeout: .seconds(5)))
        #expect(message.text == "STATUS=idle, next poll in 240 s")
    }

    @Test func reloadingSendsCurrentMonotonicTime() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        let before = Self.monotonicMicroseconds()
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            ServiceNotifier().reloading()
        }
        let after = Self.monotonicMicroseconds()
        let message = try #require(socket.receive(timeout: .seconds(5)))
        #expect(message.assignments.map(\.key) == ["RELOADING", "MONOTONIC_USEC"])
        #expect(message.value("RELOADING") == "1")
        let sent = try #require(message.value("MONOTONIC_USEC").flatMap(UInt64.init),
                                "MONOTONIC_USEC is not a number: \(message.text)")
        // CLOCK_MONOTONIC is shared by every process of the machine.
        #expect(sent >= before)
        #expect(sent <= after)
    }

    @Test func stoppingSendsStatusInSameMessage() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            ServiceNotifier().stopping(status: "stopping: waiting up to 30 s for 2 transfers")
        }
        let message = try #require(socket.receive(timeout: .seconds(5)))
        #expect(message.text == "STOPPING=1\nSTATUS=stopping: waiting up to 30 s for 2 transfers")
    }

    @Test func watchdogSendsKeepAlive() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            ServiceNotifier().watchdog()
        }
        let message = try #require(socket.receive(timeout: .seconds(5)))
        #expect(message.text == "WATCHDOG=1")
    }

    @Test func extendTimeoutSendsMicroseconds() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            ServiceNotifier().extendTimeout(microseconds: 45_000_000)
        }
        let message = try #require(socket.receive(timeout: .seconds(5)))
        #expect(message.text == "EXTEND_TIMEOUT_USEC=45000000")
    }

    @Test func newlineInValueCannotAddAssignment() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            let notifier = ServiceNotifier()
            notifier.status("Workfront said:\nREADY=1")
            notifier.send([("STATUS", "line one\nSTOPPING=1\n"), ("WATCHDOG", "1")])
        }
        let status = try #require(socket.receive(timeout: .seconds(5)))
        #expect(status.text == "STATUS=Workfront said: READY=1")
        #expect(status.assignments.count == 1)

        let pair = try #require(socket.receive(timeout: .seconds(5)))
        #expect(pair.assignments.map(\.key) == ["STATUS", "WATCHDOG"])
        #expect(!pair.assignments.contains { $0.key == "STOPPING" })
    }

    @Test func nothingSentWithoutNotifySocket() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            unsetenv("NOTIFY_SOCKET")
            let notifier = ServiceNotifier()
            var problems: [String] = []
            if notifier.isActive {
                problems.append("isActive is true")
            }
            if notifier.send([("READY", "1")]) {
                problems.append("send reported a message as sent")
            }
            notifier.ready(status: "ready")
            notifier.watchdog()
            notifier.stopping(status: "stopping")
            if !problems.isEmpty {
                FileHandle.standardError.write(Data(problems.joined(separator: "; ").utf8))
                exit(1)
            }
        }
        #expect(standardError(result).isEmpty)
    }

    @Test func sendReportsFailureWhenNobodyListens() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            setenv("NOTIFY_SOCKET", "/nonexistent/wf2c-notify", 1)
            if ServiceNotifier().send([("READY", "1")]) {
                FileHandle.standardError.write(Data("send returned true for a socket that does not exist".utf8))
                exit(1)
            }
        }
        #expect(standardError(result).isEmpty)
    }

    @Test func watchdogIntervalFollowsWatchdogVariables() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            var problems: [String] = []
            let notifier = ServiceNotifier()
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
            if let interval = notifier.watchdogInterval {
                problems.append("without WATCHDOG_USEC: \(interval), expected nil")
            }
            setenv("WATCHDOG_USEC", "3000000", 1)
            setenv("WATCHDOG_PID", String(getpid()), 1)
            if notifier.watchdogInterval != .seconds(3) {
                problems.append("WATCHDOG_USEC=3000000 for this process: \(String(describing: notifier.watchdogInterval)), expected 3 seconds")
            }
            unsetenv("WATCHDOG_PID")
            if notifier.watchdogInterval != .seconds(3) {
                problems.append("WATCHDOG_USEC=3000000 without WATCHDOG_PID: \(String(describing: notifier.watchdogInterval)), expected 3 seconds")
            }
            // The variables were meant for another process, such as a parent
            // that passed its environment on.
            setenv("WATCHDOG_PID", String(getppid()), 1)
            if let interval = notifier.watchdogInterval {
                problems.append("WATCHDOG_PID of another process: \(interval), expected nil")
            }
            if !problems.isEmpty {
                FileHandle.standardError.write(Data(problems.joined(separator: "; ").utf8))
                exit(1)
            }
        }
        #expect(standardError(result).isEmpty)
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
