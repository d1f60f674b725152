/// The framing of a `multipart/form-data` body (RFC 7578) with text fields
/// followed by one file part, so the file bytes can be streamed between
/// ``preamble`` and ``epilogue`` without being held in memory.
///
/// Field names and the file name are quoted as the HTML standard's form
/// encoding quotes them, and as urllib3 2.x does for Cloudinary's Python SDK.
/// `"` becomes `%22`, CR `%0D` and LF `%0A`. Every other character,
/// backslashes included, is sent as raw UTF-8. Text values are sent as raw
/// UTF-8 without a `Content-Type` header, as browsers send them.
///
/// NOTE: A server that reads these parameters as RFC 7230 quoted strings
/// takes a backslash as an escape, so it would read the file name `a\` sent
/// as `"a\"` as unterminated. Which rule Cloudinary's server follows is not
/// known.
public struct MultipartForm: Sendable {
    /// The boundary between parts: `wf2cloudinary-` and 32 random letters
    /// and digits. It occurs in no field name, value or file name.
    ///
    /// - Note: The file's bytes are not checked. With about 190 random bits,
    ///   a file that contains the boundary by chance is not a practical risk.
    public let boundary: String
    /// The value of the request's `Content-Type` header.
    public let contentTypeHeader: String
    /// Every text part, then the file part's headers, ending where the file
    /// bytes begin.
    public let preamble: [UInt8]
    /// CRLF, the closing boundary and CRLF, sent after the file bytes.
    public let epilogue: [UInt8]

    /// Builds the framing for text fields, in order, and one file part.
    /// - Parameters:
    ///   - fields: Names and values of the text parts, sent in this order.
    ///   - fileFieldName: The name of the file part, which Cloudinary expects
    ///     to be `file`.
    ///   - fileName: The `filename` parameter of the file part.
    ///   - contentType: The file part's media type. A value with control or
    ///     non-ASCII characters, which could break the header, is replaced
    ///     by `application/octet-stream`.
    public init(fields: [(name: String, value: String)], fileFieldName: String = "file", fileName: String, contentType: String) {
        let texts = fields.flatMap { [$0.name, $0.value] } + [fileFieldName, fileName]
        var boundary = Self.randomBoundary()
        // Bytes, not characters, are compared: a combining mark after the
        // boundary would hide it from a character search.
        while texts.contains(where: { $0.utf8.firstRange(of: Array(boundary.utf8)) != nil }) {
            boundary = Self.randomBoundary()
        }
        self.init(fields: fields, fileFieldName: fileFieldName, fileName: fileName, contentType: contentType, boundary: boundary)
    }

    /// Builds the framing with a given boundary, which the caller makes sure
    /// occurs in no field and no file.
    init(fields: [(name: String, value: String)], fileFieldName: String, fileName: String, contentType: String, boundary: String) {
        self.boundary = boundary
        contentTypeHeader = "multipart/form-data; boundary=\(boundary)"

        var preamble: [UInt8] = []
        for field in fields {
            preamble += Array("--\(boundary)\r\n".utf8)
            preamble += Array("Content-Disposition: form-data; name=\"\(Self.quoted(field.name))\"\r\n\r\n".utf8)
            preamble += Array(field.value.utf8)
            preamble += Array("\r\n".utf8)
        }
        preamble += Array("--\(boundary)\r\n".utf8)
        preamble += Array("Content-Disposition: form-data; name=\"\(Self.quoted(fileFieldName))\"; filename=\"\(Self.quoted(fileName))\"\r\n".utf8)
        preamble += Array("Content-Type: \(Self.safeContentType(contentType))\r\n\r\n".utf8)
        self.preamble = preamble

        epilogue = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// Returns the length of the whole body for a file of `fileSize` bytes.
    public func contentLength(fileSize: Int64) -> Int64 {
        Int64(preamble.count) + fileSize + Int64(epilogue.count)
    }

    /// Escapes a name for a quoted `Content-Disposition` parameter.
    static func quoted(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"":
                output += "%22"

            case "\r":
                output += "%0D"

            case "\n":
                output += "%0A"

            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private static func safeContentType(_ contentType: String) -> String {
        let isSafe = !contentType.isEmpty && contentType.utf8.allSatisfy { (0x20..<0x7F).contains($0) }
        return isSafe ? contentType : "application/octet-stream"
    }

    private static func randomBoundary() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = (0..<32).map { _ in alphabet.randomElement(using: &generator)! }
        return "wf2cloudinary-" + String(suffix)
    }
}
