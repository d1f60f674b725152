import Cloudinary
import HTTP
import Testing

struct UnexpectedSuccess: Error {
    var response: UploadResponse
}

@Suite("CloudinaryResponse")
struct CloudinaryResponseTests {
    static let completeJSON = """
    {"asset_id":"3515c6000a548515f1134043f9785c2f","public_id":"workfront/report","version":1700000000,
     "version_id":"7d2cc533bee9ff39f7da7414b61fce7e","signature":"d0b1009e3271a942836c25756ce3e04d205bf754",
     "width":0,"height":0,"format":"pdf","resource_type":"image","created_at":"2026-12-04T12:00:00Z",
     "tags":["one","two"],"pages":3,"bytes":5368709120,"type":"upload","etag":"9e107d9d372bb6826bd81d3542a419d6",
     "placeholder":false,"url":"http://res.cloudinary.com/demo/image/upload/v1700000000/workfront/report.pdf",
     "secure_url":"https://res.cloudinary.com/demo/image/upload/v1700000000/workfront/report.pdf",
     "asset_folder":"workfront","display_name":"report","original_filename":"report","api_key":"123"}
    """

    static func parse(_ status: Int, _ contentType: String?, _ body: String) -> Result<UploadResponse, CloudinaryError> {
        CloudinaryResponse.parseUpload(status: status, contentType: contentType, body: Array(body.utf8))
    }

    static func error(_ status: Int, _ contentType: String?, _ body: String) throws -> CloudinaryError {
        switch parse(status, contentType, body) {
        case .success(let response):
            throw UnexpectedSuccess(response: response)

        case .failure(let error):
            return error
        }
    }

    @Test("complete upload result")
    func completeResult() throws {
        let response = try Self.parse(200, "application/json", Self.completeJSON).get()
        let expected = UploadResult(
            publicID: "workfront/report",
            version: 1_700_000_000,
            versionID: "7d2cc533bee9ff39f7da7414b61fce7e",
            secureURL: "https://res.cloudinary.com/demo/image/upload/v1700000000/workfront/report.pdf",
            url: "http://res.cloudinary.com/demo/image/upload/v1700000000/workfront/report.pdf",
            bytes: 5_368_709_120,
            etag: "9e107d9d372bb6826bd81d3542a419d6",
            resourceType: "image",
            format: "pdf",
            assetID: "3515c6000a548515f1134043f9785c2f",
            existing: false
        )
        #expect(response == .complete(expected))
    }

    @Test("minimal result and existing asset")
    func minimalResult() throws {
        let body = #"{"public_id":"x","version":1,"secure_url":"https://r/x","bytes":0,"resource_type":"raw","existing":true,"done":true}"#
        let response = try Self.parse(200, "application/json; charset=utf-8", body).get()
        #expect(response == .complete(UploadResult(publicID: "x", version: 1, secureURL: "https://r/x", bytes: 0, resourceType: "raw", existing: true)))
    }

