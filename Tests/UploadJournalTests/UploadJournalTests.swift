import Foundation
import Testing
import UploadJournal

@Suite("upload journal")
struct UploadJournalTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private let record = UploadRecord(documentID: "doc-1", versionID: "v-1", taskID: "task-1", publicID: "doc-1",
                                      cloudinaryVersion: 17, secureURL: "https://res.cloudinary.com/c/image/upload/v17/doc-1.jpg",
                                      bytes: 1234, md5: "0123456789abcdef0123456789abcdef")

    @Test func recordSurvivesReopen() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let (journal, movedAside) = try UploadJournal.open(directory: directory)
            #expect(movedAside == nil)
            try journal.record(record)
        }
        let (reopened, _) = try UploadJournal.open(directory: directory)
        #expect(try reopened.lookup(documentID: "doc-1", versionID: "v-1") == record)
    }

    @Test func otherVersionIsUnknown() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, _) = try UploadJournal.open(directory: directory)
        try journal.record(record)
        #expect(try journal.lookup(documentID: "doc-1", versionID: "v-2") == nil)
        #expect(try journal.lookup(documentID: "doc-2", versionID: "v-1") == nil)
    }

    @Test func quotesInIDsAreData() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, _) = try UploadJournal.open(directory: directory)
        var odd = record
        odd.documentID = "doc'); DROP TABLE uploads; --"
        try journal.record(odd)
        #expect(try journal.lookup(documentID: odd.documentID, versionID: "v-1") == odd)
    }

    @Test func corruptFileIsMovedAside() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/\(UploadJournal.fileName)"
        try Data(String(repeating: "not a database ", count: 400).utf8).write(to: URL(fileURLWithPath: path))
        let (journal, movedAside) = try UploadJournal.open(directory: directory)
        let aside = try #require(movedAside)
        #expect(FileManager.default.fileExists(atPath: aside))
        #expect(aside.hasPrefix(path + ".corrupt-"))
        try journal.record(record)
        #expect(try journal.lookup(documentID: "doc-1", versionID: "v-1") == record)
    }

    @Test func postedNoteSurvivesReopenUntilForgotten() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let digest = String(repeating: "ab", count: 32)
        do {
            let (journal, _) = try UploadJournal.open(directory: directory)
            #expect(try journal.postedNoteDigest(taskID: "task-1") == nil)
            try journal.recordPostedNote(taskID: "task-1", digest: digest)
        }
        let (reopened, _) = try UploadJournal.open(directory: directory)
        #expect(try reopened.postedNoteDigest(taskID: "task-1") == digest)
        #expect(try reopened.postedNoteDigest(taskID: "task-2") == nil)
        try reopened.forgetPostedNote(taskID: "task-1")
        #expect(try reopened.postedNoteDigest(taskID: "task-1") == nil)
    }

    @Test func laterNoteReplacesEarlierOne() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (journal, _) = try UploadJournal.open(directory: directory)
        try journal.recordPostedNote(taskID: "task-1", digest: "first")
        try journal.recordPostedNote(taskID: "task-1", digest: "second")
        #expect(try journal.postedNoteDigest(taskID: "task-1") == "second")
    }

    @Test func unwritableFolderIsAnError() throws {
        #expect(throws: JournalError.self) {
            try UploadJournal.open(directory: "/proc/wf2cloudinary-journal")
        }
    }

    /// Lists the names in `directory`, sorted, to show that an open created nothing.
    private func contents(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func readOnlyOpenOfMissingJournalCreatesNothing() throws {
        let parent = try folder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = "\(parent)/state"
        do {
            _ = try UploadJournal.openReadOnly(directory: directory)
            Issue.record("a journal that does not exist was opened")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.message == "no upload journal at \(directory)/journal.sqlite3; the service creates it on its first upload")
        }
        #expect(try contents(parent).isEmpty)
    }

    @Test func readOnlyOpenLeavesCorruptFile() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/\(UploadJournal.fileName)"
        let junk = Data(String(repeating: "not a database ", count: 400).utf8)
        try junk.write(to: URL(fileURLWithPath: path))
        do {
            _ = try UploadJournal.openReadOnly(directory: directory)
            Issue.record("a corrupt journal was opened")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.message == "the upload journal at \(path) is unreadable: file is not a database")
        }
        #expect(try contents(directory) == [UploadJournal.fileName])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    /// A journal closed by the service has no `-wal` or `-shm` file, and a
    /// reader must not leave any behind.
    @Test func readOnlyOpenReadsWithoutCreatingFiles() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let (journal, _) = try UploadJournal.open(directory: directory)
            try journal.record(record)
        }
        #expect(try contents(directory) == [UploadJournal.fileName])
        do {
            let reader = try UploadJournal.openReadOnly(directory: directory)
            let rows = try reader.history()
            #expect(rows.map(\.record) == [record])
        }
        #expect(try contents(directory) == [UploadJournal.fileName])
    }

    /// While the service has the journal open, a reader sees its latest
    /// uploads, which are still in the write-ahead log.
    @Test func readOnlyOpenSeesOpenWriter() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (writer, _) = try UploadJournal.open(directory: directory)
        try writer.record(record)
        let filesWithWriter = try contents(directory)
        let reader = try UploadJournal.openReadOnly(directory: directory)
        #expect(try reader.history().map(\.record) == [record])
        #expect(throws: JournalError.self) {
            try reader.record(record)
        }
        #expect(try contents(directory) == filesWithWriter)
    }

    @Test func readOnlyOpenOfFolderIsUnreadable() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/\(UploadJournal.fileName)", withIntermediateDirectories: false)
        #expect {
            _ = try UploadJournal.openReadOnly(directory: directory)
        } throws: { error in
            (error as? JournalError)?.kind == .unreadable
        }
    }
}
