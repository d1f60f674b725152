import Foundation
import Testing
import UploadJournal

/// The command line of the built binary and the read-only `history`
/// command, which need no fake services.
@Suite("command line")
final class CommandLineTests {
    /// A folder of this test's own. `STATE_DIRECTORY` points into it, so a
    /// command that wrongly creates its state folder creates it here.
    private let scratch: URL

    init() throws {
        scratch = try Paths.temporaryDirectory("command-line")
    }

    deinit {
        try? FileManager.default.removeItem(at: scratch)
    }

    static let record = UploadRecord(documentID: "doc-1", versionID: "doc-1-v1", taskID: "task-1", publicID: "workfront/doc-1",
                                     cloudinaryVersion: 3, secureURL: "https://res.cloudinary.com/demo/image/upload/v3/workfront/doc-1.jpg",
                                     bytes: 1, md5: "0123456789abcdef0123456789abcdef")

    /// Runs the binary with only `PATH` and `STATE_DIRECTORY` set, so that no
    /// credential or state folder of the machine running the tests is used.
    private func run(_ arguments: [String], stateDirectory: String? = nil) throws -> CommandResult {
        let state = stateDirectory ?? scratch.appendingPathComponent("default-state").path
        return try Command.run(Paths.binary, arguments, environment: ["PATH": "/usr/bin:/bin", "STATE_DIRECTORY": state])
    }

    /// Creates a folder with a journal of `records` and closes the journal,
    /// as the service does when it stops.
    private func journalFolder(_ records: [UploadRecord]) throws -> URL {
        let folder = try Paths.temporaryDirectory("history")
        let (journal, _) = try UploadJournal.open(directory: folder.path)
        for record in records {
            try journal.record(record)
        }
        return folder
    }

    private func contents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    // MARK: Commands

    /// Returns the commands that `--help` lists in its "Commands:" section.
    private func commandsInHelp() throws -> [String] {
        let help = try run(["--help"])
        let section = try #require(help.stdout.components(separatedBy: "Commands:\n").last?.components(separatedBy: "\n\n").first)
        return section.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func missingCommandListsEveryCommand() throws {
        let commands = try commandsInHelp()
        #expect(commands == ["run", "once", "check-config", "doctor", "history"])
        let result = try run([])
        #expect(result.status == 2)
        let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine == "wf2cloudinary: a command is required: run, once, check-config, doctor or history")
        for command in commands {
            #expect(firstLine.contains(command), "the message leaves out \(command)")
        }
    }

