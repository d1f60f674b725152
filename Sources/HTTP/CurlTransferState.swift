import CCurl

/// What one running request shares with libcurl's callbacks: the body to send,
/// where the response goes, and the first error a callback raised.
///
/// libcurl calls the callbacks on the thread running `curl_easy_perform`, one
/// at a time, so this object is only ever touched by that thread.
final class CurlTransferState {
    let sink: any HTTPResponseSink
    private let body: HTTPRequestBody
    private var bytesOffset = 0
    private var streamedBytes: Int64 = 0
    private var headerLines: [HTTPHeader] = []
    private var statusFromLine = 0
    private var headDelivered = false
    private let cancellation: HTTPCancellation?
    /// The first error raised by the sink or the body source; `perform`
    /// rethrows it in place of libcurl's generic abort code.
    var failure: (any Error)?

    init(body: HTTPRequestBody, sink: any HTTPResponseSink, cancellation: HTTPCancellation?) {
        self.body = body
        self.sink = sink
        self.cancellation = cancellation
    }

    // MARK: Response headers

    func headerLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new status line starts a new response (after 100 Continue,
            // for example): forget the headers of the previous one.
            headerLines.removeAll()
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            statusFromLine = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headerLines.append(HTTPHeader(name, value))
    }

    /// Hands the head to the sink once; called before the first body byte,
    /// and after the transfer for responses without a body.
    func deliverHeadIfNeeded() throws {
        guard !headDelivered else { return }
        headDelivered = true
        try sink.receiveHead(HTTPResponseHead(status: statusFromLine, headers: headerLines))
    }

    // MARK: Response body

    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        do {
            try deliverHeadIfNeeded()
            try sink.receive(bytes)
            return true
        } catch {
            failure = failure ?? error
            return false
        }
    }

    // MARK: Request body

    /// Fills `buffer` with the next piece of the request body; returns nil
    /// when the request must be aborted.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch body {
        case .empty:
            return 0

        case .bytes(let bytes):
            let count = min(buffer.count, bytes.count - bytesOffset)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[bytesOffset..<bytesOffset + count]))
            }
            bytesOffset += count
            return count

        case .stream(let length, let source):
            do {
                let remaining = length - streamedBytes
                let window = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(Int64(buffer.count), max(remaining, 0)))])
                let count = window.isEmpty ? try drainExtra(source) : try source.read(into: window)
                if count == 0 && remaining > 0 {
                    throw BodyLengthMismatch(declared: length, produced: streamedBytes)
                }
                streamedBytes += Int64(count)
                return count
            } catch {
                failure = failure ?? error
                return nil
            }
        }
    }

    /// Confirms that a streamed body has really ended when its declared
    /// length is reached, so a longer body is an error and not silently cut.
    private func drainExtra(_ source: any HTTPBodySource) throws -> Int {
        var probe: UInt8 = 0
        let extra = try withUnsafeMutableBytes(of: &probe) { try source.read(into: $0) }
        if extra > 0 {
            throw BodyLengthMismatch(declared: streamedBytes, produced: streamedBytes + Int64(extra))
        }
        return 0
    }

    var isCancelled: Bool { cancellation?.isCancelled ?? false }
}

/// A streamed request body that ended before, or ran past, its declared length.
public struct BodyLengthMismatch: Error, CustomStringConvertible, Sendable {
    public var declared: Int64
    public var produced: Int64

    public init(declared: Int64, produced: Int64) {
        self.declared = declared
        self.produced = produced
    }

    public var description: String {
        produced < declared
            ? "the body ended after \(produced) of \(declared) bytes"
            : "the body is longer than the \(declared) bytes declared"
    }
}
