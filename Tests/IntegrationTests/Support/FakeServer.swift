import Foundation
import HTTP

/// One fake service running as a child process on 127.0.0.1.
final class FakeServer: @unchecked Sendable {
    // @unchecked: created and stopped by one test; `process` is not shared.
    let baseURL: String
    private let process: Process
    private let logURL: URL

    /// Starts `script` with `arguments` and waits for its `LISTENING <url>` line.
    init(script: String, arguments: [String], logDirectory: URL, environment: [String: String] = [:]) throws {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.fakes.appendingPathComponent(script).path] + arguments
        let output = Pipe()
        logURL = logDirectory.appendingPathComponent("\(script).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process

        var line = Data()
        let reader = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let piece = reader.availableData
            if piece.isEmpty {
                let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
                throw TestSetupError("\(script) exited before listening: \(log)")
            }
            line.append(piece)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("LISTENING ") else {
            throw TestSetupError("\(script) printed \(text) instead of LISTENING <url>")
        }
        baseURL = String(text.dropFirst("LISTENING ".count).split(separator: "\n")[0])
    }

    deinit {
        stop()
    }

    /// Stops the fake with SIGTERM, and SIGKILL if it is still running
    /// five seconds later.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// GETs or POSTs a control endpoint and parses its JSON answer.
    func control(_ path: String, method: String = "GET") throws -> [String: Any] {
        let response = try HTTPClient().perform(HTTPRequest(method: method, url: baseURL + path,
                                                            body: method == "POST" ? .bytes([]) : .empty))
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestSetupError("\(path) did not answer a JSON object")
        }
        return object
    }
}
