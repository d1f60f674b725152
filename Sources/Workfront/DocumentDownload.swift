import Foundation
import HTTP

/// Receives a document's bytes as they arrive from Workfront.
public protocol DocumentSink: AnyObject {
    /// Called once, when the download has been accepted and before any byte.
    /// `contentLength` is nil when Workfront did not send one.
    func begin(contentLength: Int64?) throws
    func receive(_ bytes: UnsafeRawBufferPointer) throws
}

extension WorkfrontClient {
    /// Downloads the current version of `document` into `sink`.
    ///
    /// Redirects are followed by hand (at most five), and the session header
    /// goes only to the tenant's own host, never to a storage host that a
    /// redirect names. An HTML response (Workfront's login page) or a 401/403
    /// renews the session once, as long as no byte has reached the sink.
    public func download(_ document: WorkfrontDocument, into sink: any DocumentSink,
                         cancellation: HTTPCancellation? = nil) throws(WorkfrontError) {
        let name = "download of document \(document.id)"
        var url = "\(host)/document/download?ID=\(FormEncoding.escape(document.id))"
        var renewed = false
        var redirects = 0
        while true {
            let auth = try sessions.authenticationHeader()
            let sameHost = Self.origin(of: url) == Self.origin(of: host)
            let guardSink = DownloadHeadCheck(sink: sink, request: name)
            do {
                try http.perform(HTTPRequest(method: "GET", url: url, headers: sameHost ? [auth] : [], timeouts: .transfer),
                                 sink: guardSink, cancellation: cancellation)
            } catch let error as WorkfrontError {
                if error.kind == .authentication, !guardSink.started, !renewed, sameHost {
                    sessions.invalidate(auth)
                    renewed = true
                    continue
                }
                throw renewed ? error.seenAfterRenewal() : error
            } catch let error as HTTPError {
                throw WorkfrontError(transport: error, request: name)
            } catch {
                // The sink's own error (the upload side stopped, for example).
                throw WorkfrontError(kind: .transport, request: name, message: "\(error)", isTransient: false)
            }
            guard let location = guardSink.redirectLocation else { return }
            redirects += 1
            guard redirects <= 5, let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString else {
                throw WorkfrontError(kind: .unexpectedResponse, request: name, message: "too many redirects or a bad Location header")
            }
            do {
                try EndpointPolicy.validate(next)
            } catch {
                throw WorkfrontError(kind: .unexpectedResponse, request: name,
                                     message: "redirected to \(URLRedaction.redact(next)), which \(error.description)")
            }
            url = next
        }
    }

    /// `scheme://host:port` of a URL, for comparing hosts.
    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased() else { return nil }
        let scheme = components.scheme?.lowercased() ?? ""
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }
}

/// Checks a download's head before any byte reaches the document sink: a
/// redirect is remembered, an error status or an HTML page becomes a
/// `WorkfrontError`.
private final class DownloadHeadCheck: HTTPResponseSink {
    private let sink: any DocumentSink
    private let request: String
    private(set) var started = false
    private(set) var redirectLocation: String?
    private var discarding = false
    private var errorBody: [UInt8] = []
    private var head: HTTPResponseHead?

    init(sink: any DocumentSink, request: String) {
        self.sink = sink
        self.request = request
    }

    func receiveHead(_ head: HTTPResponseHead) throws {
        self.head = head
        if (300..<400).contains(head.status), let location = head.header("Location") {
            redirectLocation = location
            discarding = true
            return
        }
        guard head.status == 200 else {
            throw ResponseBody.statusError(head.status, request: request, detail: "instead of the document")
        }
        if head.mediaType == "text/html" {
            // Workfront responds to an unauthenticated download with its login
            // page and status 200.
            throw WorkfrontError(kind: .authentication, request: request, httpStatus: 200,
                                 message: "received an HTML page (a login page?) instead of the document")
        }
        started = true
        try sink.begin(contentLength: head.contentLength)
    }

    func receive(_ bytes: UnsafeRawBufferPointer) throws {
        if discarding {
            return
        }
        try sink.receive(bytes)
    }
}
