import Foundation

/// The error envelope of Cloudinary's APIs: `{"error":{"message":"..."}}`.
public struct CloudinaryResponseError: Sendable, Decodable, Equatable {
    /// Cloudinary's description of the error, such as `Invalid image file`.
    public var message: String

    /// Creates an envelope with a message.
    public init(message: String) {
        self.message = message
    }

    private enum CodingKeys: String, CodingKey {
        case error
        case message
    }

    /// Decodes `{"error":{"message":"..."}}`, and also `{"error":"..."}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? container.decode(String.self, forKey: .error) {
            message = text
            return
        }
        let error = try container.nestedContainer(keyedBy: CodingKeys.self, forKey: .error)
        message = try error.decode(String.self, forKey: .message)
    }

    /// Returns the envelope in `body`, or nil when the body is not JSON or
    /// has no error message.
    public static func decode(from body: [UInt8]) -> CloudinaryResponseError? {
        try? JSONDecoder().decode(CloudinaryResponseError.self, from: Data(body))
    }
}

/// Interpretation of Upload API responses.
public enum CloudinaryResponse {
    /// Reads the response to an upload request or to one chunk of it.
    ///
    /// A 2xx response yields ``UploadResponse/chunkAccepted(bytes:)`` for
    /// `{"done": false, ...}` and ``UploadResponse/complete(_:)`` for an
    /// upload result. An error envelope, under any status, and a body that
    /// is not the expected JSON, such as an HTML page from a proxy, yield a
    /// ``CloudinaryError``. The content type is only reported: a JSON body
    /// is read under any content type.
    /// - Parameters:
    ///   - status: The HTTP status code.
    ///   - contentType: The `Content-Type` header, with or without
    ///     parameters, or nil when absent.
    ///   - body: The response body.
    public static func parseUpload(status: Int, contentType: String?, body: [UInt8]) -> Result<UploadResponse, CloudinaryError> {
        let serverMessage = CloudinaryResponseError.decode(from: body)?.message
        guard (200..<300).contains(status), serverMessage == nil else {
            return .failure(CloudinaryError(status: status, contentType: contentType, body: body, serverMessage: serverMessage))
        }

        let decoder = JSONDecoder()
        let data = Data(body)
        do {
            let probe = try decoder.decode(DoneProbe.self, from: data)
            if probe.done == false {
                let progress = try decoder.decode(ChunkProgress.self, from: data)
                return .success(.chunkAccepted(bytes: progress.bytes))
            }
            return .success(.complete(try decoder.decode(UploadResult.self, from: data)))
        } catch {
            let message = ResponseText.unexpected(status: status, contentType: contentType, body: body, detail: problem(in: error))
            // A success status with a body that is not the result is most
            // likely a cut connection or a proxy's page: worth another try.
            // The upload may then be sent twice, under the same public ID.
            return .failure(CloudinaryError(kind: "unexpectedResponse", httpStatus: status, message: message, isTransient: true))
        }
    }

    /// The `done` field, which only the responses to non-final chunks set
    /// to false.
    private struct DoneProbe: Decodable {
        var done: Bool?
    }

    /// Describes why decoding failed, naming the field but no value.
    private static func problem(in error: any Error) -> String {
        guard let error = error as? DecodingError else {
            return "cannot decode"
        }
        switch error {
        case .keyNotFound(let key, _):
            return "missing field '\(key.stringValue)'"

        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type or null for field '\(path)'"

        case .dataCorrupted:
            return "not JSON"

        @unknown default:
            return "cannot decode"
        }
    }
}
