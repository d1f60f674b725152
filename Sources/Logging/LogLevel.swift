/// Severity of an event, with syslog's numbers (journald's `PRIORITY`).
///
/// error: a task or document failed for good. warning: something went wrong
/// and the service carries on (a retry, an ignored setting). notice: start,
/// reload, stop. info: one summary per poll and per transfer. debug: detail.
public enum LogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case error = 3
    case warning = 4
    case notice = 5
    case info = 6
    case debug = 7

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        // A lower syslog number is more severe.
        lhs.rawValue > rhs.rawValue
    }

    public var description: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .notice: "notice"
        case .info: "info"
        case .debug: "debug"
        }
    }
}
