import Foundation
import Testing

/// `wf2cloudinary run` as a child process whose `NOTIFY_SOCKET` is a socket
/// of the test: the messages a service manager would get, with no manager.
/// The configuration points at 127.0.0.1:9, where nothing listens, so every
/// discovery fails fast and nothing is transferred.
@Suite("wf2cloudinary run over sd_notify")
struct DaemonNotifyTests {
    @Test func startSendsReadyWithStatus() throws {
        let daemon = try NotifyingDaemon()
        let messages = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(20))
        let ready = try #require(messages.last, "no READY=1 within 20 s; stderr: \(daemon.standardError)")
        #expect(ready.value("READY") == "1")
        #expect(ready.value("STATUS")?.isEmpty == false, "READY=1 came without a STATUS: \(ready.text)")
        #expect(messages.dropLast().allSatisfy { $0.value("READY") == nil })
    }

    @Test func idleStatusAfterPollShowsNextPoll() throws {
        let daemon = try NotifyingDaemon()
        _ = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(20))
        // The first discovery fails at once; its end sets the next poll 5 s away.
        let statuses = daemon.socket.drain(for: .milliseconds(1_500)).compactMap { $0.value("STATUS") }
        let idle = statuses.filter { $0.hasPrefix("idle") }
        #expect(!idle.isEmpty, "statuses: \(statuses)")
        #expect(idle.allSatisfy { !$0.hasPrefix("idle, next poll in 0 s") }, "statuses: \(statuses)")
    }

    @Test func watchdogPingsAtHalfTheInterval() throws {
        let daemon = try NotifyingDaemon(watchdogMicroseconds: 1_000_000)
        _ = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(20))
        let pings = daemon.socket.drain(for: .milliseconds(2_600)).filter { $0.value("WATCHDOG") == "1" }
        // One every 500 ms makes five in 2.6 s. Four leaves room for a slow machine.
        #expect(pings.count >= 4, "\(pings.count) WATCHDOG=1 in 2.6 s; stderr: \(daemon.standardError)")
        // A gap of a whole WATCHDOG_USEC is what makes systemd kill the service.
        let gaps = zip(pings.dropFirst(), pings).map { $0.received - $1.received }
        #expect(gaps.allSatisfy { $0 < .seconds(1) }, "gaps between pings: \(gaps)")
    }

    @Test func watchdogMeantForAnotherProcessIsIgnored() throws {
        let daemon = try NotifyingDaemon(watchdogMicroseconds: 1_000_000, watchdogPID: "1")
        _ = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(20))
        let pings = daemon.socket.drain(for: .milliseconds(1_500)).filter { $0.value("WATCHDOG") != nil }
        #expect(pings.isEmpty)
    }

    @Test func hangupSendsReloadingThenReady() throws {
        let daemon = try NotifyingDaemon()
        _ = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(20))
        let before = ServiceNotifierTests.monotonicMicroseconds()
        kill(daemon.pid, SIGHUP)
        let messages = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(10))
        let reloading = try #require(messages.firstIndex { $0.value("RELOADING") == "1" },
                                     "no RELOADING=1 after SIGHUP: \(messages.map(\.text))")
        let ready = try #require(messages.lastIndex { $0.value("READY") == "1" },
                                 "no READY=1 after the reload: \(messages.map(\.text))")
        #expect(reloading < ready)
        let sent = try #require(messages[reloading].value("MONOTONIC_USEC").flatMap(UInt64.init),
                                "RELOADING=1 without a numeric MONOTONIC_USEC: \(messages[reloading].text)")
        #expect(sent >= before)
        #expect(sent <= ServiceNotifierTests.monotonicMicroseconds())
        #expect(daemon.isRunning)
    }

    @Test func terminateSendsStoppingAndExits() throws {
        let daemon = try NotifyingDaemon()
        _ = daemon.socket.receive(until: { $0.value("READY") == "1" }, timeout: .seconds(20))
        kill(daemon.pid, SIGTERM)
        let messages = daemon.socket.receive(until: { $0.value("STOPPING") == "1" }, timeout: .seconds(10))
        #expect(messages.last?.value("STOPPING") == "1", "no STOPPING=1 after SIGTERM: \(messages.map(\.text))")
        let status = try #require(daemon.waitForExit(timeout: .seconds(10)), "still running 10 s after SIGTERM")
        #expect(status == 0, "stderr: \(daemon.standardError)")
    }
}

