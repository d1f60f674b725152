import Configuration
import Crypto
import Logging
import UploadJournal
import Workfront

/// The task's outcome in Workfront: its status, and the note on a failed task.
extension TaskProcessor {
    func report(_ task: WorkfrontTask, _ outcomes: [DocumentOutcome], log: Logger) -> TaskOutcome {
        let failures = outcomes.filter { !$0.succeeded }
        let state: TaskOutcome.State
        // A document that failed transiently keeps the whole task in its
        // trigger status, even beside one that failed for good: reporting
        // the task now would leave that document behind. The journal spares
        // the documents that did move a second upload on the next pass.
        if task.documents.isEmpty || (!failures.isEmpty && failures.allSatisfy { !($0.error?.isTransient ?? false) }) {
            state = .failed
        } else if failures.isEmpty {
            state = .done
        } else {
            log.warning("Task left in its trigger status, retrying on a later poll", [("FAILED_DOCUMENTS", String(failures.count))])
            return TaskOutcome(taskID: task.id, state: .deferred, documents: outcomes)
        }
        let uploadCounts = [
            ("UPLOADED_DOCUMENTS", String(outcomes.filter(\.uploadedInThisPass).count)),
            ("ALREADY_UPLOADED_DOCUMENTS", String(outcomes.filter { $0.succeeded && !$0.uploadedInThisPass }.count)),
        ]
        do {
            if state == .failed {
                try postNoteOnce(TaskNote.failure(task: task, outcomes: outcomes, settings: settings), taskID: task.id, log: log)
                try workfront.updateTask(taskID: task.id, fields: claim.releaseFields(status: settings.statuses.failed))
                forgetPostedNote(taskID: task.id, log: log)
                log.error("Task failed", [("STATUS", settings.statuses.failed), ("FAILED_DOCUMENTS", String(failures.count))]
                    + uploadCounts)
            } else {
                try workfront.updateTask(taskID: task.id, fields: claim.releaseFields(status: settings.statuses.done))
                forgetPostedNote(taskID: task.id, log: log)
                log.info("Task done", [("STATUS", settings.statuses.done)] + uploadCounts)
            }
        } catch {
            log.warning("Task outcome could not be written to Workfront, retrying on a later poll",
                        [("ERROR_KIND", error.kind.rawValue), ("ERROR", error.description)])
            return TaskOutcome(taskID: task.id, state: .deferred, documents: outcomes, reportError: error)
        }
        return TaskOutcome(taskID: task.id, state: state, documents: outcomes)
    }

    /// Posts `note` on the task unless the journal records that an earlier
    /// pass posted the same text and the task's status has not been written
    /// since, as when the status update after the note failed.
    ///
    /// NOTE: a note whose response was lost (a reset after Workfront stored
    /// it) is not recorded, so the next pass posts it again.
    private func postNoteOnce(_ note: String, taskID: String, log: Logger) throws(WorkfrontError) {
        let digest = MessageDigest.hash(.sha256, Array(note.utf8)).hexString
        if let journal {
            do {
                if try journal.postedNoteDigest(taskID: taskID) == digest {
                    log.info("Note already posted on an earlier pass, writing only the status", [])
                    return
                }
            } catch {
                log.warning("Journal lookup failed, posting the note", [("ERROR", error.message)])
            }
        }
        try workfront.addTaskNote(taskID: taskID, text: note)
        do {
            try journal?.recordPostedNote(taskID: taskID, digest: digest)
        } catch {
            log.warning("Journal write failed, so a failed status update would post the note again",
                        [("ERROR", error.message)])
        }
    }

    /// Removes the journal's record of a posted note once the task's status
    /// is written, so that a later failure of the same task gets its note.
    private func forgetPostedNote(taskID: String, log: Logger) {
        do {
            try journal?.forgetPostedNote(taskID: taskID)
        } catch {
            log.warning("Journal write failed, carrying on", [("ERROR", error.message)])
        }
    }
}

/// The text of the note left on a failed task.
enum TaskNote {
    static func failure(task: WorkfrontTask, outcomes: [DocumentOutcome], settings: Settings) -> String {
        if task.documents.isEmpty {
            return "wf2cloudinary: no documents are attached to this task, so nothing was uploaded to Cloudinary. "
                + "Attach the documents and set the task back to \(settings.statuses.trigger[0]) to upload them."
        }
        let failures = outcomes.filter { !$0.succeeded }
        var lines = ["wf2cloudinary could not upload \(failures.count) of \(outcomes.count) documents to Cloudinary:"]
        for outcome in failures {
            let name = outcome.document.currentVersion?.fileName ?? outcome.document.name
            lines.append("- \(name) (document \(outcome.document.id)): \(outcome.error?.message ?? "unknown error")")
        }
        if failures.count < outcomes.count {
            lines.append("The other documents were uploaded and their Cloudinary address written to the document's \(settings.writeBack.urlField) field.")
        }
        lines.append("Fix the documents and set the task back to \(settings.statuses.trigger[0]) to try again.")
        return lines.joined(separator: "\n")
    }
}
