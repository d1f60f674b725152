import Configuration
import Foundation
import Logging
import Metrics
import Transfer
import Workfront

/// `wf2cloudinary once`: one discovery and every transfer it finds.
enum OnceCommand {
    static func run(_ components: Components, dryRun: Bool, logger: Logger) -> ExitCode {
        do {
            try components.workfront.signIn()
        } catch {
            return report(signInError: error)
        }
        let pass = OnePass(workfront: components.workfront, processor: components.processor,
                           settings: components.settings, logger: logger)
        if dryRun {
            return printPlan(pass, components)
        }
        let summary: RunSummary
        do {
            summary = try pass.run()
        } catch let error as WorkfrontError {
            return report(signInError: error)
        } catch {
            Output.error("discovery failed: \(error)")
            return .taskFailed
        }
        printSummary(summary)
        writeMetrics(summary, components: components, logger: logger)
        if let reason = summary.credentialsRejected {
            Output.error("Cloudinary refused the credentials: \(reason)\nCheck the cloudinary-url credential; no task was changed.")
            return .credentialsRejected
        }
        return summary.count(.done) + summary.count(.skipped) == summary.tasks.count ? .success : .taskFailed
    }

    private static func writeMetrics(_ summary: RunSummary, components: Components, logger: Logger) {
        guard let path = components.settings.metricsFile else { return }
        let metrics = ServiceMetrics(path: path)
        metrics.pollSucceeded()
        for task in summary.tasks {
            metrics.taskFinished(task)
        }
        if let error = metrics.write() {
            logger.warning("Metrics file could not be written", [("METRICS_FILE", path), ("ERROR", "\(error)")])
        }
    }

    private static func report(signInError error: WorkfrontError) -> ExitCode {
        if error.kind == .credentialsRejected {
            Output.error("\(error)")
            return .credentialsRejected
        }
        Output.error("\(error)")
        return .taskFailed
    }

    private static func printSummary(_ summary: RunSummary) {
        for task in summary.tasks.sorted(by: { $0.taskID < $1.taskID }) {
            Output.line("task \(Output.printable(task.taskID)): \(task.state.rawValue)")
            for document in task.documents {
                let name = Output.printable(document.document.currentVersion?.fileName ?? document.document.name)
                if let error = document.error {
                    Output.line("  \(name): FAILED: \(Output.printable(error.message))")
                } else if let transfer = document.transfer {
                    Output.line("  \(name) -> \(transfer.result.secureURL) (\(transfer.bytes) bytes)")
                }
            }
        }
        Output.line("""
            \(summary.tasks.count) tasks: \(summary.count(.done)) done, \(summary.count(.failed)) failed, \
            \(summary.count(.deferred) + summary.count(.abandoned)) left for a later pass, \(summary.count(.skipped)) claimed by \
            another instance; \(summary.documentsUploaded) documents \
            (\(summary.bytesUploaded) bytes) uploaded, \(summary.documentsWrittenBackOnly) uploaded earlier and \
            written back, \(summary.documentsFailed) failed
            """)
    }

    private static func printPlan(_ pass: OnePass, _ components: Components) -> ExitCode {
        let tasks: [WorkfrontTask]
        do {
            tasks = try pass.discover()
        } catch {
            Output.error("discovery failed: \(error)")
            return .taskFailed
        }
        for task in tasks {
            Output.line("task \(Output.printable(task.id)) \"\(Output.printable(task.name))\": \(task.documents.count) documents")
            for document in task.documents {
                guard let version = document.currentVersion else {
                    Output.line("  document \(document.id): no current version, would fail")
                    continue
                }
                let plan: UploadPlan
                do {
                    plan = try components.planner.plan(task: task, document: document, version: version)
                } catch {
                    Output.line("  \(Output.printable(version.fileName)): would fail: \(error)")
                    continue
                }
                let parameters = plan.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                Output.line("  \(Output.printable(version.fileName)) (\(version.docSize.map { "\($0) bytes" } ?? "size unknown")): resource_type=\(plan.resourceType) \(Output.printable(parameters))")
            }
        }
        Output.line("dry run: nothing was uploaded or changed")
        return .success
    }
}

/// Command output for a person: results on standard output,
/// problems on standard error.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// `text` with control characters written as escapes (`\x1b`), so
    /// names from Workfront cannot move the cursor or clear the terminal.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += String(format: "\\x%02x", scalar.value)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("wf2cloudinary: " + text + "\n").utf8))
    }
}
