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
            Output.error("Cloudinary refused the credentials: \(reason)\n"
                         + "Check the cloudinary-url credential. Tasks with documents to upload stay in their trigger status.")
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
            Output.line("task \(Output.printable(task.taskID)): \(stateText(task))")
            for document in task.documents {
                let name = Output.printable(document.document.currentVersion?.fileName ?? document.document.name)
                if let error = document.error {
                    Output.line("  \(name): FAILED: \(Output.printable(error.message))")
                } else if let transfer = document.transfer {
                    Output.line("  \(name) -> \(Output.printable(transfer.result.secureURL)) (\(PrintableText.counted(transfer.bytes, "byte")))")
                }
            }
        }
        Output.line("""
            \(PrintableText.counted(summary.tasks.count, "task")): \(summary.count(.done)) done, \(summary.count(.failed)) failed, \
            \(summary.count(.deferred) + summary.count(.abandoned)) left for a later pass, \(summary.count(.skipped)) claimed by \
            another instance; \(PrintableText.counted(summary.documentsUploaded, "document")) \
            (\(PrintableText.counted(summary.bytesUploaded, "byte"))) uploaded, \(summary.documentsWrittenBackOnly) uploaded earlier and \
            written back, \(summary.documentsFailed) failed
            """)
    }

    /// Returns the task's outcome in the words of the summary line.
    private static func stateText(_ task: TaskOutcome) -> String {
        switch task.state {
        case .done: "done"
        case .failed: task.documents.isEmpty ? "failed: no documents are attached" : "failed"
        case .deferred: "left for a later pass: a failure that may pass"
        case .abandoned: "left for a later pass: the pass stopped"
        case .skipped: "claimed by another instance"
        }
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
            Output.line("task \(Output.printable(task.id)) \(Output.quoted(task.name)): \(PrintableText.counted(task.documents.count, "document"))")
            for document in task.documents {
                guard let version = document.currentVersion else {
                    Output.line("  document \(Output.printable(document.id)): no current version, would fail")
                    continue
                }
                if let size = version.docSize, let failure = TransferError.sizeFailure(size: size, limit: components.settings.maxDocumentBytes) {
                    Output.line("  \(Output.printable(version.fileName)): would fail: \(Output.printable(failure.message))")
                    continue
                }
                let plan: UploadPlan
                do {
                    plan = try components.planner.plan(task: task, document: document, version: version)
                } catch {
                    Output.line("  \(Output.printable(version.fileName)): would fail: \(Output.printable("\(error)"))")
                    continue
                }
                let parameters = plan.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                Output.line("  \(Output.printable(version.fileName)) (\(version.docSize.map { PrintableText.counted($0, "byte") } ?? "size unknown")): resource_type=\(plan.resourceType) \(Output.printable(parameters))")
            }
        }
        Output.line("dry run: nothing was uploaded or changed")
        return .success
    }
}