    @Test func unknownCommandListsEveryCommand() throws {
        let result = try run(["histroy"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("wf2cloudinary: unknown command histroy; the commands are run, once, check-config, doctor or history\n"),
                "stderr: \(result.stderr)")
    }

    // MARK: history without a journal

    @Test(arguments: [false, true])
    func historyWithoutJournalExitsTwo(throughEnvironment: Bool) throws {
        let parent = scratch.appendingPathComponent("parent")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: false)
        let missing = parent.appendingPathComponent("no-such-state").path
        let arguments = throughEnvironment ? ["history"] : ["history", "--state-dir", missing]
        let result = try run(arguments, stateDirectory: throughEnvironment ? missing : nil)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        #expect(result.stderr == "wf2cloudinary: no upload journal at \(missing)/journal.sqlite3; the service creates it on its "
            + "first upload. If the service keeps its state elsewhere, pass that folder with --state-dir\n", "stderr: \(result.stderr)")
        let created = try contents(parent)
        #expect(created.isEmpty, "history created \(created)")
    }

    @Test func checkConfigCreatesNoStateFolder() throws {
        let state = scratch.appendingPathComponent("check-state").path
        let result = try run(["check-config", "--config", "/nonexistent/wf2cloudinary.json5", "--state-dir", state])
        #expect(result.status == 2)
        #expect(!FileManager.default.fileExists(atPath: state))
    }

    @Test func historyOnCorruptJournalLeavesIt() throws {
        let folder = try Paths.temporaryDirectory("history")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(UploadJournal.fileName)
        let junk = Data(String(repeating: "this is not a database\n", count: 200).utf8)
        try junk.write(to: path)
        let result = try run(["history", "--state-dir", folder.path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        #expect(result.stderr.hasPrefix("wf2cloudinary: the upload journal at \(path.path) is unreadable: file is not a database."),
                "stderr: \(result.stderr)")
        #expect(try contents(folder) == [UploadJournal.fileName])
        #expect(try Data(contentsOf: path) == junk)
    }

    // MARK: history with a journal

    @Test func historyListsJournalWithoutChangingIt() throws {
        var second = Self.record
        second.documentID = "doc-2"
        second.taskID = "task-2"
        second.bytes = 2_048
        let folder = try journalFolder([Self.record, second])
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try contents(folder)

        let allTasks = try run(["history", "--state-dir", folder.path])
        #expect(allTasks.status == 0, "stderr: \(allTasks.stderr)")
        #expect(allTasks.stdout.hasSuffix("\n2 uploads\n"), "stdout: \(allTasks.stdout)")
        #expect(allTasks.stdout.contains("document doc-1 version doc-1-v1  1 byte  md5 "), "stdout: \(allTasks.stdout)")
        #expect(allTasks.stdout.contains("document doc-2 version doc-1-v1  2048 bytes  md5 "), "stdout: \(allTasks.stdout)")

        let oneTask = try run(["history", "--task", "task-2", "--state-dir", folder.path])
        #expect(oneTask.status == 0, "stderr: \(oneTask.stderr)")
        #expect(oneTask.stdout.hasSuffix("\n1 upload\n"), "stdout: \(oneTask.stdout)")
        #expect(try contents(folder) == before)
    }

    /// A public ID built from a Workfront name is printed with its format
    /// characters escaped.
    @Test func historyEscapesFormatCharacters() throws {
        var hostile = Self.record
        hostile.publicID = "workfront/photo\u{202E}gpj.exe"
        let folder = try journalFolder([hostile])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["history", "--state-dir", folder.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("workfront/photo\\u{202e}gpj.exe"), "stdout: \(result.stdout)")
        #expect(!result.stdout.contains("\u{202E}"))
    }

    // MARK: --since

    /// Values of `--since` that are no date, each with a phrase of the message.
    static let rejectedSince: [(String, String)] = [
        ("2026-13-45", "the month must be from 01 to 12"),
        ("2026-00-10", "the month must be from 01 to 12"),
        ("2026-02-30", "the day must be from 01 to 28 in 2026-02"),
        ("2027-02-29", "the day must be from 01 to 28 in 2027-02"),
        ("2100-02-29", "the day must be from 01 to 28 in 2100-02"),
        ("2026-04-31", "the day must be from 01 to 30 in 2026-04"),
        ("2026-12-00", "the day must be from 01 to 31 in 2026-12"),
        ("2026-12-01T24:00:00Z", "the hour must be from 00 to 23"),
        ("2026-12-01T08:60", "the minute must be from 00 to 59"),
        ("2026-12-01T08:00:61Z", "the second must be from 00 to 59"),
    ]

    @Test(arguments: rejectedSince.indices)
    func sinceRejectsImpossibleDate(index: Int) throws {
        let (value, reason) = Self.rejectedSince[index]
        let result = try run(["history", "--since", value])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("wf2cloudinary: --since \(value) is not a valid date: \(reason)\n"), "stderr: \(result.stderr)")
    }

    @Test(arguments: ["yesterday", "2026-12-01T8", "2026-12-01 08:00", "2026-12-01T08:00:00+01:00", "26-12-01"])
    func sinceRejectsOtherForms(value: String) throws {
        let result = try run(["history", "--since", value])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("wf2cloudinary: --since takes a date like 2026-12-01 or 2026-12-01T08:00:00Z, not \(value)\n"),
                "stderr: \(result.stderr)")
    }

    /// Accepted values, with whether the upload recorded now is at or after them.
    static let acceptedSince: [(String, Bool)] = [
        ("2000-02-29", true),
        ("2024-02-29T23:59", true),
        ("2999-12-31T23:59:59Z", false),
        ("2999-01-01", false),
    ]

    @Test(arguments: acceptedSince.indices)
    func sinceAcceptsValidDate(index: Int) throws {
        let (value, includesRecord) = Self.acceptedSince[index]
        let folder = try journalFolder([Self.record])
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["history", "--since", value, "--state-dir", folder.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasSuffix(includesRecord ? "\n1 upload\n" : "0 uploads\n"), "stdout: \(result.stdout)")
    }
}
