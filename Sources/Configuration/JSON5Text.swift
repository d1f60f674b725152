import Foundation

/// JSON5 text decoded to Unicode scalars, with a read offset and the
/// character classes of the JSON5 1.0.0 grammar (https://spec.json5.org).
struct JSON5Text {
    let scalars: [Unicode.Scalar]
    /// The offset of the first byte sequence that is not UTF-8. Each such
    /// sequence is decoded as U+FFFD, so that the text before and after it
    /// can still be checked.
    let firstInvalidUTF8: Int?
    private(set) var offset = 0

    init(_ data: Data) {
        var scalars: [Unicode.Scalar] = []
        var firstInvalid: Int?
        var bytes = data.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                scalars.append(scalar)
            case .error:
                firstInvalid = firstInvalid ?? scalars.count
                scalars.append("\u{FFFD}")
            case .emptyInput:
                break decoding
            }
        }
        self.scalars = scalars
        self.firstInvalidUTF8 = firstInvalid
    }

    var isAtEnd: Bool { offset >= scalars.count }

    /// The scalar at the read offset, or nil at the end of the text.
    var current: Unicode.Scalar? { scalar(at: offset) }

    func scalar(at index: Int) -> Unicode.Scalar? {
        index < scalars.count ? scalars[index] : nil
    }

    mutating func advance(by count: Int = 1) {
        offset = min(offset + count, scalars.count)
    }

    /// Converts a scalar offset to a line and column. CR LF counts as one
    /// line break, as do a lone CR, U+2028 and U+2029, because JSON5 treats
    /// them all as line terminators.
    func position(of index: Int) -> TextPosition {
        var line = 1
        var lineStart = 0
        for i in 0..<min(index, scalars.count) {
            let crBeforeLF = scalars[i] == "\r" && scalar(at: i + 1) == "\n"
            if Self.isLineTerminator(scalars[i]) && !crBeforeLF {
                line += 1
                lineStart = i + 1
            }
        }
        let lineText = String(String.UnicodeScalarView(scalars[lineStart..<min(index, scalars.count)]))
        return TextPosition(line: line, column: lineText.count + 1)
    }

    /// Describes what is at `index` for a message: the end of the file, a
    /// whole word when one starts there, or else the one character.
    func describeToken(at index: Int) -> String {
        guard let first = scalar(at: index) else { return "the end of the file" }
        guard Self.isIdentifierStart(first) else { return Self.quote(first) }
        var end = index + 1
        while let next = scalar(at: end), Self.isIdentifierPart(next), end - index < 30 {
            end += 1
        }
        let word = String(String.UnicodeScalarView(scalars[index..<end]))
        let truncated = scalar(at: end).map(Self.isIdentifierPart) ?? false
        return "'\(word)\(truncated ? "…" : "")'"
    }

    /// Describes the one character at `index`, or the end of the file.
    func describeCharacter(at index: Int) -> String {
        scalar(at: index).map(Self.quote) ?? "the end of the file"
    }

    /// Quotes a character for a message, escaping it when it would be
    /// invisible or would break the line.
    static func quote(_ scalar: Unicode.Scalar) -> String {
        scalar == "'" ? "\"'\"" : "'\(escape(scalar))'"
    }

    /// Writes a control, format or whitespace character (other than the
    /// space) as a JSON5 escape, and any other character as itself.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case " ": return " "
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return scalar.value > 0xFFFF ? "\\u{\(hex)}" : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default:
            return String(scalar)
        }
    }

    static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// Returns whether `scalar` is JSON5 white space other than a line
    /// terminator.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\u{0B}", "\u{0C}", " ", "\u{A0}", "\u{FEFF}": true
        default: scalar.properties.generalCategory == .spaceSeparator
        }
    }

    static func isDecimalDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    /// Returns whether `scalar` is an ECMAScript IdentifierStart other than a
    /// `\u` escape: a Unicode letter, `$` or `_`.
    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "$" || scalar == "_" {
            return true
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber: return true
        default: return false
        }
    }

    /// Returns whether `scalar` is an ECMAScript IdentifierPart other than a
    /// `\u` escape.
    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        if isIdentifierStart(scalar) || scalar == "\u{200C}" || scalar == "\u{200D}" {
            return true
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