    @Test("non-final chunk progress")
    func chunkProgress() throws {
        let response = try Self.parse(200, "application/json", #"{"done":false,"bytes":20000000,"public_id":"x"}"#).get()
        #expect(response == .chunkAccepted(bytes: 20_000_000))
    }

    @Test("invalid signature is credentialsRejected")
    func invalidSignature() throws {
        let body = #"{"error":{"message":"Invalid Signature 0123abc. String to sign - 'public_id=x&timestamp=1700000000'."}}"#
        let error = try Self.error(401, "application/json", body)
        #expect(error.kind == "credentialsRejected")
        #expect(error.httpStatus == 401)
        #expect(!error.isTransient)
        #expect(error.message == "Cloudinary returned HTTP 401: Invalid Signature 0123abc. String to sign - 'public_id=x&timestamp=1700000000'.")
    }

    @Test("unknown API key is credentialsRejected")
    func unknownAPIKey() throws {
        let error = try Self.error(401, "application/json", #"{"error":{"message":"Unknown API key 123"}}"#)
        #expect(error.kind == "credentialsRejected")
    }

    @Test("stale request is clockSkew")
    func staleRequest() throws {
        let body = #"{"error":{"message":"Stale request - reported time is 2026-12-04 10:00:00 +0000 which is more than 1 hour ago"}}"#
        let error = try Self.error(401, "application/json", body)
        #expect(error.kind == "clockSkew")
        #expect(!error.isTransient)
        #expect(error.message.contains("Stale request - reported time"))
    }

    /// Status, body, expected kind and whether it is transient.
    static let statusCases: [(Int, String, String, Bool)] = [
        (400, #"{"error":{"message":"Invalid image file"}}"#, "invalidFile", false),
        (403, #"{"error":{"message":"Forbidden"}}"#, "forbidden", false),
        (404, #"{"error":{"message":"Resource not found"}}"#, "notFound", false),
        (408, "", "timedOut", true),
        (409, #"{"error":{"message":"Already in progress"}}"#, "conflict", false),
        (420, #"{"error":{"message":"Rate Limit Exceeded"}}"#, "rateLimited", true),
        (429, "Too Many Requests", "rateLimited", true),
        (413, "", "rejected", false),
        (500, #"{"error":{"message":"General Error"}}"#, "server", true),
        (503, "<html><body>Service Unavailable</body></html>", "server", true),
        (302, "", "unexpectedResponse", false),
    ]

    @Test("statuses map to kinds", arguments: statusCases.indices)
    func statusKinds(index: Int) throws {
        let (status, body, kind, isTransient) = Self.statusCases[index]
        let error = try Self.error(status, nil, body)
        #expect(error.kind == kind)
        #expect(error.isTransient == isTransient)
        #expect(error.httpStatus == status)
    }

    @Test("HTML page under 200 is unexpectedResponse")
    func htmlUnder200() throws {
        let html = "<!DOCTYPE html>\n<html>\n\t<head><title>Sign in</title></head>\r\n<body>\u{7}" + String(repeating: "x", count: 300) + "</body></html>"
        let error = try Self.error(200, "text/html", html)
        #expect(error.kind == "unexpectedResponse")
        // A proxy's page or a cut connection may pass on the next try.
        #expect(error.isTransient)
        let prefix = "unexpected response (HTTP 200, content-type text/html) (not JSON): "
        #expect(error.message.hasPrefix(prefix), "\(error.message)")
        let excerpt = error.message.dropFirst(prefix.count)
        // The BEL control character becomes a space, like the line ends.
        #expect(excerpt.hasPrefix("<!DOCTYPE html> <html> <head><title>Sign in</title></head> <body> xxx"))
        #expect(excerpt.count == 203, "200 characters and '...'")
        #expect(excerpt.hasSuffix("..."))
    }

    @Test("HTML error page keeps status and content type")
    func htmlError() throws {
        let error = try Self.error(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>")
        #expect(error.kind == "server")
        #expect(error.message == "unexpected response (HTTP 502, content-type text/html): <html><body><h1>502 Bad Gateway</h1></body></html>")
    }

    @Test("empty body without content type")
    func emptyBody() throws {
        let error = try Self.error(504, nil, "")
        #expect(error.message == "unexpected response (HTTP 504, content-type none): (empty body)")
        #expect(error.isTransient)
    }

    @Test("error envelope under 200")
    func errorUnder200() throws {
        let error = try Self.error(200, "application/json", #"{"error":{"message":"Upload preset not found"}}"#)
        #expect(error.kind == "unexpectedResponse")
        #expect(error.message == "Cloudinary returned HTTP 200: Upload preset not found")
    }

    @Test("error as plain string")
    func errorAsString() throws {
        let error = try Self.error(400, "application/json", #"{"error":"Missing required parameter - file"}"#)
        #expect(error.kind == "invalidFile")
        #expect(error.message == "Cloudinary returned HTTP 400: Missing required parameter - file")
    }

    @Test("JSON without required fields")
    func missingField() throws {
        let error = try Self.error(200, "application/json", #"{"version":1}"#)
        #expect(error.kind == "unexpectedResponse")
        #expect(error.message.contains("(missing field 'public_id')"), "\(error.message)")

        let wrongType = try Self.error(200, "application/json", #"{"public_id":"x","version":"one","secure_url":"s","bytes":1,"resource_type":"raw"}"#)
        #expect(wrongType.message.contains("wrong type or null for field 'version'"), "\(wrongType.message)")
    }

    @Test("invalid UTF-8 and control characters are cleaned")
    func invalidBytes() {
        let body: [UInt8] = [0xFF, 0xFE, 0x41, 0x00, 0x1B, 0x42, 0x0A, 0x0A, 0x43]
        guard case .failure(let error) = CloudinaryResponse.parseUpload(status: 500, contentType: "application/octet-stream", body: body) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.message == "unexpected response (HTTP 500, content-type application/octet-stream): \u{FFFD}\u{FFFD}A B C")
    }

    @Test("error envelope decodes alone")
    func responseError() {
        #expect(CloudinaryResponseError.decode(from: Array(#"{"error":{"message":"m"}}"#.utf8)) == CloudinaryResponseError(message: "m"))
        #expect(CloudinaryResponseError.decode(from: Array("<html>".utf8)) == nil)
        #expect(CloudinaryResponseError.decode(from: Array(#"{"public_id":"x"}"#.utf8)) == nil)
    }

    @Test("transport failure keeps the HTTP error")
    func transportFailure() {
        let httpError = HTTPError(kind: "timeout", curlCode: 28, method: "POST", url: "https://api.cloudinary.com/v1_1/demo/raw/upload", detail: "timed out")
        let error = CloudinaryError(transport: httpError)
        #expect(error.kind == "transport")
        #expect(error.httpStatus == nil)
        #expect(error.isTransient)
        #expect(error.transportError?.kind == "timeout")
        #expect(error.message == httpError.description)
    }
}
