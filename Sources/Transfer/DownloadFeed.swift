import Crypto
import Foundation
import Workfront

/// The download side of a transfer: receives the document's bytes from
/// Workfront, counts them, and writes them into the pipe and into the MD5
/// computed on a thread of its own.
///
/// The upload side waits on `waitForStart()` to learn the size before it
/// chooses between one request and a chunked upload.
final class DownloadFeed: DocumentSink, @unchecked Sendable {
    // @unchecked: `byteCount` and `refusal` are used only by the
    // download thread until it ends. The upload thread reads them after
    // waiting for that end. `start` is guarded by `condition`.
    enum Start {
        case waiting
        case started(contentLength: Int64?)
        case failed(any Error)
    }

    let pipe: BoundedPipe
    private let progress: (any TransferProgress)?
    private let progressID: String
    private let progressName: String
    /// Documents larger than this fail before or while they download.
    private let maxBytes: Int64?
    private let condition = NSCondition()
    private var start = Start.waiting
    private let digest: BackgroundDigest
    private(set) var byteCount: Int64 = 0

    init(pipe: BoundedPipe, progress: (any TransferProgress)? = nil, id: String = "", name: String = "",
         maxBytes: Int64? = nil) {
        self.pipe = pipe
        self.maxBytes = maxBytes
        self.progress = progress
        self.progressID = id
        self.progressName = name
        self.digest = BackgroundDigest(capacity: pipe.capacity, name: "md5 \(id)")
    }

    /// The feed's own refusal (a document over the size limit), which the
    /// Workfront client reports only as a failed download.
    private(set) var refusal: TransferError?

    func begin(contentLength: Int64?) throws {
        if let maxBytes, let contentLength, contentLength > maxBytes {
            refusal = TransferError.tooLarge(contentLength, limit: maxBytes)
            throw refusal!
        }
        progress?.started(progressID, name: progressName, total: contentLength)
        condition.lock()
        start = .started(contentLength: contentLength)
        condition.broadcast()
        condition.unlock()
    }

    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        if let maxBytes, byteCount + Int64(bytes.count) > maxBytes {
            refusal = TransferError.tooLarge(nil, limit: maxBytes)
            throw refusal!
        }
        try pipe.write(bytes)
        try digest.update(bytes)
        byteCount += Int64(bytes.count)
        progress?.advanced(progressID, by: bytes.count)
    }

    /// Called on the download thread when the download has ended, with nil on
    /// success.
    func downloadEnded(_ error: (any Error)?) {
        progress?.finished(progressID)
        if let error {
            pipe.fail(error)
            digest.fail(error)
        } else {
            pipe.finish()
            digest.finish()
        }
        condition.lock()
        if case .waiting = start {
            start = .failed(error ?? TransferError(kind: .download, message: "the download ended without a response"))
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Whether Workfront began to send the document: its response head
    /// arrived with status 200.
    var started: Bool {
        condition.lock()
        defer { condition.unlock() }
        if case .started = start {
            return true
        }
        return false
    }

    /// Blocks until the download has started; returns its declared length.
    func waitForStart() throws -> Int64? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            switch start {
            case .waiting:
                condition.wait()

            case .started(let length):
                return length

            case .failed(let error):
                throw error
            }
        }
    }

    /// Returns the MD5 of every byte received, in lower-case hex. Call once,
    /// after the download thread has ended without an error.
    func md5Hex() -> String {
        digest.hexString()
    }
}
