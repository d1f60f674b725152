import Foundation
import Testing

/// Chunked uploads of `wf2cloudinary once` through the fake Workfront and the
/// fake Cloudinary: chunk order and ranges, resends after a failed chunk, and
/// downloads whose length is not known in advance.
@Suite("chunked uploads through the fakes")
struct ChunkedUploadTests {
    /// The service's default `cloudinary.chunkSize`.
    static let defaultChunkSize: Int64 = 20_000_000
    /// The smallest `cloudinary.chunkSize` the service accepts, used to keep
    /// multi-chunk documents small.
    static let smallChunkSize: Int64 = 5 * 1024 * 1024

    /// Starts a tenant with one task of one generated document, and sets the
    /// client's chunk size to `chunkSize` unless it is the default.
    private func makeTenant(taskID: String, documentID: String, fileName: String, size: Int64,
                            chunkSize: Int64 = defaultChunkSize, download: [String: Any] = [:]) throws -> Tenant {
        let tenant = try Tenant(tasks: [
            FakeTask(id: taskID, name: "Chunked \(taskID)", documents: [
                FakeDocument(id: documentID, name: "Document \(documentID)", fileName: fileName, size: size,
                             download: download),
            ]),
        ])
        if chunkSize != Self.defaultChunkSize {
            tenant.configOverrides["cloudinary"] = ["chunkSize": chunkSize]
        }
        return tenant
    }

