import Crypto

/// Request signatures of Cloudinary's Upload API, version 2 of the scheme
/// that Cloudinary's SDKs use.
///
/// The string to sign is every signed `key=value` pair with each `&` in it
/// replaced by `%26`, sorted, and joined with `&`. The signature is the
/// lower-case hex digest of that string followed by the API secret.
/// Nothing else is escaped: `=`, `|`, `,`, spaces and non-ASCII text are
/// signed as raw UTF-8.
///
/// - Important: The pairs are sorted as whole `key=value` strings, by
///   their UTF-8 bytes, as `cloudinary.utils.api_string_to_sign` in the
///   Python SDK 1.46.3 sorts them. That equals sorting by key unless one
///   key is a prefix of another and continues with a byte below `=`, as
///   `tag` and `tag1` do.
public enum UploadSignature {
    /// Parameters that are sent but never signed.
    public static let unsignedParameters: Set<String> = ["file", "cloud_name", "resource_type", "api_key", "signature"]

    /// Builds the string to sign from upload parameters, leaving out
    /// ``unsignedParameters`` and empty values.
    public static func stringToSign(_ params: [String: String]) -> String {
        stringToSign(pairs: signedPairs(params))
    }

    /// Signs upload parameters, leaving out ``unsignedParameters`` and empty
    /// values.
    /// - Returns: The lower-case hex digest for the `signature` parameter.
    public static func sign(_ params: [String: String], secret: String, algorithm: DigestAlgorithm) -> String {
        sign(pairs: signedPairs(params), secret: secret, algorithm: algorithm)
    }

    /// Builds the string to sign from every pair with a non-empty value.
    /// Unlike ``stringToSign(_:)`` it leaves out no key, as calls other than
    /// uploads need when they sign `cloud_name`.
    public static func stringToSign(pairs: [(key: String, value: String)]) -> String {
        let encoded = pairs
            .filter { !$0.value.isEmpty }
            .map { Array("\($0.key)=\($0.value)".utf8) }
            .map(escapeAmpersands)
            .sorted { $0.lexicographicallyPrecedes($1) }
        return encoded.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "&")
    }

    /// Signs every pair with a non-empty value, leaving out no key.
    /// - Returns: The lower-case hex digest of the string to sign followed
    ///   by `secret`.
    public static func sign(pairs: [(key: String, value: String)], secret: String, algorithm: DigestAlgorithm) -> String {
        let input = stringToSign(pairs: pairs) + secret
        return MessageDigest.hash(algorithm, Array(input.utf8)).hexString
    }

    private static func signedPairs(_ params: [String: String]) -> [(key: String, value: String)] {
        params
            .filter { !unsignedParameters.contains($0.key) }
            .map { (key: $0.key, value: $0.value) }
    }

    /// Replaces each `&` with `%26`, so that a value cannot end its pair and
    /// smuggle in another parameter.
    private static func escapeAmpersands(_ pair: [UInt8]) -> [UInt8] {
        guard pair.contains(UInt8(ascii: "&")) else {
            return pair
        }
        var output: [UInt8] = []
        output.reserveCapacity(pair.count + 8)
        for byte in pair {
            if byte == UInt8(ascii: "&") {
                output.append(contentsOf: "%26".utf8)
            } else {
                output.append(byte)
            }
        }
        return output
    }
}
