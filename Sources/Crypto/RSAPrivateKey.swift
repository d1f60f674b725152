import COpenSSL

/// An RSA private key for RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256).
///
/// Copies share one OpenSSL key, which is freed when the last copy goes.
public struct RSAPrivateKey: Sendable {
    /// The smallest modulus accepted, in bits. RFC 7518 (JSON Web
    /// Algorithms), section 3.3, requires 2048 bits or more for RS256.
    public static let minimumBits = 2048

    private let handle: KeyHandle

    /// The modulus size in bits.
    public var bits: Int {
        Int(EVP_PKEY_get_bits(handle.pointer))
    }

    /// Reads an unencrypted RSA private key from PEM text.
    ///
    /// Accepts PKCS#8 (`BEGIN PRIVATE KEY`) and PKCS#1 (`BEGIN RSA PRIVATE
    /// KEY`). Rejects encrypted keys, public keys, other key types and keys
    /// shorter than ``minimumBits``.
    /// - Throws: `CryptoError` of kind `invalidKey` when the text is not a
    ///   readable private key, or `unsupportedKey` when it is one that RS256
    ///   cannot use. The message never contains key material.
    public init(pem: String) throws(CryptoError) {
        try Self.checkLabel(of: pem)

        OpenSSLErrorQueue.clear()
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                return nil
            }
            defer { BIO_free(bio) }
            // The callback declines every passphrase request, so OpenSSL never
            // prompts on the terminal. checkLabel has already rejected the
            // encrypted forms that it can recognize.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let key else {
            throw CryptoError(kind: "invalidKey", message: "cannot read the private key: the PEM text is damaged or not a private key")
        }
        let handle = KeyHandle(key)

        try Self.checkUsableForRS256(handle.pointer)
        self.handle = handle
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 over its SHA-256 digest, the
    /// JWS algorithm `RS256`.
    /// - Returns: The signature, as long as the modulus (256 bytes for a
    ///   2048-bit key).
    /// - Throws: `CryptoError` of kind `signingFailed`.
    public func signSHA256(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(kind: "signingFailed", message: "cannot sign: EVP_MD_CTX_new failed")
        }
        defer { EVP_MD_CTX_free(context) }

        // PKCS#1 v1.5 is OpenSSL's default padding for RSA keys, so the
        // context needs no padding parameter.
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, handle.pointer) == 1 else {
            throw CryptoError(kind: "signingFailed", message: "cannot sign: EVP_DigestSignInit failed")
        }

        var signatureLength = 0
        var signature: [UInt8] = []
        // An empty array may have no storage, so one spare byte gives OpenSSL
        // a valid pointer while the length stays zero.
        let input = message.isEmpty ? [0] : message
        let result: Int32 = input.withUnsafeBufferPointer { buffer in
            guard EVP_DigestSign(context, nil, &signatureLength, buffer.baseAddress, message.count) == 1 else {
                return 0
            }
            signature = [UInt8](repeating: 0, count: signatureLength)
            return EVP_DigestSign(context, &signature, &signatureLength, buffer.baseAddress, message.count)
        }
        guard result == 1 else {
            throw CryptoError(kind: "signingFailed", message: "cannot sign: EVP_DigestSign failed")
        }
        signature.removeSubrange(signatureLength...)
        return signature
    }

    /// Rejects PEM text that has no private key block this type can read,
    /// with a message that names what the text contains instead.
    ///
    /// Other blocks, such as a certificate before the key, are allowed
    /// because OpenSSL skips them while looking for the key.
    private static func checkLabel(of pem: String) throws(CryptoError) {
        let labels = PEMLabel.all(in: pem)
        guard let firstLabel = labels.first else {
            throw CryptoError(kind: "invalidKey", message: "cannot read the private key: no '-----BEGIN ...-----' line, so the text is not PEM")
        }
        if labels.contains("PRIVATE KEY") {
            return
        }
        if labels.contains("RSA PRIVATE KEY") {
            // PKCS#1 with RFC 1421 headers marks encryption as "Proc-Type: 4,ENCRYPTED".
            if pem.contains("Proc-Type: 4,ENCRYPTED") {
                throw CryptoError(kind: "unsupportedKey", message: "the RSA private key is encrypted, so decrypt it first, for example with 'openssl pkey -in KEY -out PLAIN'")
            }
            return
        }
        if labels.contains("ENCRYPTED PRIVATE KEY") {
            throw CryptoError(kind: "unsupportedKey", message: "the private key is encrypted, so decrypt it first, for example with 'openssl pkey -in KEY -out PLAIN'")
        }
        if let otherKey = labels.first(where: { $0.hasSuffix("PRIVATE KEY") }) {
            throw CryptoError(kind: "unsupportedKey", message: "the PEM text contains '\(otherKey)', but RS256 needs an RSA private key in PKCS#8 ('PRIVATE KEY') or PKCS#1 ('RSA PRIVATE KEY') form")
        }
        throw CryptoError(kind: "invalidKey", message: "the PEM text contains '\(firstLabel)' and no private key")
    }

    private static func checkUsableForRS256(_ key: OpaquePointer) throws(CryptoError) {
        let type = EVP_PKEY_get_base_id(key)
        guard type == EVP_PKEY_RSA else {
            let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "type \(type)"
            // RSA-PSS keys are restricted to PSS padding, which RS256 does not use.
            throw CryptoError(kind: "unsupportedKey", message: "the private key is a \(name) key, but RS256 needs a plain RSA key")
        }
        let bits = Int(EVP_PKEY_get_bits(key))
        guard bits >= minimumBits else {
            throw CryptoError(kind: "unsupportedKey", message: "the RSA private key has \(bits) bits, but RS256 needs at least \(minimumBits)")
        }
    }
}

/// Owner of one `EVP_PKEY`, freed on deinit.
///
/// `@unchecked Sendable` without a lock: no code modifies the key after it
/// is loaded, and openssl-threads(7) (OpenSSL 3.0) allows threads to share
/// an object that is not modified, each signing through its own context.
private final class KeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }
}

/// The labels of PEM blocks, such as `PRIVATE KEY` in
/// `-----BEGIN PRIVATE KEY-----`.
enum PEMLabel {
    /// Returns the label of every `-----BEGIN` line, in order.
    static func all(in text: String) -> [String] {
        var labels: [String] = []
        var rest = text[...]
        while let begin = rest.firstRange(of: "-----BEGIN ") {
            rest = rest[begin.upperBound...]
            guard let end = rest.firstRange(of: "-----") else {
                break
            }
            let label = rest[..<end.lowerBound]
            // A label is at most a few words, so a long one means the line is damaged.
            if label.count <= 40, !label.contains("\n") {
                labels.append(String(label))
            }
            rest = rest[end.upperBound...]
        }
        return labels
    }
}
