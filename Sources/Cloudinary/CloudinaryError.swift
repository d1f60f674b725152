import HTTP

/// A failed Cloudinary request: an error response, a response that cannot be
/// read, or a transfer that did not complete.
public struct CloudinaryError: Error, CustomStringConvertible, Sendable {
    /// A short fixed label for log fields:
    ///
    /// | kind | cause |
    /// |---|---|
    /// | `credentialsRejected` | HTTP 401: invalid signature, unknown API key or cloud name |
    /// | `clockSkew` | "Stale request": the timestamp is over an hour from the server's clock |
    /// | `invalidFile` | HTTP 400: an invalid file or upload parameter |
    /// | `forbidden` | HTTP 403 |
    /// | `notFound` | HTTP 404 |
    /// | `timedOut` | HTTP 408 |
    /// | `conflict` | HTTP 409 |
    /// | `rateLimited` | HTTP 420 or 429 |
    /// | `rejected` | another HTTP 4xx |
    /// | `server` | HTTP 5xx |
    /// | `unexpectedResponse` | any other status, an error under a 2xx status, or a body that is not the expected JSON |
    /// | `transport` | no response: see ``transportError`` |
    public var kind: String
    /// The response status, or nil when no response arrived.
    public var httpStatus: Int?
    /// A sentence that names the failure, with Cloudinary's own message where
    /// it sent one.
    public var message: String
    /// Whether sending the same request again later may succeed: true for
    /// `rateLimited`, `server` and `timedOut`, and for transport failures
    /// that the HTTP layer calls transient.
    public var isTransient: Bool
    /// The HTTP layer's error when the kind is `transport`, otherwise nil.
    public var transportError: HTTPError?
    /// Seconds the server asked to wait (`Retry-After`), when it did.
    public var retryAfter: Int?

    /// Creates an error from its parts, for callers that detect a failure
    /// this type does not classify itself.
    public init(kind: String, httpStatus: Int?, message: String, isTransient: Bool) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.message = message
        self.isTransient = isTransient
    }

    /// Creates the error for a request that got no response. The kind is
    /// `transport`, and the message is the HTTP layer's, whose URL carries
    /// no credentials.
    public init(transport error: HTTPError) {
        self.init(kind: "transport", httpStatus: nil, message: error.description, isTransient: error.isTransient)
        transportError = error
    }

    /// The message.
    public var description: String {
        message
    }

    /// Creates the error for a response with a status outside 2xx, or an
    /// error envelope under 2xx.
    /// - Parameter serverMessage: The `error.message` that Cloudinary sent,
    ///   or nil when the body had none.
    init(status: Int, contentType: String?, body: [UInt8], serverMessage: String?) {
        let kind = Self.kind(status: status, serverMessage: serverMessage)
        let message: String
        if let serverMessage {
            message = "Cloudinary returned HTTP \(status): \(ResponseText.printable(serverMessage, limit: 500))"
        } else {
            message = ResponseText.unexpected(status: status, contentType: contentType, body: body)
        }
        self.init(kind: kind, httpStatus: status, message: message, isTransient: Self.serverSideKinds.contains(kind))
    }

    /// The kinds of error response that a later try may pass: a server
    /// error, a rate limit or a request timeout.
    static let serverSideKinds: Set<String> = ["rateLimited", "server", "timedOut"]

    /// Whether Cloudinary responded with a server error, a rate limit or a
    /// request timeout.
    public var isServerSide: Bool {
        Self.serverSideKinds.contains(kind)
    }

    /// Classifies an error response by its message, where the message is
    /// specific, and otherwise by its status.
    static func kind(status: Int, serverMessage: String?) -> String {
        // Cloudinary rejects a timestamp more than an hour off with HTTP 401
        // and "Stale request - reported time is ...".
        if let serverMessage, serverMessage.lowercased().contains("stale request") {
            return "clockSkew"
        }
        switch status {
        case 400:
            return "invalidFile"

        case 401:
            return "credentialsRejected"

        case 403:
            return "forbidden"

        case 404:
            return "notFound"

        case 408:
            return "timedOut"

        case 409:
            return "conflict"

        case 420, 429:
            return "rateLimited"

        case 400..<500:
            return "rejected"

        case 500..<600:
            return "server"

        default:
            return "unexpectedResponse"
        }
    }
}

/// Text from a response body, made safe and short enough for a message.
enum ResponseText {
    /// Returns `unexpected response (HTTP <status>, content-type <type>):
    /// <first 200 printable characters of the body>`.
    static func unexpected(status: Int, contentType: String?, body: [UInt8], detail: String? = nil) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let excerpt = body.isEmpty ? "(empty body)" : printable(text, limit: 200)
        let reason = detail.map { " (\($0))" } ?? ""
        return "unexpected response (HTTP \(status), content-type \(contentType ?? "none"))\(reason): \(excerpt)"
    }

    /// Returns the text with control characters and runs of white space
    /// turned into single spaces, cut to `limit` characters and marked with
    /// "..." where cut.
    static func printable(_ text: String, limit: Int) -> String {
        var output = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.unicodeScalars.append(" ")
                pendingSpace = false
            }
            output.unicodeScalars.append(scalar)
        }
        guard output.count > limit else {
            return output
        }
        return String(output.prefix(limit)) + "..."
    }
}
