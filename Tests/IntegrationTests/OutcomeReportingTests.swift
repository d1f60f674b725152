import Foundation
import HTTP
import Testing

/// Scripts `times` request faults of `kind` on a fake, for example
/// `["status": 503]` on `update`.
private func scriptFault(_ server: FakeServer, kind: String, fault: [String: Any], times: Int) throws {
    _ = try server.control("/_fake/request-faults", posting: ["kind": kind, "fault": fault, "times": times])
}

/// Returns the lines of `output` that contain `text`.
private func lines(_ output: String, containing text: String) -> [Substring] {
    output.split(separator: "\n").filter { $0.contains(text) }
}

/// Reads one unlabelled sample from a Prometheus text file.
private func metricValue(_ name: String, in path: String) throws -> Double? {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
    return line.flatMap { Double($0.dropFirst(name.count + 1)) }
}

/// Returns how many requests of `kind` (`download`, `note`, ...) the fake served.
private func requestCount(_ server: FakeServer, kind: String) throws -> Int? {
    let requests = try server.control("/_fake/request-faults")["requests"] as? [String: Any]
    return (requests?[kind] as? NSNumber)?.intValue
}

@Suite("upload counting through the fakes")
struct UploadCountingTests {
    /// Every write-back of the first pass fails, so the task stays in UPL
    /// after the upload. The second pass only writes the address back, so
    /// only the first pass counts and logs an upload.
    @Test func writeBackOnlyPassCountsNoUpload() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "count-task", name: "Count", documents: [
                FakeDocument(id: "count-doc", name: "Doc", fileName: "doc.jpg", size: 20_000),
            ]),
        ])
        let metricsPath = tenant.directory.appendingPathComponent("wf2cloudinary.prom").path
        tenant.configOverrides["metrics"] = ["file": metricsPath]
        try scriptFault(tenant.workfront, kind: "update", fault: ["status": 503], times: 3)

        let first = try tenant.run(["once"])
        #expect(try tenant.taskStatus("count-task") == "UPL", "stderr: \(first.stderr)")
        #expect(try metricValue("wf2cloudinary_documents_uploaded_total", in: metricsPath) == 1)
        #expect(try metricValue("wf2cloudinary_bytes_uploaded_total", in: metricsPath) == 20_000)
        #expect(first.stdout.contains("1 document (20000 bytes) uploaded"), "stdout: \(first.stdout)")

        let second = try tenant.run(["once"])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(try tenant.taskStatus("count-task") == "CPL")
        #expect(try metricValue("wf2cloudinary_documents_uploaded_total", in: metricsPath) == 0)
        #expect(try metricValue("wf2cloudinary_bytes_uploaded_total", in: metricsPath) == 0)
        #expect(lines(second.stderr, containing: "Document uploaded").isEmpty, "stderr: \(second.stderr)")
        #expect(lines(second.stderr, containing: "Document address written back").count == 1, "stderr: \(second.stderr)")
        #expect(lines(second.stderr, containing: "Task done").first?.contains("UPLOADED_DOCUMENTS=0") == true,
                "stderr: \(second.stderr)")
        #expect(second.stdout.contains("0 documents (0 bytes) uploaded, 1 uploaded earlier and written back"),
                "stdout: \(second.stdout)")
        let asset = try #require(try tenant.cloudinaryAssets()["count-doc"])
        #expect((asset["upload_count"] as? NSNumber)?.intValue == 1)
    }
}

@Suite("unreachable services through the fakes")
struct UnreachableServiceTests {
    static let taskID = "down-task"

