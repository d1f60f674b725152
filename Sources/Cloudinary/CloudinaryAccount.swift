import Crypto

/// The credentials and endpoint of one Cloudinary product environment.
///
/// `description`, `debugDescription` and the reflection that `dump` uses all
/// show the API secret as `<redacted>`.
public struct CloudinaryAccount: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The default endpoint of the Upload API.
    public static let defaultUploadPrefix = "https://api.cloudinary.com"

    /// The product environment's name, the path segment after `/v1_1/`.
    public let cloudName: String
    /// The API key, sent with every signed request. It is not secret.
    public let apiKey: String
    /// The secret that signs requests. Never log it.
    public let apiSecret: String
    /// The scheme, host and optional path prefix of the Upload API, without
    /// a trailing slash, such as `https://api.cloudinary.com`.
    public let uploadPrefix: String
    /// The hash that request signatures use: SHA-1 unless the account
    /// requires SHA-256.
    public let signatureAlgorithm: DigestAlgorithm
    /// Query parameters of the `CLOUDINARY_URL` that this type does not use,
    /// such as `secure=true`. Their values may be sensitive, so
    /// `description` lists only their names.
    public let otherSettings: [String: String]

    /// Creates an account from its parts and checks them like
    /// ``init(url:)`` does.
    /// - Throws: `CloudinaryURLError` naming the part that is missing or
    ///   invalid.
    public init(
        cloudName: String,
        apiKey: String,
        apiSecret: String,
        uploadPrefix: String = CloudinaryAccount.defaultUploadPrefix,
        signatureAlgorithm: DigestAlgorithm = .sha1,
        otherSettings: [String: String] = [:]
    ) throws(CloudinaryURLError) {
        guard !apiKey.isEmpty else {
            throw CloudinaryURLError("missingAPIKey", "the API key is missing (expected form cloudinary://API_KEY:API_SECRET@CLOUD_NAME)")
        }
        guard !apiSecret.isEmpty else {
            throw CloudinaryURLError("missingAPISecret", "the API secret is missing (expected form cloudinary://API_KEY:API_SECRET@CLOUD_NAME)")
        }
        try CloudinaryURLParser.checkCloudName(cloudName)
        switch signatureAlgorithm {
        case .sha1, .sha256:
            break

        case .md5:
            throw CloudinaryURLError("invalidSignatureAlgorithm", "Cloudinary signatures use SHA-1 or SHA-256, not MD5")
        }

        self.cloudName = cloudName
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.uploadPrefix = try UploadPrefix.normalize(uploadPrefix)
        self.signatureAlgorithm = signatureAlgorithm
        self.otherSettings = otherSettings
    }

    /// Parses `cloudinary://API_KEY:API_SECRET@CLOUD_NAME`, optionally
    /// followed by `?upload_prefix=URL` and `signature_algorithm=sha1|sha256`
    /// query parameters, the `CLOUDINARY_URL` form of Cloudinary's SDKs.
    ///
    /// The key and secret may be percent-encoded. The upload prefix must use
    /// https, except that plain http is accepted for a loopback host
    /// (127.0.0.0/8, ::1 or `localhost`), such as a local test server.
    /// - Throws: `CloudinaryURLError` naming the part that is missing or
    ///   invalid, without the secret or the URL.
    public init(url: String) throws(CloudinaryURLError) {
        let parts = try CloudinaryURLParser.parse(url)
        var settings = parts.query

        let uploadPrefix = settings.removeValue(forKey: "upload_prefix") ?? Self.defaultUploadPrefix
        var algorithm = DigestAlgorithm.sha1
        if let name = settings.removeValue(forKey: "signature_algorithm") {
            algorithm = try Self.signatureAlgorithm(named: name)
        }

        try self.init(
            cloudName: parts.cloudName,
            apiKey: parts.apiKey,
            apiSecret: parts.apiSecret,
            uploadPrefix: uploadPrefix,
            signatureAlgorithm: algorithm,
            otherSettings: settings
        )
    }

    /// Returns the Upload API endpoint for one resource type (`image`,
    /// `video`, `raw` or `auto`).
    public func uploadURL(resourceType: String) -> String {
        "\(uploadPrefix)/v1_1/\(cloudName)/\(resourceType)/upload"
    }

    /// The URL form with the secret replaced by `<redacted>`, the upload
    /// prefix, the signature algorithm and the names of other settings.
    public var description: String {
        var text = "cloudinary://\(apiKey):<redacted>@\(cloudName) (upload prefix \(uploadPrefix), \(signatureAlgorithm) signatures"
        if !otherSettings.isEmpty {
            text += ", other settings: \(otherSettings.keys.sorted().joined(separator: ", "))"
        }
        return text + ")"
    }

    /// The same text as ``description``, marked with the type name.
    public var debugDescription: String {
        "CloudinaryAccount(\(description))"
    }

    /// A mirror whose `apiSecret` child is `<redacted>` and whose
    /// `otherSettings` child lists only names.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "cloudName": cloudName,
            "apiKey": apiKey,
            "apiSecret": "<redacted>",
            "uploadPrefix": uploadPrefix,
            "signatureAlgorithm": signatureAlgorithm,
            "otherSettings": otherSettings.keys.sorted(),
        ])
    }

    private static func signatureAlgorithm(named name: String) throws(CloudinaryURLError) -> DigestAlgorithm {
        switch name.lowercased() {
        case "sha1":
            return .sha1

        case "sha256":
            return .sha256

        default:
            let displayedName = name.count <= 16 ? "'\(name)'" : "of \(name.count) characters"
            throw CloudinaryURLError("invalidSignatureAlgorithm", "signature_algorithm \(displayedName) is not supported, so use sha1 or sha256")
        }
    }
}
