import Foundation
import Testing
import UploadJournal

@Suite("state directory check")
struct StateDirectoryCheckTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("state-check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func missingFolderThatCanBeCreatedPasses() throws {
        let parent = try folder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        #expect(UploadJournal.stateDirectoryProblem("\(parent)/a/b") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }

    @Test func existingFolderPassesAndStaysEmpty() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(UploadJournal.stateDirectoryProblem(directory) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func folderThatCannotBeCreatedIsAProblem() {
        // /proc refuses new entries even to root.
        #expect(UploadJournal.stateDirectoryProblem("/proc/wf2cloudinary-state")
            == "the state directory /proc/wf2cloudinary-state does not exist and this user cannot create it in /proc")
    }

    @Test func fileInPlaceOfFolderIsAProblem() throws {
        let parent = try folder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let path = "\(parent)/state"
        FileManager.default.createFile(atPath: path, contents: Data())
        #expect(UploadJournal.stateDirectoryProblem(path) == "the state directory \(path) is not a folder")
    }

    @Test func memoryJournalRecordsAndCreatesNoFile() throws {
        let journal = try UploadJournal.inMemory()
        let record = UploadRecord(documentID: "doc-1", versionID: "v-1", taskID: "task-1", publicID: "doc-1",
                                  cloudinaryVersion: 1, secureURL: "https://res.cloudinary.com/c/image/upload/v1/doc-1.jpg",
                                  bytes: 1, md5: "0123456789abcdef0123456789abcdef")
        try journal.record(record)
        #expect(try journal.lookup(documentID: "doc-1", versionID: "v-1")?.publicID == "doc-1")
        #expect(!FileManager.default.fileExists(atPath: journal.path))
    }
}