/// `wf2cloudinary run` started with `NOTIFY_SOCKET` set to a new
/// `NotifySocket`, and ended with SIGKILL if a test leaves it running.
final class NotifyingDaemon: @unchecked Sendable {
    // @unchecked: each test owns its daemon and uses it from one task.
    let socket: NotifySocket
    private let process: Process
    private let folder: URL

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    var standardError: String {
        (try? String(contentsOf: folder.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    }

    /// - Parameters:
    ///   - watchdogMicroseconds: `WATCHDOG_USEC`, or nil for no watchdog.
    ///   - watchdogPID: `WATCHDOG_PID`; nil means the daemon's own PID.
    init(watchdogMicroseconds: Int? = nil, watchdogPID: String? = nil) throws {
        socket = try NotifySocket()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("wf2c-daemon-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("wf2cloudinary.json5")
        try Data("""
            {
              workfront: { url: "http://127.0.0.1:9" },
              poll: { interval: 5 },
              shutdown: { grace: 1 },
            }
            """.utf8).write(to: config)

        var environment = ProcessInfo.processInfo.environment
        for name in ["JOURNAL_STREAM", "CREDENTIALS_DIRECTORY", "WATCHDOG_USEC", "WATCHDOG_PID",
                     "WORKFRONT_CLIENT_ID", "WORKFRONT_CLIENT_SECRET", "WORKFRONT_CUSTOMER_ID", "WORKFRONT_USER_ID",
                     "WORKFRONT_PRIVATE_KEY", "WORKFRONT_PRIVATE_KEY_FILE", "WORKFRONT_API_KEY"] {
            environment[name] = nil
        }
        environment["NOTIFY_SOCKET"] = socket.path
        environment["CLOUDINARY_URL"] = "cloudinary://123456789012345:not-a-real-secret@demo?upload_prefix=http://127.0.0.1:9"
        // A real key, because the JWT login is checked at start; the
        // Workfront address is never reached.
        let key = folder.appendingPathComponent("workfront-key.pem")
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        keygen.arguments = ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.path]
        keygen.standardError = FileHandle.nullDevice
        try keygen.run()
        keygen.waitUntilExit()
        environment["WORKFRONT_CLIENT_ID"] = "client-id"
        environment["WORKFRONT_CLIENT_SECRET"] = "not-a-real-secret"
        environment["WORKFRONT_CUSTOMER_ID"] = "customer-id"
        environment["WORKFRONT_USER_ID"] = "user-id"
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = key.path
        environment["SWIFT_BACKTRACE"] = "enable=no"
        if let watchdogMicroseconds {
            environment["WATCHDOG_USEC"] = String(watchdogMicroseconds)
        }

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // sd_watchdog_enabled(3) honours WATCHDOG_USEC only when WATCHDOG_PID
        // is unset or the caller's PID, which is known only after the fork:
        // the shell exports its own PID and then becomes the daemon.
        let pidExport = watchdogPID.map { "export WATCHDOG_PID=\($0)" } ?? "export WATCHDOG_PID=$$"
        process.arguments = ["-c", "\(watchdogMicroseconds == nil ? "" : pidExport + "; ")exec \"$0\" run --config \"$1\" --state-dir \"$2\"",
                             Self.binary, config.path, folder.appendingPathComponent("state").path]
        process.environment = environment
        let stderrURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Waits for the daemon to exit. Returns its exit status, or nil when it
    /// still runs after `timeout`.
    func waitForExit(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The binary under test: `$WF2C_BINARY`, or the debug build of this
    /// package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["WF2C_BINARY"], !path.isEmpty {
            return path
        }
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent(".build/debug/wf2cloudinary").path
            }
        }
        return ".build/debug/wf2cloudinary"
    }
}
