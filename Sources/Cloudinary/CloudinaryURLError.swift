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
    /// What is wrong and how to fix it, in a sentence.
    public var message: String

    init(_ kind: String, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String {
        "invalid Cloudinary account settings: \(message)"
    }
}
