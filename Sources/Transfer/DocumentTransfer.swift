import Cloudinary
import Foundation
import HTTP
import Logging
import Workfront

/// The upload parameters and file details of one document.
public struct UploadPlan: Sendable, Equatable {
    /// Upload parameters to sign and send: `public_id`, `asset_folder`,
    /// `display_name`, `overwrite`, `tags`, `context`, `metadata`.
    public var parameters: [String: String]
    public var resourceType: String
    public var fileName: String
    public var contentType: String
}

/// The outcome of one document's transfer.
public struct TransferOutcome: Sendable {
    public var result: UploadResult
    public var bytes: Int64
    public var md5: String
    public var chunks: Int
}

/// Moves one document from Workfront to Cloudinary as one stream.
///
/// The download runs on its own thread and writes into a bounded pipe; the
/// calling thread reads the pipe into the upload. Small documents of known
/// size go up in one request; larger ones, or ones whose size Workfront does
/// not send, in chunks. Memory per transfer is the pipe plus, for chunked
/// uploads, one chunk kept for a resend.
public struct DocumentTransfer: Sendable {
    let workfront: WorkfrontClient
    let uploader: CloudinaryUploader
    let chunkSize: Int
    let pipeCapacity: Int
    /// The receiver of byte counts while documents move, for `once` on a terminal.
    public var progress: (any TransferProgress)?
    /// The logger for chunk resends, which adds the task's IDs.
    public var logger = Logger(sink: StandardErrorSink())
    /// Documents larger than this fail without being uploaded; nil for no limit.
    public var maxDocumentBytes: Int64?

    public init(workfront: WorkfrontClient, uploader: CloudinaryUploader, chunkSize: Int, pipeCapacity: Int = 1024 * 1024) {
        self.workfront = workfront
        self.uploader = uploader
        self.chunkSize = chunkSize
        self.pipeCapacity = pipeCapacity
    }

    public func run(_ document: WorkfrontDocument, plan: UploadPlan,
                    cancellation: HTTPCancellation? = nil) throws(TransferError) -> TransferOutcome {
        let feed = DownloadFeed(pipe: BoundedPipe(capacity: pipeCapacity), progress: progress, id: document.id,
                                name: plan.fileName, maxBytes: maxDocumentBytes)
        let downloadDone = DispatchSemaphore(value: 0)
        let downloadError = ErrorBox()
        let thread = Thread { [workfront] in
            do {
                try workfront.download(document, into: feed, cancellation: cancellation)
                feed.downloadEnded(nil)
            } catch {
                downloadError.set(error)
                feed.downloadEnded(error)
            }
            downloadDone.signal()
        }
        thread.name = "download \(document.id)"
        thread.start()

        let result: UploadResult
        let chunks: Int
        do {
            (result, chunks) = try uploadFromFeed(feed, plan: plan, cancellation: cancellation)
        } catch {
            // When the download failed first, the pipe contains its error and
            // the upload's error is only the consequence.
            let downloadCause = feed.pipe.failure
            feed.pipe.fail(error)
            downloadDone.wait()
            if let refusal = feed.refusal {
                throw refusal
            }
            if let downloadCause {
                throw Self.classify(downloadCause, side: .download, responseStarted: feed.started)
            }
            throw Self.classify(error, side: .upload)
        }
        downloadDone.wait()
        if let error = downloadError.value {
            throw feed.refusal ?? Self.classify(error, side: .download, responseStarted: feed.started)
        }
        let md5 = feed.md5Hex()
        try verify(result, bytes: feed.byteCount, md5: md5)
        return TransferOutcome(result: result, bytes: feed.byteCount, md5: md5, chunks: chunks)
    }

    private func uploadFromFeed(_ feed: DownloadFeed, plan: UploadPlan,
                                cancellation: HTTPCancellation?) throws -> (UploadResult, Int) {
        let length = try feed.waitForStart()
        if length == 0 {
            throw TransferError.emptyDocument
        }
        if let length, length <= Int64(chunkSize) {
            let response = try uploader.upload(parameters: plan.parameters, resourceType: plan.resourceType,
                                               fileName: plan.fileName, contentType: plan.contentType,
                                               file: feed.pipe, length: length, cancellation: cancellation)
            guard case .complete(let result) = response else {
                throw TransferError(kind: .upload, message: "Cloudinary returned a chunk response to a single upload")
            }
            return (result, 1)
        }
        let chunked = ChunkedUpload(uploader: uploader, plan: plan, chunkSize: chunkSize, cancellation: cancellation,
                                    logger: logger)
        return try chunked.run(source: feed.pipe, total: length)
    }

    /// Checks that Cloudinary stored exactly the bytes that were downloaded.
    private func verify(_ result: UploadResult, bytes: Int64, md5: String) throws(TransferError) {
        if result.existing {
            return
        }
        if result.bytes != bytes {
            throw TransferError(kind: .integrity, message: "Cloudinary stored \(result.bytes) bytes but \(bytes) were sent",
                                isTransient: true)
        }
        if let etag = result.etag, etag.lowercased() != md5 {
            throw TransferError(kind: .integrity, message: "Cloudinary's MD5 \(etag) differs from the downloaded bytes' \(md5)",
                                isTransient: true)
        }
    }

    /// Turns an error of either side into the document's failure. Every
    /// failure without a response is `transport`. `responseStarted` is true
    /// when the service already responded during this transfer (the
    /// download's head, or an earlier chunk), so it is reachable even when
    /// the connection broke later.
    static func classify(_ error: any Error, side: TransferError.Kind, responseStarted: Bool = false) -> TransferError {
        var failure: TransferError
        switch error {
        case let error as TransferError:
            failure = error

        case let error as WorkfrontError:
            failure = TransferError(error, kind: .download)

        case let error as CloudinaryError:
            failure = TransferError(error)

        case let error as HTTPError:
            failure = TransferError(kind: error.kind == "cancelled" ? .cancelled : .transport, message: error.description,
                                    isTransient: error.isTransient)
            if failure.kind == .transport && error.isTransient {
                failure.unreachableService = side == .download ? .workfront : .cloudinary
            }

        default:
            failure = TransferError(kind: side, message: "\(error)")
        }
        if responseStarted {
            failure.unreachableService = nil
        }
        return failure
    }
}

/// One error, set from one thread and read from another after a semaphore.
private final class ErrorBox: @unchecked Sendable {
    // @unchecked: written once by the download thread before it signals the
    // semaphore, read only after the semaphore is waited on.
    private(set) var value: (any Error)?

    func set(_ error: any Error) {
        value = error
    }
}
