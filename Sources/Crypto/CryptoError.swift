import COpenSSL

/// A failed cryptographic operation, with OpenSSL's reason where OpenSSL
/// reported one.
///
/// Messages name the operation and the problem. They never contain key
/// material: OpenSSL's error strings name a library, a function and a reason
/// code, not data.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// A short fixed label for log fields: `invalidKey` (not a readable
    /// private key), `unsupportedKey` (readable, but not usable for RS256)
    /// or `signingFailed`.
    public var kind: String
    /// A sentence that names the failed operation and the problem.
    public var message: String
    /// OpenSSL's error strings for the failure, oldest first, or empty where
    /// OpenSSL reported nothing.
    public var openSSLErrors: [String]

    /// Creates an error and takes OpenSSL's pending errors from this
    /// thread's error queue, which leaves the queue empty.
    init(kind: String, message: String) {
        self.kind = kind
        self.message = message
        self.openSSLErrors = OpenSSLErrorQueue.drain()
    }

    /// The message, followed by OpenSSL's errors where there are any.
    public var description: String {
        if openSSLErrors.isEmpty {
            return message
        }
        return "\(message) (OpenSSL: \(openSSLErrors.joined(separator: "; ")))"
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrorQueue {
    /// Discards pending errors, so that a later failure reports only its own.
    static func clear() {
        ERR_clear_error()
    }

    /// Removes and returns the pending errors as strings such as
    /// `error:1E08010C:DECODER routines::unsupported`.
    static func drain() -> [String] {
        var errors: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                break
            }
            // ERR_error_string_n truncates a longer message to fit the buffer.
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            errors.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return errors
    }
}
