import Foundation
import Testing

/// `wf2cloudinary` against answers, documents, configurations and credentials
/// that are malformed, oversized or hostile. Each test checks the message a
/// user sees; docs/hostile-inputs.md lists them in one table.
///
/// Workfront answers are changed through the fake's `/_fake/request-faults`
/// (see Tests/Fakes/README.md): `patch` sets or deletes values in the JSON
/// answer, `body` and `replaceBytes` send bytes that are not valid JSON or
/// UTF-8, and `oversize` sends a very large answer.
@Suite("hostile inputs")
struct HostileInputTests {
    static let taskID = "hostile-task"
    static let documentID = "hostile-doc"

    /// Starts a tenant with one task in UPL that has one small generated document.
    private func makeTenant(taskID: String = HostileInputTests.taskID, size: Int64 = 4_000,
                            extraTasks: [FakeTask] = []) throws -> Tenant {
        try Tenant(tasks: [
            FakeTask(id: taskID, name: "Hostile", documents: [
                FakeDocument(id: Self.documentID, name: "Document", fileName: "photo.jpg", size: size),
            ]),
        ] + extraTasks)
    }

    /// Makes the next `kind` request to the fake Workfront get `fault`.
    private func scriptWorkfront(_ tenant: Tenant, kind: String, fault: [String: Any], times: Int = 1) throws {
        _ = try tenant.workfront.control("/_fake/request-faults",
                                         posting: ["kind": kind, "fault": fault, "times": times])
    }

    /// Runs `wf2cloudinary once` with `environment` in place of the tenant's.
    private func runOnce(_ tenant: Tenant, environment: [String: String]) throws -> CommandResult {
        try Command.run(Paths.binary, ["once", "--config", try tenant.writeConfig(), "--state-dir", tenant.stateDirectory],
                        environment: environment)
    }

    /// Checks that a pass that could not read the task search changed nothing.
    private func expectNothingChanged(_ tenant: Tenant, taskIDs: [String] = [HostileInputTests.taskID]) throws {
        for taskID in taskIDs {
            #expect(try tenant.taskStatus(taskID) == "UPL")
            #expect(try tenant.notes(on: taskID).isEmpty)
        }
        #expect(try tenant.cloudinaryAssets().isEmpty)
    }

    // MARK: Workfront responses

