import Crypto
import Foundation
import HTTP

/// One part of a chunked upload: `Content-Range: bytes first-last/total`,
/// where `total` is nil (sent as -1) until the last chunk when the size is
/// not known in advance.
public struct ChunkRange: Sendable, Equatable {
    public var uploadID: String
    public var first: Int64
    public var last: Int64
    public var total: Int64?

    public init(uploadID: String, first: Int64, last: Int64, total: Int64?) {
        self.uploadID = uploadID
        self.first = first
        self.last = last
        self.total = total
    }

    public var contentRange: String { "bytes \(first)-\(last)/\(total.map(String.init) ?? "-1")" }
}

/// Sends signed uploads to Cloudinary's Upload API, streaming the file part.
public final class CloudinaryUploader: Sendable {
    public let account: CloudinaryAccount
    private let http: HTTPClient
    private let clock: @Sendable () -> Date

    public init(account: CloudinaryAccount, http: HTTPClient, clock: @escaping @Sendable () -> Date = Date.init) {
        self.account = account
        self.http = http
        self.clock = clock
    }

    /// Uploads `length` bytes read from `file` as one request, or as one chunk
    /// of a chunked upload when `chunk` is given.
    ///
    /// `parameters` are the upload parameters to sign and send (`public_id`,
    /// `asset_folder`, ...); `timestamp`, `api_key` and `signature` are
    /// added here. Errors from `file` are rethrown unchanged.
    public func upload(parameters: [String: String], resourceType: String, fileName: String, contentType: String,
                       file: any HTTPBodySource, length: Int64, chunk: ChunkRange? = nil,
                       cancellation: HTTPCancellation? = nil) throws -> UploadResponse {
        var signed = parameters.filter { !$0.value.isEmpty }
        signed["timestamp"] = String(Int64(clock().timeIntervalSince1970))
        signed["signature"] = UploadSignature.sign(signed, secret: account.apiSecret, algorithm: account.signatureAlgorithm)
        signed["api_key"] = account.apiKey

        let form = MultipartForm(fields: signed.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
                                 fileFieldName: "file", fileName: fileName, contentType: contentType)
        let body = MultipartBodySource(preamble: form.preamble, file: file, fileLength: length, epilogue: form.epilogue)
        var headers = [HTTPHeader("Content-Type", form.contentTypeHeader), HTTPHeader("Accept", "application/json")]
        if let chunk {
            headers.append(HTTPHeader("X-Unique-Upload-Id", chunk.uploadID))
            headers.append(HTTPHeader("Content-Range", chunk.contentRange))
        }
        let url = "\(account.uploadPrefix)/v1_1/\(account.cloudName)/\(resourceType)/upload"
        let response: HTTPResponse
        do {
            response = try http.perform(HTTPRequest(method: "POST", url: url, headers: headers,
                                                    body: .stream(length: body.length, source: body), timeouts: .transfer),
                                        maxBodyBytes: 4 * 1024 * 1024, cancellation: cancellation)
        } catch let error as HTTPError {
            throw CloudinaryError(transport: error)
        }
        do {
            return try CloudinaryResponse.parseUpload(status: response.status, contentType: response.head.mediaType,
                                                      body: response.body).get()
        } catch var error {
            error.retryAfter = response.head.header("Retry-After").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            throw error
        }
    }
}
