/// A `CLOUDINARY_URL` or account setting that cannot be used.
///
/// The message names the part that is wrong. It never contains the API
/// secret and never repeats the whole URL, which carries the secret.
public struct CloudinaryURLError: Error, CustomStringConvertible, Sendable {
    /// A short fixed label for log fields: `wrongScheme`, `missingAPIKey`,
    /// `missingAPISecret`, `missingCloudName`, `invalidCloudName`,
    /// `invalidPercentEncoding`, `invalidUploadPrefix`,
    /// `invalidSignatureAlgorithm` or `invalidURL`.
    public var kind: String
    /// A sentence that names the wrong part and how to fix it.
    public var message: String

    init(_ kind: String, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, prefixed with `invalid Cloudinary account settings`.
    public var description: String {
        "invalid Cloudinary account settings: \(message)"
    }
}
