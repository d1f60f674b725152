/// The one-line `STATUS=` text that `systemctl status` shows.
enum StatusLine {
    static func idle(nextPollSeconds: Int, last: PollTotals?, note: String?) -> String {
        var text = "idle, next poll in \(nextPollSeconds) s"
        if let last {
            text += "; last poll \(last.tasks) tasks, \(last.documents) documents"
            if last.failed > 0 || last.documentsFailed > 0 {
                text += ", \(last.failed) tasks failed"
            }
            if last.deferred > 0 {
                text += ", \(last.deferred) deferred"
            }
        }
        return withNote(text, note)
    }

    static func working(inFlight: Int, queued: Int, documentsLeft: Int, last: PollTotals?, note: String?) -> String {
        var text = "transferring \(inFlight) tasks (\(documentsLeft) documents), \(queued) queued"
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
