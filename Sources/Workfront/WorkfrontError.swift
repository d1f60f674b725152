import HTTP

/// A Workfront call that failed, naming the request (never its credentials).
public struct WorkfrontError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The JWT exchange or the API key was refused: the login itself is wrong.
        case credentialsRejected
        /// The session expired or was not accepted.
        case authentication
        case notFound
        /// Workfront rejected the request's content (a bad field, filter or value).
        case badRequest
        /// A 5xx response.
        case server
        /// HTML, truncated or malformed JSON, or JSON of the wrong shape.
        case unexpectedResponse
        /// No response: connection refused, timeout, reset.
        case transport
        case cancelled
    }

    public var kind: Kind
    /// `GET task/search`, `download DOCU 5f2…`: what was being done.
    public var request: String
    public var httpStatus: Int?
    public var message: String
    /// Whether the same request may succeed later without anyone changing
    /// anything.
    public var isTransient: Bool

    public init(kind: Kind, request: String, httpStatus: Int? = nil, message: String, isTransient: Bool? = nil) {
        self.kind = kind
        self.request = request
        self.httpStatus = httpStatus
        self.message = message
        switch kind {
        case .server, .transport:
            self.isTransient = isTransient ?? true

        default:
            self.isTransient = isTransient ?? false
        }
    }

    init(transport error: HTTPError, request: String) {
        let kind: Kind = error.kind == "cancelled" ? .cancelled : .transport
        self.init(kind: kind, request: request, message: error.description, isTransient: error.isTransient)
    }

    /// Returns this error as seen again right after signing in anew. The
    /// sign-in accepted the credentials a moment before, so a rejected session
    /// or a login page now comes from Workfront's side and a later try may
    /// pass. A 403 stays final because it can mean the user lacks access.
    func seenAfterRenewal() -> WorkfrontError {
        guard kind == .authentication, httpStatus != 403 else { return self }
        var error = self
        error.message += " (again with a new session)"
        error.isTransient = true
        return error
    }

    public var description: String {
        let status = httpStatus.map { " (HTTP \($0))" } ?? ""
        return "Workfront \(request) failed\(status): \(message)"
    }
}
