import Foundation
import Testing

/// systemd/wf2cloudinary.service run by a real `systemd --user` manager with
/// a real journald, both in the private namespace that
/// Tests/Systemd/user-manager-sandbox.sh builds, against the fakes.
///
/// The tests run one at a time: each starts its own manager, and transfers
/// of several GB in parallel would make the timings meaningless on a
/// two-core machine. `TestUnit` lists how the test unit differs from the
/// shipped one.
@Suite("wf2cloudinary.service under systemd", .serialized,
       .enabled(if: ServiceManagerSandbox.isSupported,
                "needs root, unshare(1) and nsenter(1) to run systemd and journald in a private namespace"))
struct SystemdServiceTests {
    private static func smallTask(_ id: String, documents: Int = 1, size: Int64 = 40_000) -> FakeTask {
        FakeTask(id: id, name: "Task \(id)", documents: (1...documents).map { index in
            FakeDocument(id: "\(id)-doc-\(index)", name: "Document \(index)", fileName: "\(id)-\(index).jpg",
                         size: size + Int64(index))
        })
    }

    @Test func startReturnsAfterReadyAndTasksGetDone() throws {
        let tasks = (1...3).map { Self.smallTask("start-\($0)") }
        let service = try ServiceUnderTest(tasks: tasks)

        let result = try service.systemctl("start")
        #expect(result.status == 0, "systemctl start failed: \(result.stderr)")
        // systemd 252 turns an unknown type such as notify-reload into simple,
        // which would not wait for READY=1.
        #expect(try service.property("Type") == "notify")
        #expect(try service.property("ActiveState") == "active")
        #expect(try service.property("SubState") == "running")
        #expect(try service.property("StatusText") != "", "READY=1 came without a STATUS=")
        let started = try eventually { try !service.journal(["MESSAGE=Service started"]).isEmpty }
        #expect(started, "no \"Service started\" entry in the journal")

        let done = try eventually(timeout: .seconds(30)) {
            try tasks.allSatisfy { try service.tenant.taskStatus($0.id) == "CPL" }
        }
        let statuses = tasks.map { (try? service.tenant.taskStatus($0.id)) ?? "missing" }
        #expect(done, "task statuses: \(statuses)")
        let assets = try service.tenant.cloudinaryAssets()
        for document in tasks.flatMap(\.documents) {
            #expect(assets[document.id] != nil, "no asset for \(document.id)")
        }
        try service.expectNoSecretsInJournal()
    }

