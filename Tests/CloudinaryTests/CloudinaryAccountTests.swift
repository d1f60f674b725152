import Cloudinary
import Crypto
import Testing

@Suite("CloudinaryAccount")
struct CloudinaryAccountTests {
    static let secret = "Sup3rS3cretValue"

    @Test("parses key, secret and cloud name")
    func basicURL() throws {
        let account = try CloudinaryAccount(url: "cloudinary://123456789012345:\(Self.secret)@demo-cloud")
        #expect(account.apiKey == "123456789012345")
        #expect(account.apiSecret == Self.secret)
        #expect(account.cloudName == "demo-cloud")
        #expect(account.uploadPrefix == "https://api.cloudinary.com")
        #expect(account.signatureAlgorithm == .sha1)
        #expect(account.otherSettings.isEmpty)
        #expect(account.uploadURL(resourceType: "raw") == "https://api.cloudinary.com/v1_1/demo-cloud/raw/upload")
    }

    @Test("decodes percent-encoded key and secret")
    func percentEncoding() throws {
        let account = try CloudinaryAccount(url: "cloudinary://k%40y:s%3Ae%2Fc%3Fr%23e%25t%C3%A9@cloud/")
        #expect(account.apiKey == "k@y")
        #expect(account.apiSecret == "s:e/c?r#e%té")
        #expect(account.cloudName == "cloud")
    }

    @Test("raw '@' and '/' in the secret")
    func rawCharactersInSecret() throws {
        let account = try CloudinaryAccount(url: "  cloudinary://key:se@c/ret@cloud\n")
        #expect(account.apiSecret == "se@c/ret")
        #expect(account.cloudName == "cloud")
    }

    @Test("signature_algorithm selects SHA-256")
    func signatureAlgorithm() throws {
        let sha256 = try CloudinaryAccount(url: "cloudinary://key:secret@cloud?signature_algorithm=sha256")
        #expect(sha256.signatureAlgorithm == .sha256)
        let upper = try CloudinaryAccount(url: "cloudinary://key:secret@cloud?signature_algorithm=SHA256")
        #expect(upper.signatureAlgorithm == .sha256)
        let sha1 = try CloudinaryAccount(url: "cloudinary://key:secret@cloud?signature_algorithm=sha1")
        #expect(sha1.signatureAlgorithm == .sha1)
    }

    @Test("upload_prefix and other settings")
    func querySettings() throws {
        let account = try CloudinaryAccount(url: "cloudinary://key:secret@cloud?upload_prefix=https%3A%2F%2Fapi-eu.cloudinary.com%2F&secure=true&cname=media.example.com&signature_algorithm=sha256")
        #expect(account.uploadPrefix == "https://api-eu.cloudinary.com")
        #expect(account.signatureAlgorithm == .sha256)
        #expect(account.otherSettings == ["secure": "true", "cname": "media.example.com"])
        #expect(account.uploadURL(resourceType: "auto") == "https://api-eu.cloudinary.com/v1_1/cloud/auto/upload")
    }

