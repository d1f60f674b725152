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

    /// Quotes a value that contains spaces, quotes or control characters, so a
    /// line stays one line and splits unambiguously.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar != "\"" && scalar != "\\" && scalar.value != 0x7F
        }
        if plain {
            return value
        }
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                escaped += scalar.value < 0x20 || scalar.value == 0x7F
                    ? String(format: "\\x%02x", scalar.value) : String(scalar)
            }
        }
        return escaped + "\""
    }
}

/// Sends each event to journald as one structured entry, so that
/// `journalctl TASK_ID=...` finds it.
public struct JournalSink: LogSink {
    private let identifier: String

    public init(identifier: String) {
        self.identifier = identifier
    }

    public func write(_ event: LogEvent) {
        var fields = [("MESSAGE", event.message), ("PRIORITY", String(event.level.rawValue)),
                      ("SYSLOG_IDENTIFIER", identifier)]
        fields.append(contentsOf: event.fields)
        if !JournalWriter.send(fields) {
            StandardErrorSink().write(event)
        }
    }
}
