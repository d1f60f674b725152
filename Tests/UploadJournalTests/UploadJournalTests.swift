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
}