    /// Prefixes accepted as given, with the normalized form expected.
    static let acceptedPrefixes: [(String, String)] = [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.5.6.7", "http://127.5.6.7"),
        ("http://localhost:1234/", "http://localhost:1234"),
        ("HTTP://LOCALHOST", "http://LOCALHOST"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("http://[0:0:0:0:0:0:0:1]", "http://[0:0:0:0:0:0:0:1]"),
        ("http://[::ffff:127.0.0.1]:80", "http://[::ffff:127.0.0.1]:80"),
        ("https://api.cloudinary.com", "https://api.cloudinary.com"),
        ("https://proxy.example.com:8443/cloudinary//", "https://proxy.example.com:8443/cloudinary"),
        ("https://[2001:db8::1]", "https://[2001:db8::1]"),
    ]

    @Test("accepted upload prefixes", arguments: acceptedPrefixes.indices)
    func acceptedPrefix(index: Int) throws {
        let (prefix, normalized) = Self.acceptedPrefixes[index]
        let account = try CloudinaryAccount(cloudName: "cloud", apiKey: "key", apiSecret: "secret", uploadPrefix: prefix)
        #expect(account.uploadPrefix == normalized)
    }

    /// Prefixes rejected, with a phrase the message must contain.
    static let rejectedPrefixes: [(String, String)] = [
        ("http://api.cloudinary.com", "plain http for host 'api.cloudinary.com'"),
        ("http://127.0.0.1.example.com", "plain http for host '127.0.0.1.example.com'"),
        ("http://128.0.0.1", "plain http"),
        ("http://127.1", "plain http"),
        ("http://[2001:db8::1]", "plain http"),
        ("http://[::2]", "plain http"),
        ("ftp://127.0.0.1", "must be an https:// URL"),
        ("api.cloudinary.com", "must be an https:// URL"),
        ("https://user:pw@api.cloudinary.com", "user credentials"),
        ("https://api.cloudinary.com?x=1", "query or fragment"),
        ("https://", "missing or invalid host"),
        ("https://bad host", "missing or invalid host"),
        ("https://api.cloudinary.com:0", "invalid port"),
        ("https://api.cloudinary.com:99999", "invalid port"),
        ("https://api.cloudinary.com:+80", "invalid port"),
        ("http://[::1", "closing ']'"),
        ("http://[::1]x", "text after its IPv6 address"),
        ("http://[not-v6]", "invalid IPv6 address"),
    ]

    @Test("rejected upload prefixes", arguments: rejectedPrefixes.indices)
    func rejectedPrefix(index: Int) {
        let (prefix, phrase) = Self.rejectedPrefixes[index]
        #expect {
            _ = try CloudinaryAccount(cloudName: "cloud", apiKey: "key", apiSecret: Self.secret, uploadPrefix: prefix)
        } throws: { error in
            guard let error = error as? CloudinaryURLError else {
                return false
            }
            return error.kind == "invalidUploadPrefix" && error.description.contains(phrase)
        }
    }

    /// Invalid URLs, the expected kind, and a phrase the message must contain.
    static let invalidURLs: [(String, String, String)] = [
        ("https://key:\(secret)@cloud", "wrongScheme", "must start with cloudinary://, not https://"),
        ("key:\(secret)@cloud", "wrongScheme", "must start with cloudinary://"),
        ("cloudinary://\(secret)@cloud", "missingAPISecret", "no ':' separates"),
        ("cloudinary://:\(secret)@cloud", "missingAPIKey", "API key is missing"),
        ("cloudinary://key:@cloud", "missingAPISecret", "API secret is missing"),
        ("cloudinary://key:\(secret)@", "missingCloudName", "cloud name is missing"),
        ("cloudinary://key:\(secret)@?upload_prefix=https://x", "missingCloudName", "cloud name is missing"),
        ("cloudinary://cloud", "missingAPIKey", "API key and secret are missing because no 'API_KEY:API_SECRET@' comes before the cloud name"),
        ("cloudinary://123456789012345:\(secret)", "missingCloudName", "cloud name is missing because no '@CLOUD_NAME' follows"),
        ("cloudinary://123456789012345:\(secret)/", "missingCloudName", "cloud name is missing because no '@CLOUD_NAME' follows"),
        ("cloudinary://123456789012345:\(secret)?upload_prefix=https://x", "missingCloudName", "no '@CLOUD_NAME' follows"),
        ("cloudinary://", "missingAPIKey", "API key, API secret and cloud name are all missing"),
        ("cloudinary://@", "missingAPIKey", "API key, API secret and cloud name are all missing"),
        ("cloudinary://@cloud", "missingAPIKey", "API key and secret are missing before '@'"),
        ("cloudinary://:@cloud", "missingAPIKey", "API key and secret are missing on both sides of ':'"),
        ("CLOUDINARY_URL=cloudinary://key:\(secret)@cloud", "wrongScheme", "remove the text 'CLOUDINARY_URL=' before it"),
        ("\"cloudinary://key:\(secret)@cloud\"", "wrongScheme", "remove the text '\"' before it"),
        ("cloudinary://key:\(secret)%zz@cloud", "invalidPercentEncoding", "API secret has an invalid percent-encoding"),
        ("cloudinary://key:\(secret)%C3@cloud", "invalidPercentEncoding", "API secret has an invalid percent-encoding"),
        ("cloudinary://k%4:\(secret)@cloud", "invalidPercentEncoding", "API key has an invalid percent-encoding"),
        ("cloudinary://key:\(secret)@cloud:443", "invalidCloudName", "'cloud:443' is invalid"),
        ("cloudinary://key:\(secret)@..", "invalidCloudName", "is invalid"),
        ("cloudinary://key:\(secret)@cloud?signature_algorithm=md5", "invalidSignatureAlgorithm", "'md5' is not supported"),
        ("cloudinary://key:\(secret)@cloud?upload_prefix=http://example.com", "invalidUploadPrefix", "plain http"),
        ("cloudinary://key:\(secret)@cloud?upload_prefix=%zz", "invalidPercentEncoding", "query parameter"),
    ]

