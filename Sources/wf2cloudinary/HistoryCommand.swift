import Logging
import UploadJournal

/// `wf2cloudinary history`: what the journal recorded, one upload per line.
/// Needs only the state directory, not the configuration or credentials.
/// It opens the journal read-only and never creates, moves or changes a file.
enum HistoryCommand {
    static func run(_ arguments: Arguments) -> ExitCode {
        let directory = arguments.stateDirectory ?? Components.defaultStateDirectory()
        do {
            let journal = try UploadJournal.openReadOnly(directory: directory)
            let rows = try journal.history(taskID: arguments.taskID, since: arguments.since)
            for (record, uploadedAt) in rows {
                Output.line("\(Output.printable(uploadedAt))  task \(Output.printable(record.taskID))  "
                    + "document \(Output.printable(record.documentID)) version \(Output.printable(record.versionID))  "
                    + "\(PrintableText.counted(record.bytes, "byte"))  md5 \(Output.printable(record.md5))  "
                    + "\(Output.printable(record.publicID))  \(Output.printable(record.secureURL))")
            }
            Output.line(PrintableText.counted(rows.count, "upload"))
            return .success
        } catch {
            switch error.kind {
            case .notFound:
                Output.error("\(error.message). If the service keeps its state elsewhere, pass that folder with --state-dir")

            case .unreadable:
                Output.error("\(error.message). It was left as it is. Restore it from a backup, or restart the service, "
                    + "which then moves an unreadable journal aside and starts a new one")

            case .failed:
                Output.error(error.message)
            }
            return .usageOrConfiguration
        }
    }
}
