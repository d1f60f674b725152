/// The response to a completed upload, with the fields this integration reads.
public struct UploadResult: Sendable, Decodable, Equatable {
    /// The asset's public ID, its path within the product environment.
    public var publicID: String
    /// The asset version, a Unix timestamp in seconds that Cloudinary puts
    /// in delivery URLs.
    public var version: Int
    /// The ID of this version of the asset's bytes.
    public var versionID: String?
    /// The https delivery URL.
    public var secureURL: String
    /// The plain http delivery URL.
    public var url: String?
    /// The stored size in bytes.
    public var bytes: Int64
    /// The MD5 digest of the stored bytes, in lower-case hex.
    public var etag: String?
    /// `image`, `video` or `raw`.
    public var resourceType: String
    /// The file extension Cloudinary detected, such as `pdf`. Some raw files
    /// have none.
    public var format: String?
    /// Cloudinary's own ID for the asset, apart from its public ID.
    public var assetID: String?
    /// Whether the asset already existed and was left unchanged, which
    /// happens with `overwrite=false`.
    public var existing: Bool

    /// Creates a result, for tests and for uploads remembered in the journal.
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

    /// Decodes the snake_case JSON fields. An absent `existing` reads as false.
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

/// The response to a non-final chunk of a chunked upload:
/// `{"done": false, "bytes": <bytes received so far>}`.
public struct ChunkProgress: Sendable, Decodable, Equatable {
    /// False for a non-final chunk.
    public var done: Bool
    /// The bytes of the upload received so far, over all chunks.
    public var bytes: Int64

    /// Creates a progress value, for tests and fakes.
    public init(done: Bool, bytes: Int64) {
        self.done = done
        self.bytes = bytes
    }
}

/// The outcome of a successful upload request.
public enum UploadResponse: Sendable, Equatable {
    /// The upload, or the last chunk of it, is stored.
    case complete(UploadResult)
    /// A non-final chunk was stored, and `bytes` counts the bytes received so
    /// far.
    case chunkAccepted(bytes: Int64)
}
