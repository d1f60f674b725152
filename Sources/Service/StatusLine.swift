import Logging

/// The one-line `STATUS=` text that `systemctl status` shows.
enum StatusLine {
    static func idle(nextPollSeconds: Int, last: PollTotals?, note: String?) -> String {
        var text = "idle, next poll in \(nextPollSeconds) s"
        if let last {
            text += "; last poll \(PrintableText.counted(last.tasks, "task")), \(PrintableText.counted(last.documents, "document"))"
            if last.failed > 0 || last.documentsFailed > 0 {
                text += ", \(PrintableText.counted(last.failed, "task")) failed"
            }
            if last.deferred > 0 {
                text += ", \(last.deferred) deferred"
            }
        }
        return withNote(text, note)
    }

    static func working(inFlight: Int, queued: Int, documentsLeft: Int, last: PollTotals?, note: String?) -> String {
        var text = "transferring \(PrintableText.counted(inFlight, "task")) (\(PrintableText.counted(documentsLeft, "document"))), \(queued) queued"
        if let last, last.done + last.failed > 0 {
            text += "; this poll \(last.done) done, \(last.failed) failed"
        }
        return withNote(text, note)
    }

    private static func withNote(_ text: String, _ note: String?) -> String {
        guard let note else { return text }
        return "\(text) [\(note)]"
    }
}