    /// Runs `wf2cloudinary once` and checks that it exited 0, marked the task
    /// done and downloaded the document once, so no document-level retry hid
    /// a failed chunked upload.
    private func runOnce(_ tenant: Tenant, taskID: String) throws {
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus(taskID) == "CPL")
        let counters = try tenant.workfrontState()["counters"] as? [String: Any]
        #expect((counters?["downloads"] as? NSNumber)?.intValue == 1, "stderr: \(result.stderr)")
    }

    /// Checks that the asset has the document's MD5 and size from one upload,
    /// and that the Workfront description is the asset's secure URL. Returns
    /// the chunks the fake recorded for the asset.
    private func expectDelivered(_ documentID: String, size: Int64, in tenant: Tenant) throws -> [RecordedChunk] {
        let asset = try #require(try tenant.cloudinaryAssets()[documentID], "no asset for document \(documentID)")
        let digest = try tenant.documentDigest(documentID)
        #expect(digest.size == size)
        #expect(asset["etag"] as? String == digest.md5)
        #expect((asset["bytes"] as? NSNumber)?.int64Value == size)
        #expect((asset["upload_count"] as? NSNumber)?.intValue == 1)

        let resourceType = try #require(asset["resource_type"] as? String)
        let version = try #require((asset["version"] as? NSNumber)?.int64Value)
        let format = try #require(asset["format"] as? String)
        let secureURL = "https://res.cloudinary.com/\(Tenant.cloudName)/\(resourceType)/upload/v\(version)/\(documentID).\(format)"
        let document = try #require(try tenant.document(documentID))
        #expect(document["description"] as? String == secureURL)

        return try #require(RecordedChunk.list(from: asset["chunks"]), "chunks: \(String(describing: asset["chunks"]))")
    }

    /// Checks that `chunks` cover `size` bytes in order without gaps or
    /// overlaps, and that every chunk but the last has `chunkSize` bytes.
    /// Every total must be `size` when it was known, and -1 until the last
    /// chunk when it was not.
    private func expectContiguous(_ chunks: [RecordedChunk], size: Int64, chunkSize: Int64, totalKnown: Bool) throws {
        let expectedCount = Int((size + chunkSize - 1) / chunkSize)
        #expect(chunks.count == expectedCount, "chunks: \(chunks)")
        let firstChunk = try #require(chunks.first)
        let lastChunk = try #require(chunks.last)
        #expect(firstChunk.first == 0, "chunks: \(chunks)")
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(next.first == previous.last + 1, "chunk \(next) does not follow \(previous)")
        }
        #expect(lastChunk.last == size - 1, "chunks: \(chunks)")

        for chunk in chunks.dropLast() {
            #expect(chunk.length == chunkSize, "chunk \(chunk) is not \(chunkSize) bytes")
        }
        #expect((1...chunkSize).contains(lastChunk.length), "last chunk \(lastChunk)")

        for chunk in chunks.dropLast() {
            #expect(chunk.total == (totalKnown ? size : -1), "chunk \(chunk) announces the wrong total")
        }
        #expect(lastChunk.total == size, "last chunk \(lastChunk) announces the wrong total")
    }

    /// Returns the upload IDs the fake Cloudinary saw, and its counts of
    /// chunk requests and successful uploads.
    private func uploadRecord(_ tenant: Tenant) throws -> (uploadIDs: [String], chunkRequests: Int?, uploads: Int?) {
        let state = try tenant.cloudinaryState()
        let uploads = state["chunked_uploads"] as? [String: Any] ?? [:]
        let counters = state["counters"] as? [String: Any]
        return (uploads.keys.sorted(), (counters?["chunk_requests"] as? NSNumber)?.intValue,
                (counters?["uploads"] as? NSNumber)?.intValue)
    }

    // MARK: Known length

    @Test func largeDocumentGoesUpInOrderedChunks() throws {
        // 300 MiB: 15 chunks of 20,000,000 bytes and a last one of 14,572,800.
        let size: Int64 = 300 * 1024 * 1024
        let tenant = try makeTenant(taskID: "large-task", documentID: "large-doc", fileName: "master.mov", size: size)
        try runOnce(tenant, taskID: "large-task")

        let chunks = try expectDelivered("large-doc", size: size, in: tenant)
        try expectContiguous(chunks, size: size, chunkSize: Self.defaultChunkSize, totalKnown: true)
        let record = try uploadRecord(tenant)
        #expect(record.uploadIDs.count == 1, "upload IDs: \(record.uploadIDs)")
        #expect(record.chunkRequests == chunks.count)
        #expect(record.uploads == 1)
    }

    // MARK: A chunk that fails once

    /// A fault that fails one chunk's request, and its resends up to `times`
    /// requests in all.
    struct ChunkFault: CustomTestStringConvertible, Sendable {
        enum Failure: Sendable {
            /// HTTP 500 after the fake read the whole request.
            case serverError
            /// A TCP reset after the fake read this many bytes of the body.
            case reset(afterBytes: Int)
            /// A TCP reset in place of the response, after the fake accepted the chunk.
            case lostResponse
        }

        var label: String
        /// Which chunk fails, from 1; with no earlier failure this is also
        /// the number of the upload's request that fails.
        var chunk: Int
        var failure = Failure.serverError
        var times = 1
        var omitContentLength = false

        /// The faults to post to the fake Cloudinary, one per failing request.
        var faults: [[String: Any]] {
            (0..<times).map { offset -> [String: Any] in
                switch failure {
                case .serverError:
                    ["chunk": chunk + offset, "status": 500]

                case .reset(let afterBytes):
                    ["chunk": chunk + offset, "reset": true, "afterBytes": afterBytes]

                case .lostResponse:
                    ["chunk": chunk + offset, "dropResponse": true]
                }
            }
        }

        var testDescription: String { label }
    }

    static let chunkFaults = [
        ChunkFault(label: "500 on the first chunk", chunk: 1),
        ChunkFault(label: "500 on the second chunk", chunk: 2),
        ChunkFault(label: "500 on the final chunk", chunk: 4),
        ChunkFault(label: "500 twice on the second chunk", chunk: 2, times: 2),
        ChunkFault(label: "500 four times on the second chunk", chunk: 2, times: 4),
        ChunkFault(label: "reset inside the second chunk", chunk: 2, failure: .reset(afterBytes: 1024 * 1024)),
        ChunkFault(label: "reset before the body of the second chunk", chunk: 2, failure: .reset(afterBytes: 0)),
        ChunkFault(label: "response to the second chunk lost", chunk: 2, failure: .lostResponse),
        ChunkFault(label: "response to the final chunk lost", chunk: 4, failure: .lostResponse),
        ChunkFault(label: "500 on the second chunk, unknown length", chunk: 2, omitContentLength: true),
        ChunkFault(label: "reset inside the final chunk, unknown length", chunk: 4,
                   failure: .reset(afterBytes: 1024 * 1024), omitContentLength: true),
    ]

    @Test(arguments: chunkFaults)
    func failedChunkIsResentWithSameRange(fault: ChunkFault) throws {
        let size = 3 * Self.smallChunkSize + 12_345
        let tenant = try makeTenant(taskID: "fault-task", documentID: "fault-doc", fileName: "clip.mp4", size: size,
                                    chunkSize: Self.smallChunkSize,
                                    download: fault.omitContentLength ? ["omitContentLength": true] : [:])
        for spec in fault.faults {
            try tenant.addCloudinaryFault(spec)
        }
        try runOnce(tenant, taskID: "fault-task")

        let chunks = try expectDelivered("fault-doc", size: size, in: tenant)
        try expectContiguous(chunks, size: size, chunkSize: Self.smallChunkSize, totalKnown: !fault.omitContentLength)

        let record = try uploadRecord(tenant)
        let uploadID = try #require(record.uploadIDs.first)
        #expect(record.uploadIDs.count == 1, "upload IDs: \(record.uploadIDs)")
        #expect(record.uploads == 1)
        #expect(record.chunkRequests == chunks.count + fault.times, "one extra request per resend")

        let faults = try tenant.cloudinaryFaults()
        #expect((faults["pending"] as? [Any])?.isEmpty == true, "faults: \(faults)")
        let fired = try #require(faults["fired"] as? [[String: Any]])
        #expect(fired.count == fault.times, "faults: \(faults)")
        try #require(chunks.count >= fault.chunk)
        for failed in fired {
            #expect(failed["upload_id"] as? String == uploadID)
            #expect(failed["content_range"] as? String == chunks[fault.chunk - 1].contentRange,
                    "the failed request and the accepted resend differ in range")
        }
        let requests = faults["chunk_requests"] as? [String: Any]
        #expect((requests?[uploadID] as? NSNumber)?.intValue == chunks.count + fault.times)
    }

    // MARK: Sizes around a multiple of the chunk size

    /// Whether the fake Workfront sends `Content-Length` with the download.
    enum DownloadLength: String, CaseIterable, Sendable {
        case known
        case unknown
    }

    static let boundarySizes: [Int64] = [
        1024 * 1024 + 3,
        smallChunkSize,
        2 * smallChunkSize - 1,
        2 * smallChunkSize,
        2 * smallChunkSize + 1,
    ]

    @Test(arguments: boundarySizes, DownloadLength.allCases)
    func chunksAroundChunkSizeMultiples(size: Int64, length: DownloadLength) throws {
        let tenant = try makeTenant(taskID: "size-task", documentID: "size-doc", fileName: "cut.mp4", size: size,
                                    chunkSize: Self.smallChunkSize,
                                    download: length == .unknown ? ["omitContentLength": true] : [:])
        try runOnce(tenant, taskID: "size-task")

        let chunks = try expectDelivered("size-doc", size: size, in: tenant)
        let record = try uploadRecord(tenant)
        #expect(record.uploads == 1)
        if length == .known && size <= Self.smallChunkSize {
            // A known size of at most one chunk goes up in one plain request.
            #expect(chunks.isEmpty, "chunks: \(chunks)")
            #expect(record.chunkRequests == 0)
            return
        }
        try expectContiguous(chunks, size: size, chunkSize: Self.smallChunkSize, totalKnown: length == .known)
        #expect(record.uploadIDs.count == 1, "upload IDs: \(record.uploadIDs)")
        #expect(record.chunkRequests == chunks.count)
    }
}
