import Foundation
import HTTP
import Testing

/// `wf2cloudinary once` against the fake Workfront and the fake Cloudinary,
/// each a separate process on 127.0.0.1.
@Suite("once through the fakes")
struct OnePassTests {
    /// Checks that `documentID` reached Cloudinary intact and that its
    /// Workfront description holds the asset's secure URL.
    private func expectDelivered(_ documentID: String, in tenant: Tenant) throws {
        let assets = try tenant.cloudinaryAssets()
        let asset = try #require(assets[documentID], "no asset for document \(documentID)")
        let digest = try tenant.documentDigest(documentID)
        #expect(asset["etag"] as? String == digest.md5)
        #expect((asset["bytes"] as? NSNumber)?.int64Value == digest.size)
        #expect(asset["asset_folder"] as? String == "workfront")
        let document = try #require(try tenant.document(documentID))
        let secureURL = try #require(document["description"] as? String)
        #expect(secureURL.hasPrefix("https://res.cloudinary.com/\(Tenant.cloudName)/"))
        #expect(secureURL.contains(documentID))
    }

    @Test func movesEveryDocumentAndMarksTasksDone() throws {
        let tasks = (1...3).map { taskIndex in
            FakeTask(id: "task-\(taskIndex)", name: "Launch \(taskIndex)", documents: (1...3).map { documentIndex in
                FakeDocument(id: "doc-\(taskIndex)-\(documentIndex)", name: "Asset \(documentIndex)",
                             fileName: "asset \(taskIndex)-\(documentIndex).jpg", size: Int64(50_000 * documentIndex + taskIndex))
            })
        }
        let tenant = try Tenant(tasks: tasks)
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        for task in tasks {
            #expect(try tenant.taskStatus(task.id) == "CPL")
            for document in task.documents {
                try expectDelivered(document.id, in: tenant)
            }
        }
        #expect(result.stdout.contains("3 tasks: 3 done, 0 failed"))
    }

    @Test func pagesThroughMoreTasksThanOneSearchPage() throws {
        let tasks = (1...7).map { index in
            FakeTask(id: String(format: "page-task-%02d", index), name: "Task \(index)", documents: [
                FakeDocument(id: "page-doc-\(index)", name: "Doc \(index)", fileName: "doc\(index).pdf", size: 1000 + Int64(index)),
            ])
        }
        let tenant = try Tenant(tasks: tasks)
        tenant.configOverrides["workfront"] = ["url": tenant.workfront.baseURL, "apiVersion": "v21.0", "pageSize": 3]
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        for task in tasks {
            #expect(try tenant.taskStatus(task.id) == "CPL")
        }
        #expect(try tenant.cloudinaryAssets().count == 7)
        let counters = try tenant.workfrontState()["counters"] as? [String: Any]
        #expect((counters?["searchPages"] as? NSNumber)?.intValue == 3)
    }

