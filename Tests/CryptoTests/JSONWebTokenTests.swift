import Crypto
import Foundation
import Testing

@Suite("JSONWebToken")
struct JSONWebTokenTests {
    @Test("RS256 token parts decode and verify")
    func tokenVerifies() throws {
        let fixtures = try KeyFixtures.load()
        let key = try RSAPrivateKey(pem: fixtures.pkcs8PEM)
        let token = try JSONWebToken.signRS256(issuer: "C0FFEE@AdobeOrg", subject: "user \"7\"\\ü", expiresAt: 1_900_000_000, key: key)

        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 3)
        for part in parts {
            #expect(!part.contains("="), "no padding")
            #expect(!part.contains("+"), "URL-safe alphabet")
            #expect(!part.contains("/"), "URL-safe alphabet")
        }

        let header = try #require(Base64URL.decode(parts[0]))
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"RS256","typ":"JWT"}"#)

        let claimsBytes = try #require(Base64URL.decode(parts[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(claimsBytes)) as? [String: Any])
        #expect(claims["iss"] as? String == "C0FFEE@AdobeOrg")
        #expect(claims["sub"] as? String == "user \"7\"\\ü")
        #expect((claims["exp"] as? NSNumber)?.int64Value == 1_900_000_000)
        #expect(claims.count == 3)

        let signature = try #require(Base64URL.decode(parts[2]))
        let signingInput = Array((parts[0] + "." + parts[1]).utf8)
        #expect(try fixtures.verifyWithOpenSSL(message: signingInput, signature: signature).contains("Verified OK"))
    }

    @Test("claims JSON is signed as given")
    func claimsJSON() throws {
        let fixtures = try KeyFixtures.load()
        let key = try RSAPrivateKey(pem: fixtures.pkcs1PEM)
        let claims = Array(#"{"iss":"a","aud":["x","y"]}"#.utf8)
        let token = try JSONWebToken.signRS256(claimsJSON: claims, key: key)
        let parts = token.split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        #expect(Base64URL.decode(parts[1]) == claims)
    }

    @Test("control characters in claims are escaped")
    func controlCharacters() throws {
        let fixtures = try KeyFixtures.load()
        let key = try RSAPrivateKey(pem: fixtures.pkcs8PEM)
        let token = try JSONWebToken.signRS256(issuer: "a\nb\u{01}\t", subject: "😀", expiresAt: -1, key: key)
        let parts = token.split(separator: ".").map(String.init)
        let claimsText = String(decoding: try #require(Base64URL.decode(parts[1])), as: UTF8.self)
        #expect(claimsText == #"{"iss":"a\nb\u0001\t","sub":"😀","exp":-1}"#)
    }
}

@Suite("Base64URL")
struct Base64URLTests {
    /// RFC 4648, section 10, with padding removed.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 vectors")
    func rfcVectors() {
        for (input, expected) in Self.vectors {
            #expect(Base64URL.encode(Array(input.utf8)) == expected)
            #expect(Base64URL.decode(expected) == Array(input.utf8))
        }
    }

    @Test("URL-safe alphabet")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.encode([0xFB, 0xEF, 0xBE]) == "----")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
    }

    @Test("all byte values round-trip")
    func roundTrip() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count {
            let prefix = Array(bytes.prefix(length))
            #expect(Base64URL.decode(Base64URL.encode(prefix)) == prefix)
        }
    }

    @Test("invalid text decodes to nil")
    func invalidText() {
        #expect(Base64URL.decode("Zm9v+") == nil)
        #expect(Base64URL.decode("Zm9v/") == nil)
        #expect(Base64URL.decode("Z") == nil)
        #expect(Base64URL.decode("Zm 9v") == nil)
    }
}
