import Crypto
import Foundation
import Testing

@Suite("MessageDigest")
struct MessageDigestTests {
    /// Digests of "" and "abc" from FIPS 180-2 appendix examples and
    /// RFC 1321, section A.5.
    static let knownVectors: [(DigestAlgorithm, String, String)] = [
        (.md5, "", "d41d8cd98f00b204e9800998ecf8427e"),
        (.md5, "abc", "900150983cd24fb0d6963f7d28e17f72"),
        (.sha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (.sha1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (.sha256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ]

    @Test("known vectors", arguments: knownVectors.indices)
    func knownVector(index: Int) {
        let (algorithm, input, expected) = Self.knownVectors[index]
        let digest = MessageDigest.hash(algorithm, Array(input.utf8))
        #expect(digest.hexString == expected, "\(algorithm) of \"\(input)\"")
        #expect(digest.count == algorithm.byteCount)
    }

    @Test("one million 'a' in pieces")
    func millionA() {
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        let expected: [DigestAlgorithm: String] = [
            .md5: "7707d6ae4e027c70eea2a935c2296f21",
            .sha1: "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
            .sha256: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        ]
        for (algorithm, hex) in expected {
            let digest = MessageDigest(algorithm)
            for _ in 0..<1000 {
                digest.update(piece)
            }
            #expect(digest.finalize().hexString == hex, "\(algorithm)")
        }
    }

    @Test("10 MB incrementally equals at once and openssl")
    func tenMegabytes() throws {
        var generator = SplitMix64(seed: 42)
        let buffer = (0..<10_000_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let directory = try TemporaryDirectory()
        try directory.write(buffer, to: "data.bin")

        for (algorithm, name) in [(DigestAlgorithm.md5, "md5"), (.sha1, "sha1"), (.sha256, "sha256")] {
            let atOnce = MessageDigest.hash(algorithm, buffer)

            // Odd piece sizes cross OpenSSL's internal 64-byte blocks at every offset.
            let incremental = MessageDigest(algorithm)
            var offset = 0
            var pieceSize = 1
            while offset < buffer.count {
                let end = min(offset + pieceSize, buffer.count)
                incremental.update(buffer[offset..<end])
                offset = end
                pieceSize = pieceSize * 3 % 65_521 + 1
            }
            #expect(incremental.finalize() == atOnce, "\(algorithm)")

            let output = try OpenSSLCommand.output(["dgst", "-\(name)", "-r", "data.bin"], in: directory.url)
            #expect(output.hasPrefix(atOnce.hexString + " "), "\(algorithm): openssl printed \(output)")
        }
    }

    @Test("raw buffer and non-contiguous input")
    func inputForms() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        let expected = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"

        let raw = MessageDigest(.sha1)
        bytes.withUnsafeBytes { raw.update($0) }
        #expect(raw.finalize().hexString == expected)

        // A lazy map has no contiguous storage, so the digest copies it.
        let lazy = MessageDigest(.sha1)
        lazy.update(bytes.lazy.map { $0 })
        #expect(lazy.finalize().hexString == expected)

        let empty = MessageDigest(.sha1)
        empty.update([UInt8]())
        empty.update(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(empty.finalize().hexString == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    @Test("finalize resets the digest")
    func finalizeResets() {
        let digest = MessageDigest(.sha256)
        digest.update(Array("abc".utf8))
        let first = digest.finalize()
        digest.update(Array("abc".utf8))
        let second = digest.finalize()
        #expect(first == second)
        #expect(digest.finalize().hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("hexString is lower-case")
    func hexString() {
        #expect([UInt8]().hexString == "")
        #expect([0x00, 0x0F, 0xA0, 0xFF].hexString == "000fa0ff")
    }
}

/// A small deterministic generator, so test data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
