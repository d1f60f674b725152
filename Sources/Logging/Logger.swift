import Systemd

/// Logs events with fixed messages and typed fields.
///
/// A logger carries fields that every event it writes gets, so a task's
/// logger stamps `TASK_ID` on everything logged about that task.
///
/// - Important: never pass a secret as a field or in a message. Errors logged
///   here come from types whose descriptions already redact credentials.
public struct Logger: Sendable {
    private let sink: any LogSink
    private let minimumLevel: LogLevel
    private let context: [(String, String)]

    public init(sink: any LogSink, minimumLevel: LogLevel = .info) {
        self.sink = sink
        self.minimumLevel = minimumLevel
        self.context = []
    }

    /// The logger for this process: journald's native protocol when standard
    /// error is the journal, one line per event on standard error otherwise.
    public static func forProcess(identifier: String = "wf2cloudinary", minimumLevel: LogLevel = .info) -> Logger {
        // sd_journal_sendv reports success even when journald's socket is
        // missing (systemd 252), so the socket's presence is checked here.
        let journalReachable = JournalWriter.standardErrorIsJournal() && JournalWriter.socketExists
        let sink: any LogSink = journalReachable ? JournalSink(identifier: identifier) : StandardErrorSink()
        return Logger(sink: sink, minimumLevel: minimumLevel)
    }

    private init(sink: any LogSink, minimumLevel: LogLevel, context: [(String, String)]) {
        self.sink = sink
        self.minimumLevel = minimumLevel
        self.context = context
    }

    /// A logger that adds `fields` to every event.
    public func with(_ fields: [(String, String)]) -> Logger {
        Logger(sink: sink, minimumLevel: minimumLevel, context: context + fields)
    }

    public func log(_ level: LogLevel, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= minimumLevel else { return }
        sink.write(LogEvent(level: level, message: message, fields: context + fields))
    }

    public func error(_ message: String, _ fields: [(String, String)] = []) { log(.error, message, fields) }
    public func warning(_ message: String, _ fields: [(String, String)] = []) { log(.warning, message, fields) }
    public func notice(_ message: String, _ fields: [(String, String)] = []) { log(.notice, message, fields) }
    public func info(_ message: String, _ fields: [(String, String)] = []) { log(.info, message, fields) }
    public func debug(_ message: String, _ fields: [(String, String)] = []) { log(.debug, message, fields) }
}
