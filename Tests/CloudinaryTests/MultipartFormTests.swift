import Cloudinary
import Foundation
import Testing

@Suite("MultipartForm")
struct MultipartFormTests {
    static let fields: [(name: String, value: String)] = [
        (name: "public_id", value: "Workfront/書類 & 報告 😀"),
        (name: "context", value: #"caption=a\=b\|c|alt=x"#),
        (name: "tags", value: "one,two,three"),
        (name: "empty", value: ""),
        (name: "multiline", value: "line 1\r\nline 2\n--not a boundary\r\n"),
        (name: "timestamp", value: "1700000000"),
    ]
    static let fileName = "a\"b\\c\r\nd/e 😀.pdf"
    static let fileBytes: [UInt8] = Array("%PDF-1.7\r\n--\r\n\u{0}\u{FF}binary".utf8)

    static func body(of form: MultipartForm) -> [UInt8] {
        form.preamble + fileBytes + form.epilogue
    }

    @Test("fields and file round-trip")
    func roundTrip() throws {
        let form = MultipartForm(fields: Self.fields, fileFieldName: "file", fileName: Self.fileName, contentType: "application/pdf")
        let parts = try MultipartParser.parse(Self.body(of: form), boundary: form.boundary)

        try #require(parts.count == Self.fields.count + 1)
        for (part, field) in zip(parts, Self.fields) {
            #expect(part.name == field.name)
            #expect(part.fileName == nil)
            #expect(part.headers.count == 1, "text parts carry only Content-Disposition")
            #expect(part.body == Array(field.value.utf8), "value of \(field.name)")
        }

        let file = parts[parts.count - 1]
        #expect(file.name == "file")
        #expect(file.fileName == "a%22b\\c%0D%0Ad/e 😀.pdf")
        #expect(file.headers.contains("Content-Type: application/pdf"))
        #expect(file.body == Self.fileBytes)
    }

    @Test("content length matches the body")
    func contentLength() {
        let form = MultipartForm(fields: Self.fields, fileName: Self.fileName, contentType: "application/pdf")
        #expect(form.contentLength(fileSize: Int64(Self.fileBytes.count)) == Int64(Self.body(of: form).count))
        #expect(form.contentLength(fileSize: 5_000_000_000) == Int64(form.preamble.count + form.epilogue.count) + 5_000_000_000)
    }

    @Test("framing bytes")
    func framing() {
        let form = MultipartForm(fields: [(name: "a", value: "1")], fileName: "f.txt", contentType: "text/plain")
        let boundary = form.boundary
        #expect(form.contentTypeHeader == "multipart/form-data; boundary=\(boundary)")
        let expectedPreamble = "--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        #expect(String(decoding: form.preamble, as: UTF8.self) == expectedPreamble)
        #expect(String(decoding: form.epilogue, as: UTF8.self) == "\r\n--\(boundary)--\r\n")
    }

    @Test("boundary is random and well formed")
    func boundary() {
        let first = MultipartForm(fields: [], fileName: "f", contentType: "text/plain")
        let second = MultipartForm(fields: [], fileName: "f", contentType: "text/plain")
        #expect(first.boundary != second.boundary)
        #expect(first.boundary.hasPrefix("wf2cloudinary-"))
        #expect(first.boundary.utf8.count == 46)
        #expect(first.boundary.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    }

    @Test("unsafe content type becomes octet-stream")
    func unsafeContentType() {
        for contentType in ["text/plain\r\nX-Injected: 1", "", "tëxt/plain"] {
            let form = MultipartForm(fields: [], fileName: "f", contentType: contentType)
            let preamble = String(decoding: form.preamble, as: UTF8.self)
            #expect(preamble.hasSuffix("Content-Type: application/octet-stream\r\n\r\n"), "\(contentType.debugDescription)")
        }
    }

    @Test("field names are escaped like file names")
    func fieldNameEscaping() throws {
        let form = MultipartForm(fields: [(name: "we\"ird\nname", value: "v")], fileName: "f", contentType: "text/plain")
        let parts = try MultipartParser.parse(form.preamble + form.epilogue, boundary: form.boundary)
        #expect(parts.first?.name == "we%22ird%0Aname")
    }

    @Test("Python's email parser reads the body")
    func pythonEmailParser() throws {
        let form = MultipartForm(fields: Self.fields, fileName: "report 😀.pdf", contentType: "application/pdf")
        let parts = try PythonMultipart.parse(body: Self.body(of: form), contentType: form.contentTypeHeader)

        try #require(parts.count == Self.fields.count + 1)
        for (part, field) in zip(parts, Self.fields) {
            #expect(part.name == field.name)
            #expect(part.payload == Array(field.value.utf8), "value of \(field.name)")
        }
        #expect(parts.last?.name == "file")
        #expect(parts.last?.fileName == "report 😀.pdf")
        #expect(parts.last?.payload == Self.fileBytes)
    }
}

/// One part of a parsed multipart body.
struct ParsedPart {
    var headers: [String]
    var name: String?
    var fileName: String?
    var body: [UInt8]
}

struct MultipartParseError: Error, CustomStringConvertible {
    var description: String
}

/// A strict parser for the bodies `MultipartForm` frames: CRLF line ends,
/// a delimiter of CRLF `--boundary`, and quoted parameters whose value ends
/// at the next `"`, which the form always escapes.
enum MultipartParser {
    static func parse(_ body: [UInt8], boundary: String) throws -> [ParsedPart] {
        let opening = Array("--\(boundary)\r\n".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        guard body.starts(with: opening) else {
            throw MultipartParseError(description: "body does not start with the boundary")
        }
        // Prefixing CRLF makes the first delimiter look like every other.
        let bytes = Array("\r\n".utf8) + body
        var parts: [ParsedPart] = []
        var position = 0
        while true {
            guard let start = bytes[position...].firstRange(of: delimiter) else {
                throw MultipartParseError(description: "missing closing boundary")
            }
            let afterDelimiter = start.upperBound
            if bytes[afterDelimiter...].starts(with: Array("--\r\n".utf8)) {
                guard afterDelimiter + 4 == bytes.count else {
                    throw MultipartParseError(description: "bytes after the closing boundary")
                }
                return parts
            }
            guard bytes[afterDelimiter...].starts(with: Array("\r\n".utf8)) else {
                throw MultipartParseError(description: "boundary not followed by CRLF")
            }
            let partStart = afterDelimiter + 2
            guard let end = bytes[partStart...].firstRange(of: delimiter) else {
                throw MultipartParseError(description: "part without an end")
            }
            parts.append(try parsePart(bytes[partStart..<end.lowerBound]))
            position = end.lowerBound
        }
    }

    private static func parsePart(_ part: ArraySlice<UInt8>) throws -> ParsedPart {
        guard let headerEnd = part.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw MultipartParseError(description: "part without a blank line after its headers")
        }
        let headerText = String(decoding: part[part.startIndex..<headerEnd.lowerBound], as: UTF8.self)
        // Split on the two bytes CR LF, since Swift treats "\r\n" as one Character.
        let headers = headerText.components(separatedBy: "\r\n")
        guard let disposition = headers.first(where: { $0.hasPrefix("Content-Disposition: form-data;") }) else {
            throw MultipartParseError(description: "part without Content-Disposition")
        }
        return ParsedPart(
            headers: headers,
            name: parameter("name", in: disposition),
            fileName: parameter("filename", in: disposition),
            body: Array(part[headerEnd.upperBound...])
        )
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        guard let start = header.range(of: "; \(name)=\"") else {
            return nil
        }
        let rest = header[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else {
            return nil
        }
        return String(rest[..<end])
    }
}

/// Parses a body with Python's `email` package, an independent MIME parser.
enum PythonMultipart {
    struct Part: Decodable {
        var name: String?
        var fileName: String?
        var payloadBase64: String

        var payload: [UInt8] {
            Array(Data(base64Encoded: payloadBase64) ?? Data())
        }
    }

    static let script = """
    import base64, json, sys
    from email import policy
    from email.parser import BytesParser
    content_type, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        body = f.read()
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\\r\\n\\r\\n" + body)
    if message.defects:
        sys.exit("defects: %r" % message.defects)
    parts = []
    for part in message.iter_parts():
        parts.append({
            "name": part.get_param("name", header="content-disposition"),
            "fileName": part.get_filename(),
            "payloadBase64": base64.b64encode(part.get_payload(decode=True)).decode(),
        })
    print(json.dumps(parts))
    """

    static func parse(body: [UInt8], contentType: String) throws -> [Part] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wf2cloudinary-multipart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bodyURL = directory.appendingPathComponent("body")
        try Data(body).write(to: bodyURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, contentType, bodyURL.path]
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MultipartParseError(description: "python3 failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return try JSONDecoder().decode([Part].self, from: outputData)
    }
}
