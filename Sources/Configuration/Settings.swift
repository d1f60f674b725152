import Mapping

/// Everything the configuration file sets. Defaults are those a new tenant
/// needs; see docs/configuration.md for each key.
public struct Settings: Sendable, Equatable {
    public struct Workfront: Sendable, Equatable {
        /// Scheme and host, e.g. `https://acme.my.workfront.com`.
        public var url: String
        /// The API version path element, e.g. `v21.0`.
        public var apiVersion: String
        /// Tasks asked for per search page (`$$LIMIT`, at most 2000).
        public var pageSize: Int

        /// `https://host/attask/api/v21.0`
        public var apiBase: String { "\(url)/attask/api/\(apiVersion)" }
    }

    public struct Statuses: Sendable, Equatable {
        public var trigger: [String]
        public var done: String
        public var failed: String
        public var inProgress: String?
    }

    public struct Cloudinary: Sendable, Equatable {
        public var assetFolder: String
        /// Documents larger than this, or of unknown size, go up in chunks
        /// of this many bytes.
        public var chunkSize: Int
        public var overwrite: Bool
    }

    public struct WriteBack: Sendable, Equatable {
        /// The document field that receives the secure URL (`description`
        /// or a custom field `DE:...`).
        public var urlField: String
        /// An optional document field for the public ID.
        public var publicIdField: String?
    }

    /// The claim settings used when `statuses.inProgress` is set.
    public struct Claim: Sendable, Equatable {
        /// The task field that contains the claim token.
        public var field: String
        /// Seconds after which a claim of a dead instance is taken over.
        public var timeout: Int
        /// Milliseconds between writing a claim and reading it back.
        public var settleMilliseconds: Int
    }

    /// Static sharding: this instance handles tasks whose ID hashes to `index`
    /// modulo `count`.
    public struct Shard: Sendable, Equatable {
        public var index: Int
        public var count: Int
    }

    public var workfront: Workfront
    public var claim: Claim
    public var shard: Shard
    public var statuses: Statuses
    /// Seconds between polls of the service.
    public var pollInterval: Int
    /// Documents larger than this many bytes fail instead of uploading; nil
    /// for no limit.
    public var maxDocumentBytes: Int64?
    /// Transfers that may run at once.
    public var workers: Int
    public var cloudinary: Cloudinary
    public var writeBack: WriteBack
    /// Seconds transfers in flight get to finish after SIGTERM.
    public var shutdownGrace: Int
    /// The path of the Prometheus metrics file (node_exporter's textfile
    /// collector folder), or nil for none.
    public var metricsFile: String?
    /// jq expressions for upload parameters, and extra fields to fetch.
    public var mapping: DocumentMapping
}
