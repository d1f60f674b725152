import Foundation

/// The output of one run of the `openssl` command-line tool.
struct CommandResult {
    var status: Int32
    var standardOutput: [UInt8]
    var standardError: String

    var outputText: String {
        String(decoding: standardOutput, as: UTF8.self)
    }
}

/// Runs the `openssl` command-line tool, which the tests use as an
/// independent implementation to check this module against.
enum OpenSSLCommand {
    static func run(_ arguments: [String], in directory: URL) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Reading both pipes to the end before waiting keeps a chatty child
        // from blocking on a full pipe.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: Array(outputData),
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    /// Runs the tool and returns its standard output, or throws with its
    /// standard error when it exits with a non-zero status.
    @discardableResult
    static func output(_ arguments: [String], in directory: URL) throws -> String {
        let result = try run(arguments, in: directory)
        guard result.status == 0 else {
            throw CommandFailure(arguments: arguments, status: result.status, standardError: result.standardError)
        }
        return result.outputText
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var standardError: String

    var description: String {
        "openssl \(arguments.joined(separator: " ")) exited with status \(status): \(standardError)"
    }
}

/// A fresh temporary directory, removed when the value is deinitialized.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wf2cloudinary-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    }
}