    @Test func statusTextFollowsTheWork() throws {
        let tasks = (1...2).map { Self.smallTask("status-\($0)", size: 100_000_000) }
        let service = try ServiceUnderTest(tasks: tasks, pollInterval: 30)
        let result = try service.systemctl("start")
        try #require(result.status == 0, "systemctl start failed: \(result.stderr)")

        var texts: [String] = []
        let finished = try eventually(timeout: .seconds(60), interval: .milliseconds(50)) {
            let text = try service.property("StatusText")
            if text != texts.last {
                texts.append(text)
            }
            return try text.contains("last poll") && tasks.allSatisfy { try service.tenant.taskStatus($0.id) == "CPL" }
        }
        #expect(finished, "status texts seen: \(texts)")
        #expect(texts.contains { $0.hasPrefix("transferring 2 tasks (2 documents)") }, "status texts seen: \(texts)")
        let last = try #require(texts.last)
        #expect(last.wholeMatch(of: /idle, next poll in [0-9]+ s; last poll 2 tasks, 2 documents/) != nil,
                "status texts seen: \(texts)")
    }

    /// A poll that finds nothing new while a long transfer runs must not make
    /// the status line forget the transfer's task once it is done.
    @Test func idleStatusCountsTransferThatSpannedPolls() throws {
        let task = FakeTask(id: "long", name: "Long video", documents: [
            FakeDocument(id: "long-doc", name: "Master", fileName: "master.mov", size: 5_000_000_000),
        ])
        let service = try ServiceUnderTest(tasks: [task], pollInterval: 5)
        let result = try service.systemctl("start")
        try #require(result.status == 0, "systemctl start failed: \(result.stderr)")

        // The first idle status after the transfer describes it. A later
        // poll that finds nothing may rightly replace it.
        var texts: [String] = []
        let idleAfterWork = try eventually(timeout: .seconds(90), interval: .milliseconds(100)) {
            let text = try service.property("StatusText")
            if text != texts.last {
                texts.append(text)
            }
            return texts.contains { $0.hasPrefix("transferring") } && text.hasPrefix("idle")
        }
        try #require(idleAfterWork, "the 5 GB transfer did not finish within 90 s; status texts seen: \(texts)")
        let firstIdle = try #require(texts.last)

        let done = try #require(try service.journal(["TASK_ID=\(task.id)", "MESSAGE=Task done"]).first)
        let doneAt = try #require(done["__MONOTONIC_TIMESTAMP"].flatMap(UInt64.init))
        let pollsBeforeDone = try service.journal(["MESSAGE=Poll finished"])
            .compactMap { $0["__MONOTONIC_TIMESTAMP"].flatMap(UInt64.init) }
            .filter { $0 < doneAt }
        try #require(pollsBeforeDone.count >= 2, "the transfer ended within one poll interval, so no poll ran during it")
        #expect(firstIdle.contains("last poll 1 task, 1 document"), "status texts seen: \(texts)")
    }

    @Test func reloadAppliesValidConfiguration() throws {
        let service = try ServiceUnderTest(tasks: [], pollInterval: 5)
        try #require(try service.systemctl("start").status == 0)
        let mainPID = try service.property("MainPID")

        service.tenant.configOverrides["poll"] = ["interval": 7]
        service.tenant.configOverrides["workers"] = 3
        _ = try service.tenant.writeConfig()
        let result = try service.systemctl("reload")
        #expect(result.status == 0, "systemctl reload failed: \(result.stderr)")

        var reloaded: [JournalEntry] = []
        let logged = try eventually {
            reloaded = try service.journal(["MESSAGE=Configuration reloaded"])
            return !reloaded.isEmpty
        }
        try #require(logged, "no \"Configuration reloaded\" entry in the journal")
        #expect(reloaded.first?["POLL_INTERVAL"] == "7")
        #expect(reloaded.first?["WORKERS"] == "3")
        #expect(reloaded.first?["PRIORITY"] == "5")
        #expect(try eventually { try service.property("SubState") == "running" }, "no READY=1 after the reload")
        #expect(try service.property("MainPID") == mainPID, "the reload restarted the process")
        #expect(try service.property("ActiveState") == "active")
        #expect(try !service.property("StatusText").contains("reload failed"))
    }

    @Test func reloadWithBrokenConfigurationKeepsRunning() throws {
        let service = try ServiceUnderTest(tasks: [], pollInterval: 5)
        try #require(try service.systemctl("start").status == 0)
        let mainPID = try service.property("MainPID")
        #expect(try eventually { try !service.journal(["MESSAGE=Poll finished"]).isEmpty })

        try Data("{ workfront: { url: ".utf8).write(to: URL(fileURLWithPath: service.configPath))
        let result = try service.systemctl("reload")
        #expect(result.status == 0, "systemctl reload failed: \(result.stderr)")

        var statusText = ""
        let noted = try eventually {
            statusText = try service.property("StatusText")
            return statusText.contains("reload failed, running on the previous configuration")
        }
        #expect(noted, "status text: \(statusText)")
        let warnings = try service.journal(["MESSAGE=Configuration reload failed, keeping the previous configuration"])
        #expect(warnings.count == 1)
        #expect(warnings.first?["PRIORITY"] == "4")
        #expect(warnings.first?["ERROR"]?.contains(service.configPath) == true,
                "the warning does not name the file: \(warnings.first?["ERROR"] ?? "no ERROR field")")
        #expect(try eventually { try service.property("SubState") == "running" }, "no READY=1 after the failed reload")
        #expect(try service.property("MainPID") == mainPID, "the failed reload restarted the process")

        // It still polls with the previous configuration.
        let pollsBefore = try service.journal(["MESSAGE=Poll finished"]).count
        let polledAgain = try eventually(timeout: .seconds(10)) {
            try service.journal(["MESSAGE=Poll finished"]).count > pollsBefore
        }
        #expect(polledAgain, "no poll within 10 s of the failed reload")
        #expect(try service.property("ActiveState") == "active")
        try service.expectNoSecretsInJournal()
    }

    @Test func watchdogRestartsFrozenProcess() throws {
        let service = try ServiceUnderTest(tasks: [], pollInterval: 5)
        try #require(try service.systemctl("start").status == 0)
        let frozen = try #require(Int32(try service.property("MainPID")))
        try #require(frozen > 0)
        #expect(try service.property("NRestarts") == "0")

        let stoppedAt = ContinuousClock.now
        try #require(kill(frozen, SIGSTOP) == 0, "kill -STOP \(frozen) failed: errno \(errno)")
        let restarted = try eventually(timeout: .seconds(30), interval: .milliseconds(200)) {
            let pid = try service.property("MainPID")
            return try service.property("NRestarts") == "1" && service.property("ActiveState") == "active"
                && pid != "0" && pid != String(frozen)
        }
        let elapsed = ContinuousClock.now - stoppedAt
        let state = (try? service.properties(["ActiveState", "SubState", "Result", "NRestarts"])) ?? ""
        #expect(restarted, "not restarted within 30 s: \(state)")
        // Expected: 3 s of WatchdogSec and 1 s of RestartSec. Ten seconds or
        // more means the SIGABRT did not end the process, and the SIGKILL
        // after TimeoutAbortSec=10s did.
        #expect(elapsed < .seconds(10), "the restart took \(elapsed)")
        let probe = kill(frozen, 0)
        let probeError = errno
        #expect(probe == -1, "the frozen process \(frozen) still exists")
        #expect(probeError == ESRCH)
        let newPID = try service.property("MainPID")
        #expect(try eventually { try !service.journal(["MESSAGE=Service started", "_PID=\(newPID)"]).isEmpty },
                "the restarted process \(newPID) logged no start")
    }

    @Test func stopDuringLargeTransferEndsWithinGrace() throws {
        let grace = 2
        let big = FakeTask(id: "big", name: "Big video", documents: [
            FakeDocument(id: "big-doc", name: "Master", fileName: "master.mov", size: 6_000_000_000),
        ])
        let small = Self.smallTask("small")
        let service = try ServiceUnderTest(tasks: [big, small], pollInterval: 5, shutdownGrace: grace)
        try #require(try service.systemctl("start").status == 0)

        let transferring = try eventually(timeout: .seconds(30)) {
            let counters = try service.tenant.cloudinary.control("/_fake/state")["counters"] as? [String: Any]
            let chunks = (counters?["chunk_requests"] as? NSNumber)?.intValue ?? 0
            return try chunks >= 2 && service.tenant.taskStatus(small.id) == "CPL"
        }
        try #require(transferring, "the large upload did not start, or the small task was not done, within 30 s")

        let stopRequested = ContinuousClock.now
        let result = try service.systemctl("stop")
        let elapsed = ContinuousClock.now - stopRequested
        #expect(result.status == 0, "systemctl stop failed: \(result.stderr)")
        // The transfer gets the whole grace period, then the cancellation
        // reaches libcurl within about a second.
        #expect(elapsed >= .seconds(grace) - .milliseconds(300), "stopped after \(elapsed), before the grace period ran out")
        #expect(elapsed < .seconds(grace + 5), "stopped after \(elapsed) with a grace period of \(grace) s")
        #expect(try service.property("ActiveState") == "inactive")
        #expect(try service.property("Result") == "success")

        let bigStatus = try service.tenant.taskStatus(big.id)
        let bigStory = try service.journal(["TASK_ID=\(big.id)"])
            .map { "\($0["MESSAGE"] ?? "") \($0["ERROR_KIND"] ?? "") \($0["ERROR"] ?? "")" }
        #expect(bigStatus == "UPL", "a task whose upload was cancelled left its trigger status; its journal: \(bigStory)")
        #expect(try service.tenant.notes(on: big.id).isEmpty, "a note was left on a task whose upload was cancelled")
        #expect(try service.tenant.cloudinaryAssets()[big.documents[0].id] == nil, "the cancelled upload produced an asset")
        let document = try #require(try service.tenant.document(big.documents[0].id))
        #expect(document["description"] as? String == "", "a URL was written back for a cancelled upload")
        #expect(try service.tenant.taskStatus(small.id) == "CPL")
        #expect(try service.tenant.cloudinaryAssets()[small.documents[0].id] != nil)

        let cancelled = try service.journal(["PRIORITY=4", "MESSAGE=Grace period over, cancelling transfers in flight; their tasks stay in their trigger status"])
        #expect(cancelled.count == 1)
        #expect(try service.journal(["TASK_ID=\(big.id)", "MESSAGE=Task done"]).isEmpty)
    }

    @Test func journalEntriesOfTaskCarryFields() throws {
        let task = Self.smallTask("journal-a", documents: 2, size: 30_000)
        let other = Self.smallTask("journal-b")
        let service = try ServiceUnderTest(tasks: [task, other])
        try #require(try service.systemctl("start").status == 0)
        let done = try eventually(timeout: .seconds(30)) {
            try [task, other].allSatisfy { try service.tenant.taskStatus($0.id) == "CPL" }
        }
        try #require(done)

        var entries: [JournalEntry] = []
        let complete = try eventually {
            entries = try service.sandbox.journal(["TASK_ID=\(task.id)"])
            return entries.contains { $0["MESSAGE"] == "Task done" }
        }
        try #require(complete, "no \"Task done\" entry for \(task.id): \(entries.map { $0["MESSAGE"] ?? "" })")
        for entry in entries {
            #expect(entry["TASK_ID"] == task.id)
            #expect(entry["MESSAGE"]?.isEmpty == false)
            #expect(entry["PRIORITY"].flatMap(Int.init).map { (0...7).contains($0) } == true, "PRIORITY: \(entry["PRIORITY"] ?? "missing")")
            #expect(entry["SYSLOG_IDENTIFIER"] == "wf2cloudinary")
            // Native protocol, not lines on standard error.
            #expect(entry["_TRANSPORT"] == "journal")
        }

        let uploads = entries.filter { $0["MESSAGE"] == "Document uploaded" }
        #expect(Set(uploads.compactMap { $0["DOCUMENT_ID"] }) == Set(task.documents.map(\.id)))
        let assets = try service.tenant.cloudinaryAssets()
        for upload in uploads {
            let documentID = try #require(upload["DOCUMENT_ID"])
            let document = try #require(task.documents.first { $0.id == documentID })
            let publicID = try #require(upload["PUBLIC_ID"], "no PUBLIC_ID on the upload of \(documentID)")
            #expect(assets[publicID] != nil, "PUBLIC_ID \(publicID) names no asset")
            #expect(upload["BYTES"] == String(document.size))
            #expect(upload["DURATION_MS"].flatMap(Int.init).map { $0 >= 0 } == true,
                    "DURATION_MS: \(upload["DURATION_MS"] ?? "missing")")
        }
        #expect(!entries.contains { $0["DOCUMENT_ID"].map { $0.hasPrefix(other.id) } == true })
        try service.expectNoSecretsInJournal()
    }
}

