/// Compact JSON Web Tokens (RFC 7519) signed with RS256.
public enum JSONWebToken {
    /// The protected header of every token this type signs.
    public static let rs256HeaderJSON = #"{"alg":"RS256","typ":"JWT"}"#

    /// Signs a claims set given as JSON text.
    ///
    /// The claims bytes are encoded as they are, without a check that they
    /// are valid JSON.
    /// - Returns: `header.claims.signature`, each part Base64URL-encoded.
    /// - Throws: `CryptoError` of kind `signingFailed`.
    public static func signRS256(claimsJSON: [UInt8], key: RSAPrivateKey) throws(CryptoError) -> String {
        let signingInput = Base64URL.encode(Array(rs256HeaderJSON.utf8)) + "." + Base64URL.encode(claimsJSON)
        let signature = try key.signSHA256(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// Signs the claims `iss`, `sub` and `exp`, the set that Adobe Workfront's
    /// server-to-server JWT exchange reads.
    /// - Parameters:
    ///   - issuer: The `iss` claim.
    ///   - subject: The `sub` claim.
    ///   - expiresAt: The `exp` claim, in seconds since 1970-01-01T00:00:00Z.
    /// - Throws: `CryptoError` of kind `signingFailed`.
    public static func signRS256(issuer: String, subject: String, expiresAt: Int64, key: RSAPrivateKey) throws(CryptoError) -> String {
        let claims = #"{"iss":"# + jsonString(issuer) + #","sub":"# + jsonString(subject) + #","exp":"# + String(expiresAt) + "}"
        return try signRS256(claimsJSON: Array(claims.utf8), key: key)
    }

    /// Quotes text as a JSON string (RFC 8259, section 7), escaping the
    /// quotation mark, the reverse solidus and control characters.
    static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"":
                output += "\\\""

            case "\\":
                output += "\\\\"

            case "\n":
                output += "\\n"

            case "\r":
                output += "\\r"

            case "\t":
                output += "\\t"

            case "\u{00}"..."\u{1F}":
                let hex = Array(String(scalar.value, radix: 16))
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + String(hex)

            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