    @Test func malformedSearchAnswerChangesNothing() throws {
        let tenant = try makeTenant()
        // Three times: the pass tries the search three times.
        try scriptWorkfront(tenant, kind: "search", fault: ["body": "{\"data\": [{\"ID\": \"hostile-task\", "], times: 3)
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("wf2cloudinary: Workfront GET task/search failed (HTTP 200): expected a JSON object, "
            + "received invalid or truncated JSON (application/json, 33 bytes): \"{\"data\": [{\"ID\": \"hostile-task\",\""),
                "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }

    @Test func htmlSearchAnswerChangesNothing() throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "search", fault: ["html": true], times: 3)
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Workfront GET task/search failed (HTTP 200): expected a JSON object, received an HTML page "
            + "(text/html, 231 bytes): title \"Service Temporarily Unavailable\""), "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }

    @Test func oversizedSearchAnswerIsRejected() throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "search", fault: ["oversize": 70_000_000])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("wf2cloudinary: Workfront GET task/search failed: GET "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("failed: the response body is larger than 67108864 bytes"), "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }

    @Test func searchDataThatIsNotAListIsRejected() throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "search", fault: ["json": ["data": ["ID": Self.taskID]]])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("wf2cloudinary: Workfront GET task/search failed: expected a list of tasks in \"data\""),
                "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }

    @Test func numericTaskIDIsReadAsText() throws {
        let tenant = try makeTenant(taskID: "1001")
        try scriptWorkfront(tenant, kind: "search", fault: ["patch": [["path": ["data", 0, "ID"], "value": 1001]]])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("task 1001: done"))
        #expect(try tenant.taskStatus("1001") == "CPL")
    }

    @Test func missingTaskNameIsAccepted() throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "search", fault: ["patch": [["path": ["data", 0, "name"], "delete": true]]])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("TASK_NAME=\"\""))
        #expect(try tenant.taskStatus(Self.taskID) == "CPL")
    }

    @Test func missingCurrentVersionFailsDocumentWithNote() throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "search",
                            fault: ["patch": [["path": ["data", 0, "documents", 0, "currentVersion"], "delete": true]]])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("  Document: FAILED: the document has no current version to download"), "stdout: \(result.stdout)")
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        let note = try #require(try tenant.notes(on: Self.taskID).first)
        #expect(note.contains("- Document (document hostile-doc): the document has no current version to download"))
    }

    /// A document without an ID makes the whole search fail, so no task of
    /// the tenant moves until someone fixes that one task.
    @Test func documentWithoutIDStopsDiscovery() throws {
        let other = FakeTask(id: "zz-healthy-task", name: "Healthy", documents: [
            FakeDocument(id: "healthy-doc", name: "Healthy", fileName: "healthy.jpg", size: 3_000),
        ])
        let tenant = try makeTenant(extraTasks: [other])
        try scriptWorkfront(tenant, kind: "search",
                            fault: ["patch": [["path": ["data", 0, "documents", 0, "ID"], "delete": true]]])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(
            "wf2cloudinary: Workfront GET task/search failed: the response contains a document without an ID on task hostile-task"),
                "stderr: \(result.stderr)")
        try expectNothingChanged(tenant, taskIDs: [Self.taskID, "zz-healthy-task"])
    }

    /// Values of `documents` that are not a list of documents.
    enum MalformedDocuments: String, CaseIterable, Sendable {
        case text
        case object
        case null
        case absent

        var patch: [String: Any] {
            let path: [Any] = ["data", 0, "documents"]
            switch self {
            case .text: return ["path": path, "value": "hostile-doc"]
            case .object: return ["path": path, "value": ["ID": "hostile-doc"]]
            case .null: return ["path": path, "value": NSNull()]
            case .absent: return ["path": path, "delete": true]
            }
        }
    }

    /// The search requests `documents`, and Workfront sends a list (empty
    /// when nothing is attached). Anything else is a malformed response and
    /// must not move the task to ERR with a note that no documents are
    /// attached.
    @Test(arguments: MalformedDocuments.allCases)
    func malformedDocumentsListChangesNothing(value: MalformedDocuments) throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "search", fault: ["patch": [value.patch]])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        let notes = try tenant.notes(on: Self.taskID)
        #expect(!notes.contains { $0.contains("no documents are attached") }, "notes: \(notes)")
        #expect(try tenant.taskStatus(Self.taskID) == "UPL", "stdout: \(result.stdout)")
    }

    @Test func invalidUTF8InDocumentNameChangesNothing() throws {
        let tenant = try makeTenant()
        let invalid = Data([0x44, 0x6F, 0x63, 0x20, 0xFF, 0xFE]).base64EncodedString()
        try scriptWorkfront(tenant, kind: "search",
                            fault: ["replaceBytes": [["find": "\"name\": \"Document\"", "withBase64": invalid]]], times: 3)
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Workfront GET task/search failed (HTTP 200): expected a JSON object, "
            + "received invalid or truncated JSON (application/json, "), "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }

    /// Names with a terminal escape sequence, CR LF, BEL and NUL move like
    /// any other, and neither the log nor the summary on standard output
    /// passes the control characters to the terminal.
    @Test func controlCharactersInNamesAreNotPrintedRaw() throws {
        let hostileName = "evil\u{1B}[2J\r\nname\u{07}\u{00}.jpg"
        let tenant = try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Task \u{1B}[31mred", documents: [
                FakeDocument(id: Self.documentID, name: "Doc\u{1B}]0;title\u{07}", fileName: hostileName, size: 2_000),
            ]),
        ])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "CPL")
        let asset = try #require(try tenant.cloudinaryAssets()[Self.documentID])
        #expect(asset["display_name"] as? String == "Doc\u{1B}]0;title\u{07}")
        #expect(result.stderr.contains("FILE_NAME=\"evil\\x1b[2J\\r\\nname\\x07\\x00.jpg\""), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"), "the log passes an escape character to the terminal")
        #expect(!result.stdout.contains("\u{1B}"), "the summary passes an escape character to the terminal: \(result.stdout)")
        #expect(!result.stdout.contains("\u{00}"), "the summary passes a NUL to the terminal")
    }

    /// Names with a bidirectional override, zero-width and directional
    /// marks and an isolate display as they are, because the dry run, the
    /// summary and the log escape those format characters. The dry run's
    /// header also quotes the task name and counts one document in the singular.
    @Test func formatCharactersInNamesAreNotPrintedRaw() throws {
        let formatCharacters: [Unicode.Scalar] = ["\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{200B}", "\u{200F}", "\u{FEFF}"]
        let tenant = try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Hostile \"names\" 🎉\u{200B}", documents: [
                FakeDocument(id: Self.documentID, name: "Doc\u{2066}x\u{2069}", fileName: "invoice\u{202E}fdp.exe", size: 2_000),
            ]),
        ])
        let plan = try tenant.run(["once", "--dry-run"])
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        #expect(plan.stdout.contains("task \(Self.taskID) \"Hostile \\\"names\\\" 🎉\\u{200b}\": 1 document\n"), "stdout: \(plan.stdout)")
        #expect(plan.stdout.contains("  invoice\\u{202e}fdp.exe (2000 bytes): "), "stdout: \(plan.stdout)")

        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "CPL")
        #expect(result.stderr.contains("FILE_NAME=\"invoice\\u{202e}fdp.exe\""), "stderr: \(result.stderr)")
        #expect(result.stdout.contains("  invoice\\u{202e}fdp.exe -> "), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("1 task: 1 done, "), "stdout: \(result.stdout)")
        for scalar in formatCharacters {
            let character = String(Character(scalar))
            #expect(!plan.stdout.contains(character), "the dry run prints U+\(String(scalar.value, radix: 16)) raw")
            #expect(!result.stdout.contains(character), "the summary prints U+\(String(scalar.value, radix: 16)) raw")
            #expect(!result.stderr.contains(character), "the log prints U+\(String(scalar.value, radix: 16)) raw")
        }
    }

    // MARK: Documents

    @Test func zeroByteDocumentFailsWithNote() throws {
        let tenant = try makeTenant(size: 0)
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("photo.jpg: FAILED: the document is empty (0 bytes); Cloudinary does not accept empty files"))
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        let note = try #require(try tenant.notes(on: Self.taskID).first)
        #expect(note.contains("- photo.jpg (document hostile-doc): the document is empty (0 bytes); Cloudinary does not accept empty files"))
        #expect(try tenant.cloudinaryAssets().isEmpty)
    }

    /// `limits.maxDocumentBytes` checked against Content-Length, and while
    /// bytes stream when Workfront sends no Content-Length.
    @Test(arguments: [true, false])
    func documentOverLimitFailsWithNote(contentLength: Bool) throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Too large", documents: [
                FakeDocument(id: Self.documentID, name: "Video", fileName: "video.mp4", size: 3_000_000,
                             download: contentLength ? [:] : ["omitContentLength": true]),
            ]),
        ])
        tenant.configOverrides["limits"] = ["maxDocumentBytes": 1_000_000]
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ERROR_KIND=tooLarge"), "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        #expect(try tenant.cloudinaryAssets().isEmpty)
        let note = try #require(try tenant.notes(on: Self.taskID).first)
        if contentLength {
            // The message read "the document has 3000000 bytes than
            // limits.maxDocumentBytes (1000000) allows", without "more".
            #expect(note.contains("3000000 bytes, more than limits.maxDocumentBytes (1000000) allows"), "note: \(note)")
        } else {
            #expect(note.contains("- video.mp4 (document hostile-doc): the document has more bytes than limits.maxDocumentBytes (1000000) allows"),
                    "note: \(note)")
        }
    }

    @Test func documentDeletedBeforeDownloadFailsWithNote() throws {
        let tenant = try makeTenant()
        try scriptWorkfront(tenant, kind: "download", fault: ["status": 404], times: 5)
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        let note = try #require(try tenant.notes(on: Self.taskID).first)
        #expect(note.contains("- photo.jpg (document hostile-doc): Workfront download of document hostile-doc failed (HTTP 404): "
            + "unexpected HTTP 404 instead of the document"), "note: \(note)")
        #expect(try tenant.cloudinaryAssets().isEmpty)
    }

    // MARK: Configuration and credentials

    @Test func invalidJSON5ConfigurationExitsTwo() throws {
        let tenant = try makeTenant()
        let path = tenant.directory.appendingPathComponent("broken.json5").path
        let text = "{ workfront: { url: '\(tenant.workfront.baseURL)' }, workers: 2,, }"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let secondComma = text.count - 2
        for command in ["check-config", "once"] {
            let result = try Command.run(Paths.binary, [command, "--config", path, "--state-dir", tenant.stateDirectory],
                                         environment: tenant.environment)
            #expect(result.status == 2)
            #expect(result.stderr == "wf2cloudinary: configuration is not valid:\n\(path):1:\(secondComma): "
                + "expected a key or '}', found ','\n", "stderr: \(result.stderr)")
        }
        try expectNothingChanged(tenant)
    }

    @Test func missingCloudinaryURLExitsTwo() throws {
        let tenant = try makeTenant()
        var environment = tenant.environment
        environment["CLOUDINARY_URL"] = nil
        let result = try runOnce(tenant, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr == "wf2cloudinary: configuration is not valid:\n"
            + "credentials: cloudinary-url: missing: put it in the environment variable CLOUDINARY_URL\n", "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }

    @Test func missingClientSecretExitsTwo() throws {
        let tenant = try makeTenant()
        var environment = tenant.environment
        environment["WORKFRONT_CLIENT_SECRET"] = nil
        let result = try runOnce(tenant, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("credentials: workfront-client-secret: missing: put it in the environment variable "
            + "WORKFRONT_CLIENT_SECRET; the Workfront JWT login needs all five workfront-* credentials"), "stderr: \(result.stderr)")
    }

    /// Private keys that cannot be used, with the message each one gets.
    enum BadPrivateKey: String, CaseIterable, Sendable {
        case missingFile
        case directory
        case damagedPEM

        var expectedProblem: String {
            switch self {
            case .missingFile: "workfront-private-key: the file does not exist"
            case .directory: "workfront-private-key: cannot be read (check the file's permissions)"
            case .damagedPEM: "workfront-private-key: cannot read the private key: the PEM text is damaged or not a private key (OpenSSL: "
            }
        }
    }

    /// A key file without read permission cannot be tested here, because the
    /// tests run as root; a directory takes the same "cannot be read" path.
    @Test(arguments: BadPrivateKey.allCases)
    func unusablePrivateKeyExitsTwo(key: BadPrivateKey) throws {
        let tenant = try makeTenant()
        let path: String
        switch key {
        case .missingFile:
            path = tenant.directory.appendingPathComponent("no-such-key.pem").path
        case .directory:
            path = tenant.directory.path
        case .damagedPEM:
            path = tenant.directory.appendingPathComponent("damaged.pem").path
            try Data("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
        }
        var environment = tenant.environment
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = path
        let result = try runOnce(tenant, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("wf2cloudinary: configuration is not valid:\n\(path): \(key.expectedProblem)"),
                "stderr: \(result.stderr)")
        try expectNothingChanged(tenant)
    }
}

/// Single request faults that may pass, scripted through the fakes'
/// `/_fake/request-faults`: each must leave the task done, with every
/// version uploaded once and no secret in the output.
@Suite("request faults through the fakes")
struct RequestFaultTests {
    static let taskID = "fault-task"
    static let documentID = "fault-doc"

    private func makeTenant() throws -> Tenant {
        try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Faults", documents: [
                FakeDocument(id: Self.documentID, name: "Document", fileName: "photo.jpg", size: 50_000),
            ]),
        ])
    }

    private func script(_ server: FakeServer, kind: String, fault: [String: Any]) throws {
        _ = try server.control("/_fake/request-faults", posting: ["kind": kind, "fault": fault, "times": 1])
    }

    /// Checks that the task is done and its document was uploaded exactly once.
    private func expectDoneOnce(_ tenant: Tenant, _ result: CommandResult) throws {
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "CPL", "stderr: \(result.stderr)")
        let asset = try #require(try tenant.cloudinaryAssets()[Self.documentID])
        #expect((asset["upload_count"] as? NSNumber)?.intValue == 1, "stderr: \(result.stderr)")
    }

    @Test(arguments: [500, 502, 503, 429])
    func transientDownloadStatusIsRetried(status: Int) throws {
        let tenant = try makeTenant()
        try script(tenant.workfront, kind: "download", fault: ["status": status])
        let result = try tenant.run(["once"])
        try expectDoneOnce(tenant, result)
        #expect(result.stderr.contains("Document transfer failed, retrying"))
    }

    @Test func rateLimitedUploadWaitsForRetryAfter() throws {
        let tenant = try makeTenant()
        try script(tenant.cloudinary, kind: "upload", fault: ["status": 429, "retryAfter": 2])
        let result = try tenant.run(["once"])
        try expectDoneOnce(tenant, result)
        #expect(result.stderr.contains("HTTP_STATUS=429"))
        #expect(result.stderr.contains("RETRY_IN_SECONDS=2."), "stderr: \(result.stderr)")
    }

    @Test func expiredSessionOnWriteBackIsRenewed() throws {
        let tenant = try makeTenant()
        try script(tenant.workfront, kind: "update", fault: ["expireSession": true])
        let result = try tenant.run(["once"])
        try expectDoneOnce(tenant, result)
        let counters = try tenant.workfrontState()["counters"] as? [String: Any]
        #expect((counters?["jwtExchanges"] as? NSNumber)?.intValue == 2)
    }

    /// The journal records the upload before the write-back, so a write-back
    /// that fails once must be retried alone, without a second upload.
    @Test func failedWriteBackIsRetriedWithoutUploadingAgain() throws {
        let tenant = try makeTenant()
        try script(tenant.workfront, kind: "update", fault: ["status": 503])
        let result = try tenant.run(["once"])
        try expectDoneOnce(tenant, result)
        let counters = try tenant.workfrontState()["counters"] as? [String: Any]
        #expect((counters?["downloads"] as? NSNumber)?.intValue == 1, "the document was downloaded again")
    }

    /// HTTP 429 means "try again later" whether or not Workfront wraps it in
    /// its error envelope.
    @Test func rateLimitedWriteBackIsRetried() throws {
        let tenant = try makeTenant()
        try script(tenant.workfront, kind: "update", fault: ["status": 429])
        let result = try tenant.run(["once"])
        #expect(try tenant.taskStatus(Self.taskID) == "CPL", "stdout: \(result.stdout)")
        #expect(try tenant.notes(on: Self.taskID).isEmpty)
    }

    /// A rate-limited sign-in is not refused credentials: `once` must not
    /// exit 3 or tell the operator to check them.
    @Test func rateLimitedSignInIsNotRefusedCredentials() throws {
        let tenant = try makeTenant()
        try script(tenant.workfront, kind: "exchange", fault: ["status": 429])
        let result = try tenant.run(["once"])
        #expect(result.status != 3, "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("check the workfront-* credentials"), "stderr: \(result.stderr)")
    }

    /// A cut-off sign-in response must not print the session ID it contains.
    @Test func truncatedSignInAnswerDoesNotPrintSessionID() throws {
        let tenant = try makeTenant()
        try script(tenant.workfront, kind: "exchange", fault: ["truncate": true])
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        let sessionIDs = try tenant.workfront.control("/_fake/request-faults")["sessionIDs"] as? [String] ?? []
        #expect(sessionIDs.count == 1)
        for sessionID in sessionIDs {
            // Any 12 characters in a row of the session ID count as a leak.
            let characters = Array(sessionID)
            let windows = (0...max(0, characters.count - 12)).map { String(characters[$0..<min($0 + 12, characters.count)]) }
            let inStderr = windows.filter { result.stderr.contains($0) }
            let inStdout = windows.filter { result.stdout.contains($0) }
            #expect(inStderr.isEmpty, "stderr shows part of the session ID: \(result.stderr)")
            #expect(inStdout.isEmpty, "stdout shows part of the session ID: \(result.stdout)")
        }
    }
}
