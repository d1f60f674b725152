import Crypto
import Foundation
import Testing

@Suite("RSAPrivateKey")
struct RSAPrivateKeyTests {
    @Test("PKCS#8 signature verifies with openssl")
    func pkcs8SignatureVerifies() throws {
        let fixtures = try KeyFixtures.load()
        #expect(fixtures.pkcs8PEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let key = try RSAPrivateKey(pem: fixtures.pkcs8PEM)
        #expect(key.bits == 2048)

        let message = Array("wf2cloudinary signs this".utf8)
        let signature = try key.signSHA256(message)
        #expect(signature.count == 256)
        #expect(try fixtures.verifyWithOpenSSL(message: message, signature: signature).contains("Verified OK"))
        #expect(try fixtures.signWithOpenSSL(message: message) == signature)
    }

    @Test("PKCS#1 signature verifies with openssl")
    func pkcs1SignatureVerifies() throws {
        let fixtures = try KeyFixtures.load()
        #expect(fixtures.pkcs1PEM.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        let key = try RSAPrivateKey(pem: fixtures.pkcs1PEM)

        let message = Array("PKCS#1 form of the same key".utf8)
        let signature = try key.signSHA256(message)
        #expect(try fixtures.verifyWithOpenSSL(message: message, signature: signature).contains("Verified OK"))
    }

    @Test("empty and large messages sign")
    func messageSizes() throws {
        let fixtures = try KeyFixtures.load()
        let key = try RSAPrivateKey(pem: fixtures.pkcs8PEM)
        for message in [[], [UInt8](repeating: 0xA5, count: 3_000_000)] {
            let signature = try key.signSHA256(message)
            #expect(try fixtures.verifyWithOpenSSL(message: message, signature: signature).contains("Verified OK"), "\(message.count) bytes")
        }
    }

    @Test("tampered message fails verification")
    func tamperedMessageFails() throws {
        let fixtures = try KeyFixtures.load()
        let key = try RSAPrivateKey(pem: fixtures.pkcs8PEM)
        let signature = try key.signSHA256(Array("original".utf8))
        let output = try fixtures.verifyWithOpenSSL(message: Array("originaL".utf8), signature: signature)
        #expect(output.contains("Verification failure"))
    }

    @Test("one key signs from many tasks")
    func concurrentSigning() async throws {
        let fixtures = try KeyFixtures.load()
        let key = try RSAPrivateKey(pem: fixtures.pkcs8PEM)
        let message = Array("shared key".utf8)
        let expected = try key.signSHA256(message)
        let signatures = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<16 {
                group.addTask { try key.signSHA256(message) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(signatures.count == 16)
        #expect(signatures.allSatisfy { $0 == expected })
    }
}

@Suite("RSAPrivateKey rejects")
struct RSAPrivateKeyRejectionTests {
    /// Loads `pem`, expects a `CryptoError` of `kind` whose description
    /// contains `phrase`, and checks the description quotes none of the
    /// PEM's base64 lines.
    func expectRejection(_ pem: String, kind: String, phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try RSAPrivateKey(pem: pem)
            Issue.record("the key was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.description.contains(phrase), "\(error.description)", sourceLocation: sourceLocation)
            let bodyLines = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 16 }
            for line in bodyLines {
                #expect(!error.description.contains(line), "the message quotes key material", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("garbage text")
    func garbage() {
        expectRejection("this is not a key\nc2VjcmV0IGJ5dGVzIGhlcmUhIQ==\n", kind: "invalidKey", phrase: "not PEM")
        expectRejection("", kind: "invalidKey", phrase: "not PEM")
    }

    @Test("damaged base64 inside PEM lines")
    func damagedBody() throws {
        let fixtures = try KeyFixtures.load()
        var lines = fixtures.pkcs8PEM.split(separator: "\n").map(String.init)
        lines[3] = String(lines[3].reversed())
        lines.remove(at: 5)
        let damaged = lines.joined(separator: "\n")
        expectRejection(damaged, kind: "invalidKey", phrase: "cannot read the private key")
        do {
            _ = try RSAPrivateKey(pem: damaged)
        } catch {
            #expect(!error.openSSLErrors.isEmpty, "OpenSSL's reason is reported")
        }
    }

    @Test("EC key in PKCS#8 and SEC 1 form")
    func ecKey() throws {
        let pkcs8 = try KeyFixtures.generate(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "out.pem"])
        #expect(pkcs8.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        expectRejection(pkcs8, kind: "unsupportedKey", phrase: "EC key, but RS256 needs a plain RSA key")

        let sec1 = try KeyFixtures.generate(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "out.pem"])
        expectRejection(sec1, kind: "unsupportedKey", phrase: "'EC PRIVATE KEY'")
    }

    @Test("Ed25519 and RSA-PSS keys")
    func otherKeyTypes() throws {
        let ed25519 = try KeyFixtures.generate(["genpkey", "-algorithm", "ED25519", "-out", "out.pem"])
        expectRejection(ed25519, kind: "unsupportedKey", phrase: "ED25519 key")

        let pss = try KeyFixtures.generate(["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "out.pem"])
        expectRejection(pss, kind: "unsupportedKey", phrase: "RSA-PSS key")
    }

    @Test("RSA key under 2048 bits")
    func shortKey() throws {
        let pem = try KeyFixtures.generate(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "out.pem"])
        expectRejection(pem, kind: "unsupportedKey", phrase: "1024 bits")
    }

    @Test("encrypted keys")
    func encryptedKeys() throws {
        let pkcs8 = try KeyFixtures.generate(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-128-cbc", "-pass", "pass:hunter22", "-out", "out.pem"])
        expectRejection(pkcs8, kind: "unsupportedKey", phrase: "encrypted")

        let pkcs1 = try KeyFixtures.generate(["genrsa", "-traditional", "-aes128", "-passout", "pass:hunter22", "-out", "out.pem", "2048"])
        #expect(pkcs1.contains("Proc-Type: 4,ENCRYPTED"))
        expectRejection(pkcs1, kind: "unsupportedKey", phrase: "encrypted")
    }

    @Test("public key")
    func publicKey() throws {
        let fixtures = try KeyFixtures.load()
        let pem = try fixtures.directory.read("pub.pem")
        expectRejection(pem, kind: "invalidKey", phrase: "contains 'PUBLIC KEY' and no private key")
    }

    @Test("EC parameters before the EC key")
    func ecParametersFirst() throws {
        let pem = try KeyFixtures.generate(["ecparam", "-name", "prime256v1", "-genkey", "-out", "out.pem"])
        #expect(pem.hasPrefix("-----BEGIN EC PARAMETERS-----"))
        expectRejection(pem, kind: "unsupportedKey", phrase: "'EC PRIVATE KEY'")
    }
}

@Suite("RSAPrivateKey PEM bundles")
struct RSAPrivateKeyBundleTests {
    @Test("certificate before the key")
    func certificateFirst() throws {
        let fixtures = try KeyFixtures.load()
        try OpenSSLCommand.output(["req", "-new", "-x509", "-key", "pkcs8.pem", "-subj", "/CN=test", "-days", "1", "-out", "cert.pem"], in: fixtures.directory.url)
        let bundle = try fixtures.directory.read("cert.pem") + fixtures.pkcs1PEM
        #expect(bundle.hasPrefix("-----BEGIN CERTIFICATE-----"))

        let key = try RSAPrivateKey(pem: bundle)
        let message = Array("bundle".utf8)
        let signature = try key.signSHA256(message)
        #expect(try fixtures.verifyWithOpenSSL(message: message, signature: signature).contains("Verified OK"))
    }
}
