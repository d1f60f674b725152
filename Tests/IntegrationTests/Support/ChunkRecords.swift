import Foundation
import HTTP

/// One chunk of a chunked upload as the fake Cloudinary recorded it from the
/// request's `Content-Range: bytes first-last/total` header.
struct RecordedChunk: Equatable, CustomStringConvertible {
    var first: Int64
    var last: Int64
    /// The announced total, or -1 where the client did not know it yet.
    var total: Int64

    var length: Int64 { last - first + 1 }

    /// The `Content-Range` value this chunk was sent with.
    var contentRange: String { "bytes \(first)-\(last)/\(total)" }

    var description: String { "[\(first), \(last), \(total)]" }

    /// Parses the fake's `[first, last, total]` lists, and returns nil when
    /// an entry is not a list of three integers.
    static func list(from value: Any?) -> [RecordedChunk]? {
        guard let entries = value as? [[Any]] else { return nil }
        var chunks: [RecordedChunk] = []
        for entry in entries {
            let numbers = entry.compactMap { ($0 as? NSNumber)?.int64Value }
            guard numbers.count == 3, entry.count == 3 else { return nil }
            chunks.append(RecordedChunk(first: numbers[0], last: numbers[1], total: numbers[2]))
        }
        return chunks
    }
}

extension FakeServer {
    /// POSTs `object` as JSON to a control endpoint and parses the JSON
    /// response. Throws when the status is not 200.
    func control(_ path: String, posting object: Any) throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: object)
        let response = try HTTPClient().perform(HTTPRequest(method: "POST", url: baseURL + path,
                                                            headers: [HTTPHeader("Content-Type", "application/json")],
                                                            body: .bytes([UInt8](body))))
        guard response.status == 200 else {
            throw TestSetupError("POST \(path) returned HTTP \(response.status): \(String(decoding: response.body, as: UTF8.self))")
        }
        guard let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestSetupError("POST \(path) did not return a JSON object")
        }
        return answer
    }
}

extension Tenant {
    /// Returns the fake Cloudinary's whole state: `assets`, `chunked_uploads` and `counters`.
    func cloudinaryState() throws -> [String: Any] {
        try cloudinary.control("/_fake/state")
    }

    /// Makes the fake Cloudinary fail one chunk request, for example
    /// `["chunk": 2, "status": 500]` or `["chunk": 2, "reset": true, "afterBytes": 1_048_576]`.
    func addCloudinaryFault(_ fault: [String: Any]) throws {
        _ = try cloudinary.control("/_fake/faults", posting: fault)
    }

    /// Returns the fake Cloudinary's `pending` and `fired` faults and its `chunk_requests` per upload ID.
    func cloudinaryFaults() throws -> [String: Any] {
        try cloudinary.control("/_fake/faults")
    }
}
