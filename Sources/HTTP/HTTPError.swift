/// A request that did not complete: no connection, a timeout, an aborted
/// transfer, or a body too large to collect.
///
/// The URL in the message has its credentials and query values removed.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    /// A short fixed label for log fields: `connect`, `timeout`, `tls`,
    /// `transfer`, `aborted`, `bodyTooLarge`, `badURL`.
    public var kind: String
    /// libcurl's result code, where libcurl reported the failure.
    public var curlCode: Int?
    public var method: String
    public var url: String
    public var detail: String

    public init(kind: String, curlCode: Int? = nil, method: String, url: String, detail: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.method = method
        self.url = URLRedaction.redact(url)
        self.detail = detail
    }

    /// Whether trying the same request again later may succeed.
    public var isTransient: Bool {
        switch kind {
        case "connect", "timeout", "transfer":
            return true

        default:
            return false
        }
    }

    public var description: String {
        let code = curlCode.map { " (curl \($0))" } ?? ""
        return "\(method) \(url) failed: \(detail)\(code)"
    }
}
