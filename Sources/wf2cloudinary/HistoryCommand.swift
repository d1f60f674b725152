import UploadJournal

/// `wf2cloudinary history`: what the journal recorded, one upload per line.
/// Needs only the state directory, not the configuration or credentials.
enum HistoryCommand {
    static func run(_ arguments: Arguments) -> ExitCode {
        let directory = arguments.stateDirectory ?? Components.defaultStateDirectory()
        do {
            let (journal, _) = try UploadJournal.open(directory: directory)
            let rows = try journal.history(taskID: arguments.taskID, since: arguments.since)
            for (record, uploadedAt) in rows {
                Output.line("\(uploadedAt)  task \(record.taskID)  document \(record.documentID) version \(record.versionID)  "
                    + "\(record.bytes) bytes  md5 \(record.md5)  \(record.publicID)  \(record.secureURL)")
            }
            Output.line("\(rows.count) uploads")
            return .success
        } catch {
            Output.error("\(error); pass the service's state folder with --state-dir")
            return .usageOrConfiguration
        }
    }
}
