import Foundation
import Testing

/// `once` draws a live progress line only when standard error is a terminal.
@Suite("progress line")
struct ProgressLineTests {
    private func tenant() throws -> Tenant {
        try Tenant(tasks: [
            FakeTask(id: "progress-task", name: "Progress", documents: [
                FakeDocument(id: "progress-doc", name: "Big", fileName: "big clip.mp4", size: 8_000_000),
            ]),
        ])
    }

    @Test func drawnOnATerminal() throws {
        let tenant = try tenant()
        let line = ([Paths.binary, "once", "--config", try tenant.writeConfig(), "--state-dir", tenant.stateDirectory])
            .map { "'\($0)'" }.joined(separator: " ")
        // script(1) runs the command on a pseudo-terminal and copies what it
        // writes there to standard output.
        let result = try Command.run("/usr/bin/script", ["-qec", line, "/dev/null"], environment: tenant.environment)
        #expect(result.status == 0, "output: \(result.stdout)")
        #expect(result.stdout.contains("big clip.mp4 "))
        #expect(result.stdout.contains("/8.0 MB"))
        #expect(result.stdout.contains("MB/s"))
    }

    @Test func absentWithoutATerminal() throws {
        let tenant = try tenant()
        let result = try tenant.run(["once"])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("MB/s"))
        #expect(!result.stderr.contains("\u{1B}["))
    }
}
