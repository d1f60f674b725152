import Synchronization

/// Runs HTTP requests over libcurl, reusing connections.
///
/// The client keeps a pool of easy handles; each request borrows one, so open
/// connections (and TLS sessions) are reused by later requests to the same
/// host. Any number of threads may call it at once.
public final class HTTPClient: Sendable {
    private let idleHandles = Mutex<[CurlEasy]>([])
    private let maxIdleHandles: Int

    public init(maxIdleHandles: Int = 16) {
        self.maxIdleHandles = maxIdleHandles
    }

    /// Runs `request` and streams the response into `sink`. Returns when the
    /// response is complete; throws `HTTPError`, or the error the sink or the
    /// body source raised.
    public func perform(_ request: HTTPRequest, sink: any HTTPResponseSink, cancellation: HTTPCancellation? = nil) throws {
        let easy = idleHandles.withLock { $0.popLast() } ?? CurlEasy()
        defer {
            idleHandles.withLock { handles in
                if handles.count < maxIdleHandles {
                    handles.append(easy)
                }
            }
        }
        try easy.perform(request, sink: sink, cancellation: cancellation)
    }

    /// Runs `request` and collects the response body in memory, up to
    /// `maxBodyBytes`; a larger body is an `HTTPError` of kind `bodyTooLarge`.
    public func perform(_ request: HTTPRequest, maxBodyBytes: Int = 16 * 1024 * 1024,
                        cancellation: HTTPCancellation? = nil) throws -> HTTPResponse {
        let collector = BodyCollector(limit: maxBodyBytes, request: request)
        try perform(request, sink: collector, cancellation: cancellation)
        return HTTPResponse(head: collector.head ?? HTTPResponseHead(status: 0, headers: []), body: collector.body)
    }

    /// The libcurl version in use.
    public static var libcurlVersion: String { CurlGlobal.version }
}

/// Collects a response body in memory, refusing more than a limit.
private final class BodyCollector: HTTPResponseSink {
    private let limit: Int
    private let request: HTTPRequest
    var head: HTTPResponseHead?
    var body: [UInt8] = []

    init(limit: Int, request: HTTPRequest) {
        self.limit = limit
        self.request = request
    }

    func receiveHead(_ head: HTTPResponseHead) throws {
        self.head = head
    }

    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        guard body.count + bytes.count <= limit else {
            throw HTTPError(kind: "bodyTooLarge", method: request.method, url: request.url,
                            detail: "the response body is larger than \(limit) bytes")
        }
        body.append(contentsOf: bytes)
    }
}
