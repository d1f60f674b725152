import CSQLite
import Foundation

/// The note posted on a failed task whose status is not yet written, so that
/// a pass after a failed status update does not post the same note again.
extension UploadJournal {
    /// Returns the SHA-256 of the note recorded for `taskID` (lower-case
    /// hex), or nil when none is recorded.
    public func postedNoteDigest(taskID: String) throws(JournalError) -> String? {
        try withStatement("SELECT note_sha256 FROM posted_notes WHERE task_id = ?1", bind: [taskID]) { statement in
            sqlite3_step(statement) == SQLITE_ROW ? Self.text(statement, 0) : nil
        }
    }

    /// Records that a note with this SHA-256 was posted on `taskID`,
    /// replacing any earlier record of the task.
    public func recordPostedNote(taskID: String, digest: String) throws(JournalError) {
        let now = ISO8601DateFormatter().string(from: Date())
        try execute("INSERT OR REPLACE INTO posted_notes VALUES (?1, ?2, ?3)", bind: [taskID, digest, now])
    }

    /// Removes the record of the note on `taskID`, once its status is written.
    public func forgetPostedNote(taskID: String) throws(JournalError) {
        try execute("DELETE FROM posted_notes WHERE task_id = ?1", bind: [taskID])
    }

    private func execute(_ sql: String, bind values: [String]) throws(JournalError) {
        try withStatement(sql, bind: values) { statement throws(JournalError) in
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw JournalError(message: "cannot write to the journal \(path): \(String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))")
            }
        }
    }
}
