import Foundation
import Synchronization
import Systemd

/// One event: a fixed message and typed fields (`TASK_ID`, `BYTES`, ...).
public struct LogEvent: Sendable {
    public var level: LogLevel
    public var message: String
    public var fields: [(String, String)]
}

/// A destination for events.
public protocol LogSink: Sendable {
    func write(_ event: LogEvent)
}

/// Writes each event as one line on standard error:
/// `warning: Download failed, retrying TASK_ID=1 ERROR="HTTP 503"`.
public final class StandardErrorSink: LogSink {
    private let lock = Mutex(())
    /// On a terminal each line first erases the current one, which may hold
    /// a live progress display.
    private let linePrefix = isatty(2) == 1 ? "\r\u{1B}[K" : ""

    public init() {}

    public func write(_ event: LogEvent) {
        var line = "\(linePrefix)\(event.level): \(event.message)"
        for (name, value) in event.fields {
            line += " \(name)=\(Self.quoted(value))"
        }
        line += "\n"
        lock.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Quotes a value that contains spaces, quotes, control or format
    /// characters, so a line stays one line, splits unambiguously and
    /// displays as the value is.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar != "\"" && scalar != "\\" && !PrintableText.needsEscape(scalar)
        }
        return plain ? value : PrintableText.quoted(value)
    }
}

/// Sends each event to journald as one structured entry, so that
/// `journalctl TASK_ID=...` finds it.
///
/// Field values keep their control characters, so multi-line errors stay
/// multi-line, but format characters are escaped as on standard error, so
/// that `journalctl -o verbose` cannot show a name reversed or hide part of it.
public struct JournalSink: LogSink {
    private let identifier: String

    public init(identifier: String) {
        self.identifier = identifier
    }

    public func write(_ event: LogEvent) {
        var fields = [("MESSAGE", event.message), ("PRIORITY", String(event.level.rawValue)),
                      ("SYSLOG_IDENTIFIER", identifier)]
        fields.append(contentsOf: event.fields.map { ($0.0, PrintableText.escaped($0.1, where: PrintableText.isFormat)) })
        if !JournalWriter.send(fields) {
            StandardErrorSink().write(event)
        }
    }
}