    @Test func leavesTasksInOtherStatusesAlone() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "busy", name: "In progress", status: "INP", documents: [
                FakeDocument(id: "busy-doc", name: "Draft", fileName: "draft.png", size: 2000),
            ]),
            FakeTask(id: "ready", name: "Ready", documents: [
                FakeDocument(id: "ready-doc", name: "Final", fileName: "final.png", size: 3000),
            ]),
        ])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus("busy") == "INP")
        #expect(try tenant.cloudinaryAssets()["busy-doc"] == nil)
        #expect(try tenant.taskStatus("ready") == "CPL")
    }

    @Test func taskWithoutDocumentsFailsWithNote() throws {
        let tenant = try Tenant(tasks: [FakeTask(id: "empty-task", name: "Nothing attached")])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(try tenant.taskStatus("empty-task") == "ERR")
        let notes = try tenant.notes(on: "empty-task")
        #expect(notes.count == 1)
        #expect(notes.first?.contains("no documents are attached") == true)
        #expect(result.stdout.contains("task empty-task: failed: no documents are attached"), "stdout: \(result.stdout)")
    }

    @Test func zeroByteDocumentFailsAloneWithNote() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "mixed", name: "Mixed", documents: [
                FakeDocument(id: "empty-doc", name: "Empty", fileName: "empty.txt", size: 0),
                FakeDocument(id: "good-doc", name: "Good", fileName: "good.jpg", size: 40_000),
            ]),
        ])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(try tenant.taskStatus("mixed") == "ERR")
        try expectDelivered("good-doc", in: tenant)
        #expect(try tenant.cloudinaryAssets()["empty-doc"] == nil)
        let note = try #require(try tenant.notes(on: "mixed").first)
        #expect(note.contains("empty.txt"))
        #expect(note.contains("empty (0 bytes)"))
        #expect(!note.contains("good.jpg"))
    }

    /// Download faults the fake Workfront can inject.
    enum DownloadFault: String, CaseIterable, Sendable {
        case notFound
        case loginPage
        case connectionReset

        var scenario: [String: Any] {
            switch self {
            case .notFound: ["status": 404]
            case .loginPage: ["html": true]
            case .connectionReset: ["resetAfterBytes": 100_000]
            }
        }
    }

    @Test(arguments: DownloadFault.allCases)
    func failedDownloadIsNamedInNote(fault: DownloadFault) throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "broken", name: "Broken download", documents: [
                FakeDocument(id: "bad-doc", name: "Bad", fileName: "bad.mov", size: 300_000, download: fault.scenario),
                FakeDocument(id: "fine-doc", name: "Fine", fileName: "fine.jpg", size: 30_000),
            ]),
        ])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        try expectDelivered("fine-doc", in: tenant)
        #expect(try tenant.cloudinaryAssets()["bad-doc"] == nil, "a failed download must not leave an asset behind")
        if fault != .notFound {
            // A connection reset, or a login page even with a new session, may
            // pass later, so the task waits for a later poll.
            #expect(try tenant.taskStatus("broken") == "UPL")
            #expect(try tenant.notes(on: "broken").isEmpty)
            #expect(result.stderr.contains("bad-doc"))
        } else {
            #expect(try tenant.taskStatus("broken") == "ERR")
            let note = try #require(try tenant.notes(on: "broken").first)
            #expect(note.contains("bad.mov"))
            #expect(note.contains("bad-doc"))
        }
    }

    /// A rejected session that recurs right after a new sign-in: the login
    /// page on a download, or an expired session on the write-back.
    enum RejectedTwice: String, CaseIterable, Sendable {
        case loginPageOnDownload
        case expiredSessionOnUpdate

        var requestFault: [String: Any] {
            switch self {
            case .loginPageOnDownload: ["kind": "download", "fault": ["html": true], "times": 2]
            case .expiredSessionOnUpdate: ["kind": "update", "fault": ["expireSession": true], "times": 2]
            }
        }
    }

    @Test(arguments: RejectedTwice.allCases)
    func sessionRejectedTwiceIsRetried(rejection: RejectedTwice) throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "session-task", name: "Session", documents: [
                FakeDocument(id: "session-doc", name: "Doc", fileName: "doc.mov", size: 200_000),
            ]),
        ])
        // The first request and the one with a new session both meet the rejection.
        _ = try tenant.workfront.control("/_fake/request-faults", posting: rejection.requestFault)
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus("session-task") == "CPL")
        try expectDelivered("session-doc", in: tenant)
        #expect(try tenant.notes(on: "session-task").isEmpty)
    }

    @Test func dryRunLeavesUnreadableJournalAlone() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "dry-task", name: "Dry", documents: [
                FakeDocument(id: "dry-doc", name: "Doc", fileName: "doc.jpg", size: 1_000),
            ]),
        ])
        try FileManager.default.createDirectory(atPath: tenant.stateDirectory, withIntermediateDirectories: true)
        let journal = tenant.stateDirectory + "/journal.sqlite3"
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: journal))
        let result = try tenant.run(["once", "--dry-run"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: journal)) == Data("not a database".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tenant.stateDirectory) == ["journal.sqlite3"])
    }

    @Test func retriedWriteBackKeepsTransferDuration() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "slow-task", name: "Slow", documents: [
                FakeDocument(id: "slow-doc", name: "Doc", fileName: "doc.mov", size: 50_000),
            ]),
        ])
        // The download takes at least 0.6 s; the first write-back fails.
        _ = try tenant.workfront.control("/_fake/request-faults", posting: [
            ["kind": "download", "fault": ["stall": 0.6]],
            ["kind": "update", "fault": ["status": 503]],
        ])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let uploaded = try #require(result.stderr.split(separator: "\n").first { $0.contains("Document uploaded") })
        let duration = try #require(uploaded.firstMatch(of: /DURATION_MS=([0-9]+)/)).1
        #expect(Int(duration) ?? 0 >= 600, "\(uploaded)")
    }

    @Test func failedSearchIsRetriedWithinThePass() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "search-task", name: "Search", documents: [
                FakeDocument(id: "search-doc", name: "Doc", fileName: "doc.jpg", size: 2_000),
            ]),
        ])
        _ = try tenant.workfront.control("/_fake/request-faults",
                                         posting: ["kind": "search", "fault": ["status": 500], "times": 2])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus("search-task") == "CPL")
        #expect(result.stderr.contains("Task search failed, retrying"))
    }

    @Test(arguments: ["download", "upload"])
    func serverErrorsAreKindServer(requestKind: String) throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "server-task", name: "Server", documents: [
                FakeDocument(id: "server-doc", name: "Doc", fileName: "doc.jpg", size: 3_000),
            ]),
        ])
        let fake = requestKind == "download" ? tenant.workfront : tenant.cloudinary
        _ = try fake.control("/_fake/request-faults", posting: ["kind": requestKind, "fault": ["status": 503], "times": 3])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(try tenant.taskStatus("server-task") == "UPL")
        let failed = try #require(result.stderr.split(separator: "\n").first { $0.contains("Document failed, will retry") })
        #expect(failed.contains("ERROR_KIND=server"), "\(failed)")
    }

    @Test func expiredSessionIsRenewedMidRun() throws {
        let tasks = (1...4).map { index in
            FakeTask(id: "renew-\(index)", name: "Task \(index)", documents: [
                FakeDocument(id: "renew-doc-\(index)", name: "Doc", fileName: "doc\(index).jpg", size: 5_000),
            ])
        }
        let tenant = try Tenant(tasks: tasks, auth: ["expireSessionsAfterRequests": 3])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        for task in tasks {
            #expect(try tenant.taskStatus(task.id) == "CPL")
        }
        let counters = try tenant.workfrontState()["counters"] as? [String: Any]
        #expect(((counters?["jwtExchanges"] as? NSNumber)?.intValue ?? 0) > 1)
    }

    @Test func wrongCloudinarySecretExitsThreeAndChangesNothing() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "secret-task", name: "Secret", documents: [
                FakeDocument(id: "secret-doc", name: "Doc", fileName: "doc.jpg", size: 5_000),
            ]),
        ])
        tenant.cloudinarySecretForClient = "wrong-secret-value"
        let result = try tenant.run(["once"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus("secret-task") == "UPL")
        #expect(try tenant.notes(on: "secret-task").isEmpty)
        #expect(try tenant.cloudinaryAssets().isEmpty)
        #expect(!result.stderr.contains("wrong-secret-value"))
        #expect(!result.stdout.contains("wrong-secret-value"))
    }

    @Test func wrongCloudinarySecretMessageMatchesWhatChanged() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "empty-task", name: "No documents", documents: []),
            FakeTask(id: "upload-task", name: "Upload", documents: [
                FakeDocument(id: "upload-doc", name: "Doc", fileName: "doc.jpg", size: 5_000),
            ]),
        ])
        tenant.cloudinarySecretForClient = "wrong-secret-value"
        let result = try tenant.run(["once"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        // The task without documents fails without Cloudinary; the other waits.
        #expect(try tenant.taskStatus("empty-task") == "ERR")
        #expect(try tenant.taskStatus("upload-task") == "UPL")
        #expect(!result.stderr.contains("no task was changed"))
        #expect(result.stdout.contains("task upload-task: left for a later pass: the pass stopped"), "stdout: \(result.stdout)")
        #expect(result.stderr.contains("Tasks with documents to upload stay in their trigger status"))
    }

    @Test func wrongWorkfrontClientSecretExitsThree() throws {
        let tenant = try Tenant(tasks: [], auth: ["clientSecret": "the-real-one"])
        let result = try tenant.run(["once"])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("refused the login"))
        #expect(!result.stderr.contains("client-secret-abc"))
    }
}

