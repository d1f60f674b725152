import Cloudinary
import Foundation
import HTTP
import Logging

/// Cloudinary's chunked upload of one document read from a pipe.
///
/// Every chunk but the last is `chunkSize` bytes (Cloudinary requires more
/// than 5 MB) and carries the same `X-Unique-Upload-Id`. Chunks go one after
/// another, so the last is sent only after every other received its response. With a
/// known total the chunk's bytes stream straight from the pipe into the
/// request and are kept as they pass, so a failed chunk can be sent again;
/// with an unknown total each chunk is read whole first, because only the
/// end of the stream shows which chunk is the last (it then carries the real
/// total, the others `-1`).
struct ChunkedUpload {
    let uploader: CloudinaryUploader
    let plan: UploadPlan
    let chunkSize: Int
    let cancellation: HTTPCancellation?
    let logger: Logger
    /// Attempts per chunk for failures that may pass (5xx, resets), after 1,
    /// 2, 4 and 8 s. More than for a whole document, because once they are
    /// spent the document starts again from its first byte.
    var attemptsPerChunk = 5

    func run(source: BoundedPipe, total: Int64?) throws -> (UploadResult, Int) {
        let uploadID = Self.newUploadID()
        let buffer = ChunkBuffer(capacity: chunkSize)
        var offset: Int64 = 0
        var chunks = 0
        var carry: UInt8?
        while true {
            buffer.reset()
            let range: ChunkRange
            let firstSource: any HTTPBodySource
            if let total {
                let length = min(Int64(chunkSize), total - offset)
                range = ChunkRange(uploadID: uploadID, first: offset, last: offset + length - 1, total: total)
                firstSource = RecordingSource(source: source, buffer: buffer)
            } else {
                if let byte = carry {
                    buffer.append(byte)
                }
                try buffer.fill(from: source)
                carry = buffer.isFull ? try Self.readOneByte(source) : nil
                let isLast = carry == nil
                if offset == 0 && buffer.count == 0 {
                    throw TransferError.emptyDocument
                }
                let length = Int64(buffer.count)
                range = ChunkRange(uploadID: uploadID, first: offset, last: offset + length - 1, total: isLast ? offset + length : nil)
                firstSource = buffer.reader()
            }
            let response: UploadResponse
            do {
                response = try send(range, firstSource: firstSource, pipe: source, buffer: buffer)
            } catch {
                // Cloudinary responded to an earlier chunk, so it is reachable
                // even when this chunk got no response.
                throw chunks > 0 ? DocumentTransfer.classify(error, side: .upload, responseStarted: true) : error
            }
            chunks += 1
            offset = range.last + 1
            let isLast = range.total.map { offset >= $0 } ?? false
            switch response {
            case .complete(let result) where isLast:
                return (result, chunks)

            case .chunkAccepted where !isLast:
                continue

            default:
                throw TransferError(kind: .upload, message: "Cloudinary's response to chunk \(range.contentRange) does not match its place in the upload")
            }
        }
    }

    /// Sends one chunk, and sends it again from the kept bytes when a
    /// transient failure (not a failure of the download) interrupts it.
    private func send(_ range: ChunkRange, firstSource: any HTTPBodySource, pipe: BoundedPipe,
                      buffer: ChunkBuffer) throws -> UploadResponse {
        let length = range.last - range.first + 1
        var source = firstSource
        var attempt = 1
        while true {
            do {
                return try uploader.upload(parameters: plan.parameters, resourceType: plan.resourceType,
                                           fileName: plan.fileName, contentType: plan.contentType,
                                           file: source, length: length, chunk: range, cancellation: cancellation)
            } catch let error as CloudinaryError where error.isTransient && attempt < attemptsPerChunk && pipe.failure == nil {
                // Keep the whole chunk before resending it: the failed attempt
                // may have stopped part-way through the pipe's bytes.
                try buffer.fill(from: pipe, upTo: Int(length))
                source = buffer.reader()
                let delay = TaskProcessor.retryDelay(attempt: attempt, first: 1, retryAfter: error.retryAfter)
                logger.warning("Chunk upload failed, resending", [
                    ("UPLOAD_ID", range.uploadID), ("CONTENT_RANGE", range.contentRange), ("ATTEMPT", String(attempt)),
                    ("ERROR_KIND", TransferError(error).kind.rawValue), ("ERROR", error.message),
                    ("RETRY_IN_SECONDS", String(format: "%.1f", delay)),
                ])
                Thread.sleep(forTimeInterval: delay)
                if cancellation?.isCancelled ?? false {
                    throw error
                }
                attempt += 1
            }
        }
    }

    private static func readOneByte(_ source: BoundedPipe) throws -> UInt8? {
        var byte: UInt8 = 0
        let count = try withUnsafeMutableBytes(of: &byte) { try source.read(into: $0) }
        return count == 0 ? nil : byte
    }

    private static func newUploadID() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

/// One chunk's bytes, kept for a resend. Allocated once per transfer.
final class ChunkBuffer: @unchecked Sendable {
    // @unchecked: used only by the thread running the chunked upload.
    private var storage: [UInt8]
    private(set) var count = 0

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    var isFull: Bool { count == storage.count }

    func reset() {
        count = 0
    }

    func append(_ byte: UInt8) {
        storage[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        storage.withUnsafeMutableBytes { target in
            UnsafeMutableRawBufferPointer(rebasing: target[count..<count + bytes.count]).copyMemory(from: bytes)
        }
        count += bytes.count
    }

    /// Reads from `source` until the buffer contains `limit` bytes (its capacity
    /// by default) or the source ends.
    func fill(from source: BoundedPipe, upTo limit: Int? = nil) throws {
        let target = min(limit ?? storage.count, storage.count)
        while count < target {
            let read = try storage.withUnsafeMutableBytes { bytes in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[count..<target]))
            }
            if read == 0 {
                return
            }
            count += read
        }
    }

    /// A body source over the kept bytes, from the start.
    func reader() -> any HTTPBodySource {
        BufferReader(buffer: self)
    }

    fileprivate func copy(from offset: Int, into target: UnsafeMutableRawBufferPointer) -> Int {
        let length = min(target.count, count - offset)
        storage.withUnsafeBytes { source in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + length]))
        }
        return length
    }
}

/// Reads a chunk's kept bytes.
private final class BufferReader: HTTPBodySource, @unchecked Sendable {
    // @unchecked: read by the one thread running the request.
    private let buffer: ChunkBuffer
    private var offset = 0

    init(buffer: ChunkBuffer) {
        self.buffer = buffer
    }

    func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = buffer.copy(from: offset, into: target)
        offset += count
        return count
    }
}

/// Streams from the pipe into the request and keeps every byte it passes on.
private final class RecordingSource: HTTPBodySource, @unchecked Sendable {
    // @unchecked: read by the one thread running the request.
    private let source: BoundedPipe
    private let buffer: ChunkBuffer

    init(source: BoundedPipe, buffer: ChunkBuffer) {
        self.source = source
        self.buffer = buffer
    }

    func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try source.read(into: target)
        buffer.append(UnsafeRawBufferPointer(rebasing: target[0..<count]))
        return count
    }
}