    @Test("invalid URLs name the problem", arguments: invalidURLs.indices)
    func invalidURL(index: Int) {
        let (url, kind, phrase) = Self.invalidURLs[index]
        do {
            let account = try CloudinaryAccount(url: url)
            Issue.record("accepted, cloud name \(account.cloudName)")
        } catch {
            #expect(error.kind == kind)
            #expect(error.description.contains(phrase), "\(error.description)")
        }
    }

    @Test("errors hide secret and URL", arguments: invalidURLs.indices)
    func errorsHideSecret(index: Int) {
        let (url, _, _) = Self.invalidURLs[index]
        do {
            _ = try CloudinaryAccount(url: url)
        } catch {
            #expect(!error.description.contains(Self.secret))
            // A URL without the secret, such as `cloudinary://`, may appear
            // inside the expected form that the messages show.
            if url.contains(Self.secret) {
                #expect(!error.description.contains(url))
            }
        }
    }

    @Test("description and reflection redact the secret")
    func redaction() throws {
        let account = try CloudinaryAccount(url: "cloudinary://key:\(Self.secret)@cloud?cname=\(Self.secret)x&signature_algorithm=sha256")
        #expect(account.description == "cloudinary://key:<redacted>@cloud (upload prefix https://api.cloudinary.com, SHA-256 signatures, other settings: cname)")
        #expect(!String(reflecting: account).contains(Self.secret))
        #expect(!"\(account)".contains(Self.secret))
        var dumped = ""
        dump(account, to: &dumped)
        #expect(!dumped.contains(Self.secret))
        #expect(dumped.contains("<redacted>"))
    }

    @Test("initializer from parts checks them")
    func partsInitializer() {
        #expect(throws: CloudinaryURLError.self) {
            try CloudinaryAccount(cloudName: "", apiKey: "key", apiSecret: "secret")
        }
        #expect(throws: CloudinaryURLError.self) {
            try CloudinaryAccount(cloudName: "cloud", apiKey: "", apiSecret: "secret")
        }
        #expect(throws: CloudinaryURLError.self) {
            try CloudinaryAccount(cloudName: "cloud", apiKey: "key", apiSecret: "")
        }
        #expect(throws: CloudinaryURLError.self) {
            try CloudinaryAccount(cloudName: "cloud/x", apiKey: "key", apiSecret: "secret")
        }
        #expect(throws: CloudinaryURLError.self) {
            try CloudinaryAccount(cloudName: "cloud", apiKey: "key", apiSecret: "secret", signatureAlgorithm: .md5)
        }
    }
}