    /// Three documents; with `chunked`, Workfront sends no size, so each
    /// goes up as a chunked upload.
    private func makeTenant(chunked: Bool = false) throws -> Tenant {
        let download: [String: Any] = chunked ? ["omitContentLength": true] : [:]
        return try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Outage", documents: (1...3).map { index in
                FakeDocument(id: "down-doc-\(index)", name: "Doc \(index)", fileName: "doc\(index).jpg",
                             size: 30_000 + Int64(index), download: download)
            }),
        ])
    }

    /// Checks that only the first document was tried, that its failure is a
    /// transport failure, and that one line names the service that left
    /// the other two untried.
    private func expectDeferredAfterFirstDocument(_ result: CommandResult, service: String) throws {
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let final = lines(result.stderr, containing: "Document failed")
        #expect(final.count == 1, "stderr: \(result.stderr)")
        #expect(final.first?.hasPrefix("warning: Document failed, will retry on a later poll") == true, "stderr: \(result.stderr)")
        #expect(final.first?.contains("ERROR_KIND=transport") == true, "stderr: \(result.stderr)")
        #expect(final.first?.contains("DOCUMENT_ID=down-doc-1") == true, "stderr: \(result.stderr)")
        #expect(lines(result.stderr, containing: "Document transfer failed, retrying").count == 2, "stderr: \(result.stderr)")
        let untried = lines(result.stderr, containing: "Service did not respond")
        #expect(untried.count == 1, "stderr: \(result.stderr)")
        #expect(untried.first?.contains("SERVICE=\(service)") == true, "stderr: \(result.stderr)")
        #expect(untried.first?.contains("UNTRIED_DOCUMENTS=2") == true, "stderr: \(result.stderr)")
    }

    /// With Cloudinary stopped, a single-request upload and a chunked one
    /// both report `transport`, never `upload`.
    @Test(arguments: [false, true])
    func stoppedCloudinaryIsTransportFailure(chunked: Bool) throws {
        let tenant = try makeTenant(chunked: chunked)
        tenant.cloudinary.stop()
        let result = try tenant.run(["once"])
        try expectDeferredAfterFirstDocument(result, service: "cloudinary")
        #expect(lines(result.stderr, containing: "ERROR_KIND=upload").isEmpty, "stderr: \(result.stderr)")
        #expect(try requestCount(tenant.workfront, kind: "download") == 3, "only the first document should be downloaded")
        #expect(try tenant.taskStatus(Self.taskID) == "UPL")
        #expect(try tenant.notes(on: Self.taskID).isEmpty)
    }

    /// Chunk 2 of every upload of the first document is reset, but
    /// Cloudinary accepted chunk 1, so it is reachable and the second
    /// document still goes up.
    @Test func chunkFaultKeepsCloudinaryReachable() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Chunk fault", documents: [
                FakeDocument(id: "down-big", name: "Big", fileName: "big.mov", size: 6_000_000),
                FakeDocument(id: "down-small", name: "Small", fileName: "small.jpg", size: 20_000),
            ]),
        ])
        tenant.configOverrides["cloudinary"] = ["chunkSize": 5 * 1024 * 1024]
        // Every request after the first of each of the three uploads: chunk
        // 2, its resends, and any request that libcurl sends again itself
        // after a reset.
        for chunk in 2...12 {
            for _ in 1...3 {
                try tenant.addCloudinaryFault(["chunk": chunk, "reset": true])
            }
        }
        let result = try tenant.run(["once"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let final = lines(result.stderr, containing: "Document failed, will retry on a later poll")
        #expect(final.count == 1, "stderr: \(result.stderr)")
        #expect(final.first?.contains("DOCUMENT_ID=down-big") == true, "stderr: \(result.stderr)")
        #expect(lines(result.stderr, containing: "Service did not respond").isEmpty, "stderr: \(result.stderr)")
        #expect(try tenant.cloudinaryAssets()["down-small"] != nil, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "UPL")
    }

    /// Every download is reset before any response, so Workfront is
    /// unreachable for the rest of the task's documents too. libcurl may
    /// resend a request whose reused connection was reset, so the fault
    /// covers more requests than the three attempts.
    @Test func unansweredDownloadsSkipLaterDocuments() throws {
        let tenant = try makeTenant()
        try scriptFault(tenant.workfront, kind: "download", fault: ["reset": true, "phase": "request"], times: 20)
        let result = try tenant.run(["once"])
        try expectDeferredAfterFirstDocument(result, service: "workfront")
        #expect(lines(result.stderr, containing: "ERROR_KIND=download").isEmpty, "stderr: \(result.stderr)")
        #expect(lines(result.stderr, containing: "DOCUMENT_ID=down-doc-2").isEmpty, "stderr: \(result.stderr)")
        #expect(lines(result.stderr, containing: "DOCUMENT_ID=down-doc-3").isEmpty, "stderr: \(result.stderr)")
        #expect(try tenant.cloudinaryAssets().isEmpty)
        #expect(try tenant.taskStatus(Self.taskID) == "UPL")
    }
}

@Suite("task notes through the fakes")
struct TaskNoteTests {
    static let taskID = "note-task"

