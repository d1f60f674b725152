/// The answer to a completed upload, with the fields this integration reads.
public struct UploadResult: Sendable, Decodable, Equatable {
    public var publicID: String
    /// The asset version, a Unix timestamp in seconds that Cloudinary puts
    /// in delivery URLs.
    public var version: Int
    public var versionID: String?
    public var secureURL: String
    public var url: String?
    /// The stored size in bytes.
    public var bytes: Int64
    /// The MD5 digest of the stored bytes, in lower-case hex.
    public var etag: String?
    /// `image`, `video` or `raw`.
    public var resourceType: String
    /// The file extension Cloudinary detected, such as `pdf`; absent for
    /// some raw files.
    public var format: String?
    public var assetID: String?
    /// Whether the asset already existed and was left unchanged, which
    /// happens with `overwrite=false`.
    public var existing: Bool

    public init(
        publicID: String,
        version: Int,
        versionID: String? = nil,
        secureURL: String,
        url: String? = nil,
        bytes: Int64,
        etag: String? = nil,
        resourceType: String,
        format: String? = nil,
        assetID: String? = nil,
        existing: Bool = false
    ) {
        self.publicID = publicID
        self.version = version
        self.versionID = versionID
        self.secureURL = secureURL
        self.url = url
        self.bytes = bytes
        self.etag = etag
        self.resourceType = resourceType
        self.format = format
        self.assetID = assetID
        self.existing = existing
    }

    enum CodingKeys: String, CodingKey {
        case publicID = "public_id"
        case version
        case versionID = "version_id"
        case secureURL = "secure_url"
        case url
        case bytes
        case etag
        case resourceType = "resource_type"
        case format
        case assetID = "asset_id"
        case existing
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        publicID = try container.decode(String.self, forKey: .publicID)
        version = try container.decode(Int.self, forKey: .version)
        versionID = try container.decodeIfPresent(String.self, forKey: .versionID)
        secureURL = try container.decode(String.self, forKey: .secureURL)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        bytes = try container.decode(Int64.self, forKey: .bytes)
        etag = try container.decodeIfPresent(String.self, forKey: .etag)
        resourceType = try container.decode(String.self, forKey: .resourceType)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        assetID = try container.decodeIfPresent(String.self, forKey: .assetID)
        existing = try container.decodeIfPresent(Bool.self, forKey: .existing) ?? false
    }
}

/// The answer to a non-final chunk of a chunked upload:
/// `{"done": false, "bytes": <bytes received so far>}`.
public struct ChunkProgress: Sendable, Decodable, Equatable {
    public var done: Bool
    /// The bytes of the upload received so far, over all chunks.
    public var bytes: Int64

    public init(done: Bool, bytes: Int64) {
        self.done = done
        self.bytes = bytes
    }
}

/// What a successful upload request produced.
public enum UploadResponse: Sendable, Equatable {
    /// The upload, or the last chunk of it, is stored.
    case complete(UploadResult)
    /// A non-final chunk was stored; `bytes` counts the bytes received so far.
    case chunkAccepted(bytes: Int64)
}
