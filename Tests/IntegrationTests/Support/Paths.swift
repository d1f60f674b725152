import Foundation

/// Where the package, the built binary and the fakes are.
enum Paths {
    /// The package root, found from this file's path.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The wf2cloudinary binary under test: `$WF2C_BINARY`, or the debug build.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["WF2C_BINARY"], !path.isEmpty {
            return path
        }
        return packageRoot.appendingPathComponent(".build/debug/wf2cloudinary").path
    }

    static var fakes: URL {
        packageRoot.appendingPathComponent("Tests/Fakes")
    }

    /// A new empty folder, removed by the caller.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("wf2c-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
