import Foundation
import Logging

/// Command output for a person: results on standard output,
/// problems on standard error.
///
/// Both escape every control and format character except the line feed, so
/// that a name from Workfront inside any message can neither drive the
/// terminal nor display reversed. Callers still pass names through
/// `printable` or `quoted`, which escape line feeds too.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((escapedForTerminal(text) + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("wf2cloudinary: " + escapedForTerminal(text) + "\n").utf8))
    }

    /// Returns `text` with control and format characters written as escapes
    /// (`\x1b`, `\u{202e}`), line feeds included, for a name on one line.
    static func printable(_ text: String) -> String {
        PrintableText.escaped(text)
    }

    /// Returns `text` in double quotes, with quotes, backslashes, control and
    /// format characters escaped.
    static func quoted(_ text: String) -> String {
        PrintableText.quoted(text)
    }

    private static func escapedForTerminal(_ text: String) -> String {
        PrintableText.escaped(text) { $0 != "\n" && PrintableText.needsEscape($0) }
    }
}
