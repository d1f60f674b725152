import COpenSSL

/// A hash function that OpenSSL computes.
public enum DigestAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// MD5: 16 bytes. Only for checksums such as Cloudinary's `etag`, never
    /// for security.
    case md5
    /// SHA-1: 20 bytes.
    case sha1
    /// SHA-256: 32 bytes.
    case sha256

    /// The digest length in bytes.
    public var byteCount: Int {
        switch self {
        case .md5:
            return 16

        case .sha1:
            return 20

        case .sha256:
            return 32
        }
    }

    /// The algorithm's standard name, such as `SHA-256`.
    public var description: String {
        switch self {
        case .md5:
            return "MD5"

        case .sha1:
            return "SHA-1"

        case .sha256:
            return "SHA-256"
        }
    }

    /// OpenSSL's method table for the algorithm.
    var evpMD: OpaquePointer {
        switch self {
        case .md5:
            return EVP_md5()

        case .sha1:
            return EVP_sha1()

        case .sha256:
            return EVP_sha256()
        }
    }
}

/// An incremental hash over bytes fed in any number of pieces.
///
/// Feeding a buffer costs one call into OpenSSL and copies nothing, so the
/// digest can run over every byte of a large transfer.
///
/// An instance is not safe to share between threads, so use one per stream.
///
/// - Important: The initializer traps when OpenSSL cannot provide the
///   algorithm. That happens for MD5 when OpenSSL is configured to load
///   only its FIPS provider.
public final class MessageDigest {
    /// The hash function this digest computes.
    public let algorithm: DigestAlgorithm
    private let context: OpaquePointer

    /// Creates a digest in its initial state.
    public init(_ algorithm: DigestAlgorithm) {
        guard let context = EVP_MD_CTX_new() else {
            fatalError("EVP_MD_CTX_new failed: out of memory")
        }
        self.algorithm = algorithm
        self.context = context
        reset()
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds bytes to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return
        }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
            fatalError("EVP_DigestUpdate failed for \(algorithm): \(OpenSSLErrorQueue.drain())")
        }
    }

    /// Adds bytes to the digest. Contiguous collections such as `[UInt8]`,
    /// `ArraySlice<UInt8>` and `Data` are read in place. Others are copied
    /// into an array first.
    public func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Returns the digest of every byte added since the digest was created
    /// or last finalized, and resets the digest to its initial state.
    public func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &output, &length) == 1 else {
            fatalError("EVP_DigestFinal_ex failed for \(algorithm): \(OpenSSLErrorQueue.drain())")
        }
        output.removeSubrange(Int(length)...)
        reset()
        return output
    }

    /// Returns the digest of `bytes`.
    public static func hash<Bytes: Collection>(_ algorithm: DigestAlgorithm, _ bytes: Bytes) -> [UInt8]
    where Bytes.Element == UInt8 {
        let digest = MessageDigest(algorithm)
        digest.update(bytes)
        return digest.finalize()
    }

    private func reset() {
        guard EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1 else {
            fatalError("EVP_DigestInit_ex failed for \(algorithm): \(OpenSSLErrorQueue.drain())")
        }
    }
}
