import Foundation

/// The result of a finished child process.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs programs for the tests and collects their output.
enum Command {
    /// Runs `executable` to completion. Output goes to files, so a chatty
    /// child never blocks on a full pipe.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    directory: URL? = nil) throws -> CommandResult {
        let outputs = try Paths.temporaryDirectory("out")
        defer { try? FileManager.default.removeItem(at: outputs) }
        let stdoutURL = outputs.appendingPathComponent("stdout")
        let stderrURL = outputs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = environment
        }
        if let directory {
            process.currentDirectoryURL = directory
        }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "")
    }

    /// Runs a shell command line and fails unless it exits 0.
    static func shell(_ line: String) throws {
        let result = try run("/bin/sh", ["-c", line])
        guard result.status == 0 else {
            throw TestSetupError("`\(line)` exited \(result.status): \(result.stderr)")
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
