/// One header of a request or a response, in the order it was sent.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Produces a request body piece by piece, so that a body never has to be in
/// memory whole.
///
/// `read(into:)` is called from the thread running the request; it may block
/// until bytes are available. It returns how many bytes it wrote into the
/// buffer, and 0 only at the end of the body.
public protocol HTTPBodySource: AnyObject, Sendable {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Receives a response as it arrives.
///
/// `receiveHead(_:)` is called once, before the first body byte; `receive(_:)`
/// once per piece of body. Throwing from either aborts the request, and
/// `perform` rethrows that error.
public protocol HTTPResponseSink: AnyObject {
    func receiveHead(_ head: HTTPResponseHead) throws
    func receive(_ bytes: UnsafeRawBufferPointer) throws
}

/// A request body.
public enum HTTPRequestBody: Sendable {
    case empty
    case bytes([UInt8])
    /// A streamed body of exactly `length` bytes; the request fails if the
    /// source ends early or gives more.
    case stream(length: Int64, source: any HTTPBodySource)
}

/// Limits that keep a request from hanging forever.
public struct HTTPTimeouts: Sendable, Equatable {
    /// Seconds to establish the connection (including TLS).
    public var connect: Int
    /// Seconds for the whole request, or nil for no limit (large transfers).
    public var total: Int?
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds`
    /// is abandoned as stalled.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int

    public init(connect: Int = 15, total: Int? = 120, lowSpeedBytesPerSecond: Int = 1, lowSpeedSeconds: Int = 60) {
        self.connect = connect
        self.total = total
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
    }

    /// For API calls: small bodies, a two-minute limit.
    public static let api = HTTPTimeouts()
    /// For document transfers of any size: no total limit, only the stall limit.
    public static let transfer = HTTPTimeouts(total: nil)
}

/// An HTTP request. Redirects are never followed automatically, so a header
/// such as a session ID cannot leak to another host; callers that expect a
/// redirect follow it themselves.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: HTTPRequestBody
    public var timeouts: HTTPTimeouts

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: HTTPRequestBody = .empty,
                timeouts: HTTPTimeouts = .api) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
    }
}