// MARK: - The service under test

/// One test's service: the fakes, a configuration and credential files for
/// them, a sandboxed manager, and the test unit installed there as
/// `wf2cloudinary.service`.
final class ServiceUnderTest: @unchecked Sendable {
    // @unchecked: each test owns its service and uses it from one task.
    static let unitName = "wf2cloudinary.service"

    let tenant: Tenant
    let sandbox: ServiceManagerSandbox
    let configPath: String
    private let secrets: [String]

    init(tasks: [FakeTask], pollInterval: Int = 5, shutdownGrace: Int = 5) throws {
        tenant = try Tenant(tasks: tasks)
        tenant.configOverrides["poll"] = ["interval": pollInterval]
        tenant.configOverrides["shutdown"] = ["grace": shutdownGrace]
        configPath = try tenant.writeConfig()

        let credentials = tenant.directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        let environment = tenant.environment
        let privateKey = try String(contentsOfFile: tenant.privateKeyPath, encoding: .utf8)
        let values = [
            "cloudinary-url": environment["CLOUDINARY_URL"] ?? "",
            "workfront-client-id": environment["WORKFRONT_CLIENT_ID"] ?? "",
            "workfront-client-secret": environment["WORKFRONT_CLIENT_SECRET"] ?? "",
            "workfront-customer-id": environment["WORKFRONT_CUSTOMER_ID"] ?? "",
            "workfront-user-id": environment["WORKFRONT_USER_ID"] ?? "",
            "workfront-private-key": privateKey,
        ]
        for (name, value) in values {
            try Data(value.utf8).write(to: credentials.appendingPathComponent(name))
        }
        // A line from the middle of the key: base64 that no log could
        // contain by chance.
        let keyLines = privateKey.split(separator: "\n")
        secrets = [Tenant.apiSecret, environment["WORKFRONT_CLIENT_SECRET"] ?? "", String(keyLines[keyLines.count / 2])]
            .filter { !$0.isEmpty }

        sandbox = try ServiceManagerSandbox()
        let shipped = try String(contentsOf: Paths.packageRoot.appendingPathComponent("systemd/wf2cloudinary.service"),
                                 encoding: .utf8)
        let unit = try TestUnit.adapt(shipped, binary: URL(fileURLWithPath: Paths.binary).resolvingSymlinksInPath().path,
                                      configPath: configPath, readablePaths: [tenant.directory.path],
                                      credentials: credentials.path)
        try sandbox.install(unit: unit, name: Self.unitName)
    }