/// A second pass after a crash between Cloudinary's answer and the Workfront
/// write-back must not upload the same version again.
@Suite("journal through the fakes")
struct JournalThroughFakesTests {
    @Test func recordedVersionIsNotUploadedTwice() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "journal-task", name: "Journal", documents: [
                FakeDocument(id: "journal-doc", name: "Doc", fileName: "doc.jpg", size: 20_000),
            ]),
        ], auth: ["apiKey": "test-api-key"])
        #expect(try tenant.run(["once"]).status == 0)
        // Put the task back in its trigger status, as after a crash that
        // happened before the task's outcome reached Workfront.
        let reset = try HTTPClient().perform(HTTPRequest(
            method: "PUT", url: tenant.workfront.baseURL + "/attask/api/v21.0/task/journal-task?status=UPL&apiKey=test-api-key",
            body: .bytes([])))
        #expect(reset.status == 200)
        #expect(try tenant.taskStatus("journal-task") == "UPL")
        let second = try tenant.run(["once"])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("Document already uploaded"))
        let asset = try #require(try tenant.cloudinaryAssets()["journal-doc"])
        #expect((asset["upload_count"] as? NSNumber)?.intValue == 1)
        #expect(try tenant.taskStatus("journal-task") == "CPL")

        let history = try tenant.run(["history", "--task", "journal-task"])
        #expect(history.status == 0, "stderr: \(history.stderr)")
        #expect(history.stdout.contains("document journal-doc version journal-doc-v1"))
        #expect(history.stdout.contains("\n1 upload\n"), "stdout: \(history.stdout)")
        let otherTask = try tenant.run(["history", "--task", "no-such-task"])
        #expect(otherTask.stdout.contains("0 uploads"))
        let future = try tenant.run(["history", "--since", "2999-01-01"])
        #expect(future.stdout.contains("0 uploads"))
    }
}

