/// Escapes for text from outside the program, such as Workfront names and
/// server messages, before it reaches a terminal or a log line.
///
/// Control characters (general category Cc) could move the cursor or clear
/// the terminal. Format characters (Cf), such as the bidirectional override
/// U+202E and the zero-width space U+200B, and the line and paragraph
/// separators (Zl, Zp) are invisible or reorder what follows, so a name
/// would display differently from what it is.
public enum PrintableText {
    /// Returns whether `scalar` is a control character.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }

    /// Returns whether `scalar` is a format character or a line or paragraph separator.
    public static func isFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator:
            return true

        default:
            return false
        }
    }

    /// Returns whether `scalar` must be escaped before it reaches a terminal.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isFormat(scalar)
    }

    /// Returns the escape of one character: `\x1b` up to U+00FF, `\u{202e}` above.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        if scalar.value <= 0xFF {
            return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
        }
        return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
    }

    /// Returns `text` with each character for which `shouldEscape` is true
    /// escaped. By default that is every control and format character.
    public static func escaped(_ text: String,
                               where shouldEscape: (Unicode.Scalar) -> Bool = needsEscape) -> String {
        guard text.unicodeScalars.contains(where: shouldEscape) else {
            return text
        }
        var result = ""
        for scalar in text.unicodeScalars {
            if shouldEscape(scalar) {
                result += escape(scalar)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Returns `text` in double quotes, with `"` and `\` escaped by a
    /// backslash, `\n`, `\r` and `\t` in their short forms, and every other
    /// control and format character escaped, so that the quoted text reads
    /// back unambiguously.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if needsEscape(scalar) {
                    result += escape(scalar)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Returns `count` and the noun, in the plural unless `count` is 1, as in
    /// "1 document" and "2 documents".
    public static func counted(_ count: some BinaryInteger, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
