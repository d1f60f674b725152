import Foundation
import HTTP

/// Turns a Workfront response into the value of its `data` member, or a
/// `WorkfrontError` that says what came back instead.
enum ResponseBody {
    static func data(of response: HTTPResponse, request: String) throws(WorkfrontError) -> Any {
        let object = try jsonObject(of: response, request: request)
        if let error = object["error"] {
            throw envelopeError(error, status: response.status, request: request)
        }
        guard (200..<300).contains(response.status) else {
            throw statusError(response.status, request: request, detail: "without an error message")
        }
        guard let data = object["data"] else {
            throw WorkfrontError(kind: .unexpectedResponse, request: request, httpStatus: response.status,
                                 message: "the JSON response has no \"data\" member")
        }
        return data
    }

    /// The body as a JSON object, or an error describing what it is instead
    /// (an HTML login page, a truncated body).
    ///
    /// - Parameter quoteBody: whether the message may quote the start of the
    ///   body; false for responses that may carry a credential.
    static func jsonObject(of response: HTTPResponse, request: String,
                           quoteBody: Bool = true) throws(WorkfrontError) -> [String: Any] {
        let mediaType = response.head.mediaType ?? "no content type"
        let parsed = try? JSONSerialization.jsonObject(with: Data(response.body))
        guard let object = parsed as? [String: Any] else {
            if response.status >= 500 {
                throw statusError(response.status, request: request,
                                  detail: "with \(mediaType): \(quoteBody ? preview(response.body) : "(body not shown)")")
            }
            let what = mediaType.contains("html") ? "an HTML page" : (parsed == nil ? "invalid or truncated JSON" : "JSON that is not an object")
            // Under a success status, an HTML page or cut-off JSON comes from
            // a proxy or a broken connection, so a later try may pass.
            throw WorkfrontError(kind: .unexpectedResponse, request: request, httpStatus: response.status,
                                 message: "expected a JSON object, received \(what) (\(mediaType), \(response.body.count) bytes)"
                                    + (quoteBody ? ": \(preview(response.body))" : ""),
                                 isTransient: (200..<300).contains(response.status) && parsed == nil)
        }
        return object
    }

    static func envelopeError(_ error: Any, status: Int, request: String) -> WorkfrontError {
        let fields = error as? [String: Any] ?? [:]
        let errorClass = fields["class"] as? String ?? ""
        let message = (fields["message"] as? String).map { $0.isEmpty ? errorClass : $0 } ?? String(describing: error)
        let text = errorClass.isEmpty ? message : "\(message) [\(errorClass)]"
        let kind: WorkfrontError.Kind
        if errorClass.hasSuffix("AuthenticationException") || status == 401 {
            kind = .authentication
        } else if errorClass.hasSuffix("NotFoundException") || status == 404 {
            kind = .notFound
        } else if status >= 500 || status == 429 || status == 408 {
            // Overloaded, rate limited or timed out: the same call may pass later.
            kind = .server
        } else {
            kind = .badRequest
        }
        return WorkfrontError(kind: kind, request: request, httpStatus: status, message: String(text.prefix(500)))
    }

    static func statusError(_ status: Int, request: String, detail: String) -> WorkfrontError {
        let kind: WorkfrontError.Kind
        switch status {
        case 401, 403: kind = .authentication
        case 404, 410: kind = .notFound
        case 408, 429, 500...: kind = .server
        default: kind = .badRequest
        }
        return WorkfrontError(kind: kind, request: request, httpStatus: status, message: "unexpected HTTP \(status) \(detail)")
    }

    /// The start of a body as printable text, for messages.
    static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(400), as: UTF8.self)
        if let title = text.firstMatch(of: /<title>([^<]*)<\/title>/.ignoresCase()) {
            return "title \"\(title.1.trimmingCharacters(in: .whitespacesAndNewlines))\""
        }
        let printable = text.unicodeScalars.map { $0.properties.isWhitespace || $0.value < 0x20 ? " " : String($0) }.joined()
        let collapsed = printable.split(separator: " ").joined(separator: " ")
        return collapsed.isEmpty ? "(empty body)" : "\"\(collapsed.prefix(160))\""
    }
}