@Suite("document size limit")
struct DocumentSizeLimitTests {
    @Test(arguments: [false, true])
    func oversizedDocumentFailsWithNote(lengthKnown: Bool) throws {
        let download: [String: Any] = lengthKnown ? [:] : ["omitContentLength": true]
        let tenant = try Tenant(tasks: [
            FakeTask(id: "limit-task", name: "Limit", documents: [
                FakeDocument(id: "limit-big", name: "Big", fileName: "big.mov", size: 3_000_000, download: download),
                FakeDocument(id: "limit-small", name: "Small", fileName: "small.jpg", size: 1_000),
            ]),
        ])
        tenant.configOverrides["limits"] = ["maxDocumentBytes": 2_000_000]
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(try tenant.taskStatus("limit-task") == "ERR")
        #expect(try tenant.cloudinaryAssets()["limit-big"] == nil)
        #expect(try tenant.cloudinaryAssets()["limit-small"] != nil)
        let note = try #require(try tenant.notes(on: "limit-task").first)
        #expect(note.contains("limits.maxDocumentBytes"))
        #expect(result.stderr.contains("ERROR_KIND=tooLarge"))
        #expect(note.contains("big.mov"))
    }

    @Test func dryRunNamesDocumentsRefusedForTheirSize() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "size-task", name: "Sizes", documents: [
                FakeDocument(id: "size-big", name: "Big", fileName: "big.mov", size: 3_000_000),
                FakeDocument(id: "size-empty", name: "Empty", fileName: "empty.txt", size: 0),
                FakeDocument(id: "size-small", name: "Small", fileName: "small.jpg", size: 1_000),
            ]),
        ])
        tenant.configOverrides["limits"] = ["maxDocumentBytes": 2_000_000]
        let result = try tenant.run(["once", "--dry-run"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains(
            "big.mov: would fail: the document has 3000000 bytes, more than limits.maxDocumentBytes (2000000) allows"),
            "stdout: \(result.stdout)")
        #expect(result.stdout.contains("empty.txt: would fail: the document is empty (0 bytes)"))
        #expect(result.stdout.contains("small.jpg (1000 bytes): resource_type="))
        #expect(try tenant.cloudinaryAssets().isEmpty)
        #expect(try tenant.taskStatus("size-task") == "UPL")
    }
}