    /// Starts a tenant whose only task has one empty document, so the task
    /// fails with a note.
    private func makeTenant() throws -> Tenant {
        try Tenant(tasks: [
            FakeTask(id: Self.taskID, name: "Notes", documents: [
                FakeDocument(id: "note-empty", name: "Empty", fileName: "empty.txt", size: 0),
            ]),
        ], auth: ["apiKey": "test-api-key"])
    }

    /// The note reaches Workfront but the status update after it fails.
    /// The next pass, a new process, writes the status without posting the
    /// same note again.
    @Test(arguments: [["status": 500], ["html": true]] as [[String: any Sendable]])
    func failedStatusUpdateDoesNotRepeatNote(fault: [String: any Sendable]) throws {
        let tenant = try makeTenant()
        try scriptFault(tenant.workfront, kind: "update", fault: fault, times: 1)

        let first = try tenant.run(["once"])
        #expect(try tenant.taskStatus(Self.taskID) == "UPL", "stderr: \(first.stderr)")
        #expect(try tenant.notes(on: Self.taskID).count == 1)

        let second = try tenant.run(["once"])
        #expect(second.status == 1, "stderr: \(second.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        #expect(try tenant.notes(on: Self.taskID).count == 1, "stderr: \(second.stderr)")
        #expect(try requestCount(tenant.workfront, kind: "note") == 1)
    }

    /// Once the failed status is written, the task may come back to UPL
    /// and fail the same way: it then gets the note again.
    @Test func returnedTaskGetsNoteAgain() throws {
        let tenant = try makeTenant()
        #expect(try tenant.run(["once"]).status == 1)
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        let reset = try HTTPClient().perform(HTTPRequest(
            method: "PUT", url: tenant.workfront.baseURL + "/attask/api/v21.0/task/\(Self.taskID)?status=UPL&apiKey=test-api-key",
            body: .bytes([])))
        #expect(reset.status == 200)

        let again = try tenant.run(["once"])
        #expect(again.status == 1, "stderr: \(again.stderr)")
        #expect(try tenant.taskStatus(Self.taskID) == "ERR")
        #expect(try tenant.notes(on: Self.taskID).count == 2)
    }
}

@Suite("shutdown during a transfer")
struct ShutdownDuringTransferTests {
    /// `run` gets SIGTERM during a chunked upload with no grace period.
    /// The cancelled transfer is a notice, not an error, and its task
    /// stays in UPL.
    @Test func cancelledTransferIsLoggedAsNotice() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "stop-task", name: "Stop", documents: [
                FakeDocument(id: "stop-doc", name: "Master", fileName: "master.mov", size: 4_000_000_000),
            ]),
        ])
        tenant.configOverrides["shutdown"] = ["grace": 0]
        tenant.configOverrides["poll"] = ["interval": 60]
        let stderrURL = tenant.directory.appendingPathComponent("run.stderr")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.binary)
        process.arguments = ["run", "--config", try tenant.writeConfig(), "--state-dir", tenant.stateDirectory]
        process.environment = tenant.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        var chunkRequests = 0
        let deadline = Date().addingTimeInterval(30)
        while chunkRequests < 2 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            let counters = try tenant.cloudinaryState()["counters"] as? [String: Any]
            chunkRequests = (counters?["chunk_requests"] as? NSNumber)?.intValue ?? 0
        }
        try #require(chunkRequests >= 2, "the chunked upload did not start within 30 s")
        process.terminate()
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < exitDeadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        try #require(!process.isRunning, "run did not exit within 30 s of SIGTERM")

        let stderr = try String(contentsOf: stderrURL, encoding: .utf8)
        #expect(process.terminationStatus == 0, "stderr: \(stderr)")
        #expect(!stderr.split(separator: "\n").contains { $0.hasPrefix("error:") }, "stderr: \(stderr)")
        #expect(lines(stderr, containing: "ERROR_KIND=cancelled").isEmpty, "stderr: \(stderr)")
        let stopped = lines(stderr, containing: "Transfer stopped for shutdown")
        #expect(stopped.count == 1, "stderr: \(stderr)")
        #expect(stopped.first?.hasPrefix("notice: ") == true, "stderr: \(stderr)")
        #expect(stopped.first?.contains("DOCUMENT_ID=stop-doc") == true, "stderr: \(stderr)")
        #expect(try tenant.taskStatus("stop-task") == "UPL")
        #expect(try tenant.notes(on: "stop-task").isEmpty)
    }
}
