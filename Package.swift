// swift-tools-version:6.0
import PackageDescription

// One target per concern. C libraries are reached only through the thin
// system-library targets (C*), and each of those is wrapped by exactly one
// Swift module: CCurl by HTTP, COpenSSL by Crypto, CSystemd by Systemd, CJQ by Mapping,
// CSQLite by UploadJournal.
let package = Package(
    name: "wf2cloudinary",
    products: [
        .executable(name: "wf2cloudinary", targets: ["wf2cloudinary"]),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CJQ", providers: [.apt(["libjq-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        .target(name: "HTTP", dependencies: ["CCurl"]),
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "Systemd", dependencies: ["CSystemd"]),
        .target(name: "Mapping", dependencies: ["CJQ"]),
        .target(name: "UploadJournal", dependencies: ["CSQLite"]),
        .target(name: "Logging", dependencies: ["Systemd"]),
        .target(name: "Configuration", dependencies: ["HTTP", "Mapping"]),
        .target(name: "Workfront", dependencies: ["HTTP", "Crypto", "Logging"]),
        .target(name: "Cloudinary", dependencies: ["HTTP", "Crypto"]),
        .target(name: "Transfer", dependencies: ["Workfront", "Cloudinary", "Configuration", "Logging", "HTTP", "Crypto", "Mapping", "UploadJournal"]),
        .target(name: "Metrics", dependencies: ["Transfer"]),
        .target(name: "Service", dependencies: ["Metrics", "Transfer", "Workfront", "HTTP", "Logging", "Systemd"]),
        .executableTarget(name: "wf2cloudinary", dependencies: ["Service", "Metrics", "UploadJournal", "Transfer", "Configuration", "Logging", "Systemd", "Cloudinary", "Crypto", "Workfront", "HTTP"]),

        .testTarget(name: "MappingTests", dependencies: ["Mapping"]),
        .testTarget(name: "UploadJournalTests", dependencies: ["UploadJournal"]),
        .testTarget(name: "LoggingTests", dependencies: ["Logging"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "CloudinaryTests", dependencies: ["Cloudinary", "Crypto", "HTTP"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "TransferTests", dependencies: ["Transfer", "HTTP"]),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "Systemd"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Transfer", "Workfront", "Cloudinary"]),
        .testTarget(name: "IntegrationTests", dependencies: ["HTTP", "Crypto", "UploadJournal"]),
    ]
)