    deinit {
        // The manager stops the unit on its way out; the fakes stop after it.
        sandbox.stop()
    }

    func systemctl(_ verb: String) throws -> CommandResult {
        try sandbox.systemctl([verb, Self.unitName])
    }

    /// Reads one property of the unit, as `systemctl show --value` prints it.
    func property(_ name: String) throws -> String {
        let result = try sandbox.systemctl(["show", "--property", name, "--value", Self.unitName])
        guard result.status == 0 else {
            throw TestSetupError("systemctl show \(name) exited \(result.status): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads several properties as `NAME=value` lines, for failure messages.
    func properties(_ names: [String]) throws -> String {
        try sandbox.systemctl(["show", "--property", names.joined(separator: ","), Self.unitName]).stdout
    }

    /// Reads the service's journal entries that match every `FIELD=value` given.
    func journal(_ matches: [String]) throws -> [JournalEntry] {
        try sandbox.journal(matches + ["SYSLOG_IDENTIFIER=wf2cloudinary"])
    }

    /// Checks that no credential appears in any field of any journal entry,
    /// the manager's and journald's own included.
    func expectNoSecretsInJournal(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let entries = try sandbox.journal([])
        #expect(!entries.isEmpty, "the journal is empty", sourceLocation: sourceLocation)
        for entry in entries {
            for (name, value) in entry.allFields {
                for secret in secrets where value.contains(secret) {
                    Issue.record("the journal field \(name) contains a secret: \(value)", sourceLocation: sourceLocation)
                }
            }
        }
    }
}

/// How the test unit is made from systemd/wf2cloudinary.service. Every line
/// not named here is kept as shipped.
///
/// - `ExecStart=` runs the binary under test with the test's configuration.
/// - `User=`, `Group=`: dropped, because a per-user manager runs services as
///   its own user and cannot switch.
/// - `ConditionPathExists=`: dropped, because the credentials are not under
///   /etc.
/// - `LoadCredential=` reads the test's files.
/// - `WatchdogSec=3s` and `RestartSec=1s`, so that a watchdog restart takes
///   seconds instead of 70.
/// - `PrivateTmp=yes` stays, with `BindReadOnlyPaths=` for the binary and the
///   test's folder, which are under /tmp.
///
/// Every hardening line stays as shipped.
enum TestUnit {
    static let droppedKeys: Set = ["User", "Group", "ConditionPathExists"]

    static func adapt(_ shipped: String, binary: String, configPath: String, readablePaths: [String],
                      credentials: String) throws -> String {
        var lines: [String] = []
        var rewritten: Set<String> = []
        for line in shipped.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let key = line.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            switch key {
            case _ where droppedKeys.contains(key):
                rewritten.insert(key)

            case "ExecStart":
                lines.append("ExecStart=\(binary) run --config \(configPath)")
                rewritten.insert(key)

            case "LoadCredential":
                let name = String(line.dropFirst("LoadCredential=".count).split(separator: ":")[0])
                lines.append("LoadCredential=\(name):\(credentials)/\(name)")
                rewritten.insert(key)

            case "WatchdogSec":
                lines.append("WatchdogSec=3s")
                rewritten.insert(key)

            case "RestartSec":
                lines.append("RestartSec=1s")
                rewritten.insert(key)

            case "PrivateTmp":
                lines.append(line)
                lines.append("BindReadOnlyPaths=\(([binary] + readablePaths).joined(separator: " "))")
                rewritten.insert(key)

            default:
                lines.append(line)
            }
        }
        let missing = droppedKeys.union(["ExecStart", "LoadCredential", "WatchdogSec", "RestartSec", "PrivateTmp"])
            .subtracting(rewritten)
        guard missing.isEmpty else {
            throw TestSetupError("systemd/wf2cloudinary.service has no \(missing.sorted().joined(separator: ", ")) line; update TestUnit")
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - The sandboxed manager

/// A real systemd-journald and `systemd --user` manager in a private mount
/// and cgroup namespace, started by Tests/Systemd/user-manager-sandbox.sh
/// and stopped when this object goes away.
final class ServiceManagerSandbox: @unchecked Sendable {
    // @unchecked: each test owns its sandbox and uses it from one task.
    static let runtimeDirectory = "/run/systemd/user"

    static var isSupported: Bool {
        getuid() == 0 && executable("unshare") != nil && executable("nsenter") != nil
    }

    let directory: URL
    private let process: Process
    private let input: Pipe
    private let namespacePID: String
    private let nsenter: String

    init() throws {
        directory = try Paths.temporaryDirectory("systemd")
        guard let nsenter = Self.executable("nsenter") else {
            throw TestSetupError("nsenter(1) not found")
        }
        self.nsenter = nsenter
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Paths.packageRoot.appendingPathComponent("Tests/Systemd/user-manager-sandbox.sh").path,
                             directory.path]
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        input = Pipe()
        let output = Pipe()
        let logURL = directory.appendingPathComponent("sandbox.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()

        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let piece = output.fileHandleForReading.availableData
            if piece.isEmpty {
                process.waitUntilExit()
                let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
                throw TestSetupError("user-manager-sandbox.sh exited \(process.terminationStatus) before READY: \(log)")
            }
            line.append(piece)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 2, words[0] == "READY" else {
            throw TestSetupError("user-manager-sandbox.sh printed \(String(decoding: line, as: UTF8.self)) instead of READY <pid>")
        }
        namespacePID = String(words[1])
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Closes the script's standard input, which makes it stop the manager
    /// (and so the unit) and journald, and waits for it.
    func stop() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs a command inside the namespace, where /run/systemd and the
    /// journal are the sandbox's.
    func run(_ arguments: [String]) throws -> CommandResult {
        try Command.run(nsenter, ["--target", namespacePID, "--mount", "--", "/usr/bin/env", "-i",
                                  "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                                  "XDG_RUNTIME_DIR=\(Self.runtimeDirectory)"] + arguments)
    }

    func systemctl(_ arguments: [String]) throws -> CommandResult {
        try run(["systemctl", "--user", "--no-pager"] + arguments)
    }

    /// Writes a unit file where the manager finds it and reloads the manager.
    func install(unit text: String, name: String) throws {
        let folder = directory.appendingPathComponent("home/.config/systemd/user")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        let result = try systemctl(["daemon-reload"])
        guard result.status == 0 else {
            throw TestSetupError("systemctl --user daemon-reload exited \(result.status): \(result.stderr)")
        }
    }

    /// Reads every journal entry that matches all `FIELD=value` given.
    func journal(_ matches: [String]) throws -> [JournalEntry] {
        let result = try run(["journalctl", "--output=json", "--all", "--no-pager"] + matches)
        guard result.status == 0 else {
            throw TestSetupError("journalctl \(matches.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return try result.stdout.split(separator: "\n").map { line in
            guard let fields = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestSetupError("journalctl printed a line that is not a JSON object: \(line)")
            }
            return JournalEntry(fields: fields)
        }
    }

    static func executable(_ name: String) -> String? {
        ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// One entry of `journalctl --output=json`.
struct JournalEntry {
    let fields: [String: Any]

    /// The field's value as text. journalctl writes a value that is not
    /// printable UTF-8 as an array of byte values, which are decoded here. A
    /// field that occurs several times comes as an array of values, which
    /// are joined with newlines.
    subscript(name: String) -> String? {
        fields[name].flatMap(Self.text)
    }

    var allFields: [(String, String)] {
        fields.compactMap { name, value in Self.text(value).map { (name, $0) } }
    }

    private static func text(_ value: Any) -> String? {
        if let string = value as? String {
            return string
        }
        if let bytes = value as? [NSNumber] {
            return String(decoding: bytes.map(\.uint8Value), as: UTF8.self)
        }
        if let values = value as? [Any] {
            return values.compactMap(text).joined(separator: "\n")
        }
        return nil
    }
}

/// Polls `condition` every `interval` until it returns true or `timeout`
/// passes. Returns the last result.
func eventually(timeout: Duration = .seconds(10), interval: Duration = .milliseconds(100),
                _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() {
            return true
        }
        if ContinuousClock.now >= deadline {
            return false
        }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
    }
}
