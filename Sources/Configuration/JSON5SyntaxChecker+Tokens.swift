/// The tokens of JSON5: white space and comments, strings, numbers and
/// identifiers. Each reader starts at the read offset and stops after its
/// token.
extension JSON5SyntaxChecker {
    /// Skips white space, line terminators and comments.
    mutating func skipTrivia() throws(Failure) {
        while let scalar = text.current {
            if JSON5Text.isWhitespace(scalar) || JSON5Text.isLineTerminator(scalar) {
                let byteOrderMark = scalar == "\u{FEFF}" && text.offset == 0
                if !DecoderLimitation.decoderWhitespace.contains(scalar) && !byteOrderMark {
                    noteDecoderLimitation(.whitespace(scalar), at: text.offset)
                }
                text.advance()
            } else if scalar == "/" && text.scalar(at: text.offset + 1) == "/" {
                while let next = text.current, !JSON5Text.isLineTerminator(next) {
                    text.advance()
                }
            } else if scalar == "/" && text.scalar(at: text.offset + 1) == "*" {
                let start = text.offset
                text.advance(by: 2)
                while !(text.current == "*" && text.scalar(at: text.offset + 1) == "/") {
                    guard !text.isAtEnd else {
                        throw Failure(offset: start, message: "the comment starting here is not closed: expected '*/' before the end of the file")
                    }
                    text.advance()
                }
                text.advance(by: 2)
            } else {
                return
            }
        }
    }

    /// Reads a string in single or double quotes.
    mutating func readString() throws(Failure) {
        let start = text.offset
        guard let quote = text.current else { return }
        text.advance()
        while true {
            guard let scalar = text.current, scalar != "\n", scalar != "\r" else {
                let end = text.isAtEnd ? "file" : "line"
                throw Failure(offset: start, message: "the string starting here is not closed: expected \(JSON5Text.quote(quote)) "
                              + "before the end of the \(end)")
            }
            text.advance()
            if scalar == quote {
                return
            }
            if scalar == "\\" {
                try readEscape(startingAt: text.offset - 1, stringStart: start, quote: quote)
            } else if scalar.value < 0x20 {
                noteDecoderLimitation(.controlCharacter(scalar), at: text.offset - 1)
            }
        }
    }

    /// Reads what follows a backslash in a string. JSON5 allows a backslash
    /// before any character but a digit from 1 to 9, and before a line
    /// terminator it continues the string on the next line.
    private mutating func readEscape(startingAt backslash: Int, stringStart: Int, quote: Unicode.Scalar) throws(Failure) {
        guard let escaped = text.current else {
            throw Failure(offset: stringStart, message: "the string starting here is not closed: expected \(JSON5Text.quote(quote)) "
                          + "before the end of the file")
        }
        text.advance()
        if !DecoderLimitation.decoderEscapes.contains(escaped) {
            noteDecoderLimitation(.escape(escaped), at: backslash)
        }
        switch escaped {
        case "\r":
            if text.current == "\n" {
                text.advance()
            }
        case "0" where text.current.map(JSON5Text.isDecimalDigit) == true:
            throw Failure(offset: backslash, message: "'\\0' followed by a digit is not a valid escape; write '\\\\' for a backslash")
        case "1"..."9":
            throw Failure(offset: backslash, message: "'\\\(escaped)' is not a valid escape; write '\\\\' for a backslash")
        case "x":
            _ = try readHexDigits(2, after: "\\x")
        case "u":
            _ = try readHexDigits(4, after: "\\u")
        default:
            break
        }
    }

    /// Reads `count` hex digits and returns their value.
    private mutating func readHexDigits(_ count: Int, after prefix: String) throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let digit = text.current.flatMap(JSON5Text.hexValue) else {
                let digits = switch count {
                case 1: "a hex digit"
                case 2: "two hex digits"
                default: "four hex digits"
                }
                throw Failure(offset: text.offset,
                              message: "expected \(digits) after '\(prefix)', found \(text.describeCharacter(at: text.offset))")
            }
            value = value * 16 + digit
            text.advance()
        }
        return value
    }

    /// Reads a number: decimal with an optional point and exponent, hex,
    /// Infinity or NaN, each with an optional sign.
    mutating func readNumber() throws(Failure) {
        var sign: Unicode.Scalar?
        if let first = text.current, first == "+" || first == "-" {
            sign = first
            text.advance()
        }
        let literalStart = text.offset
        if let first = text.current, JSON5Text.isIdentifierStart(first) {
            let word = try readIdentifier()
            guard word == "Infinity" || word == "NaN" else {
                throw Failure(offset: literalStart,
                              message: "expected a number after '\(sign ?? "+")', found \(text.describeToken(at: literalStart))")
            }
            return
        }
        if text.current == "0", let marker = text.scalar(at: text.offset + 1), marker == "x" || marker == "X" {
            text.advance(by: 2)
            _ = try readHexDigits(1, after: "0\(marker)")
            while text.current.flatMap(JSON5Text.hexValue) != nil {
                text.advance()
            }
        } else {
            try readDecimal(sign: sign)
        }
        if let next = text.current, JSON5Text.isIdentifierStart(next) || JSON5Text.isDecimalDigit(next) || next == "\\" {
            throw Failure(offset: text.offset, message: "expected the end of the number, found \(text.describeCharacter(at: text.offset))")
        }
    }

    private mutating func readDecimal(sign: Unicode.Scalar?) throws(Failure) {
        var integerDigits = 0
        if text.current == "0" {
            text.advance()
            integerDigits = 1
            if text.current.map(JSON5Text.isDecimalDigit) == true {
                throw Failure(offset: text.offset - 1, message: "a number cannot start with '0' followed by a digit")
            }
        } else {
            integerDigits = skipDigits()
        }
        var fractionDigits = 0
        if text.current == "." {
            text.advance()
            fractionDigits = skipDigits()
            if integerDigits == 0 && fractionDigits == 0 {
                throw Failure(offset: text.offset, message: "expected a digit after '.', found \(text.describeCharacter(at: text.offset))")
            }
        } else if integerDigits == 0 {
            throw Failure(offset: text.offset,
                          message: "expected a number after '\(sign ?? "+")', found \(text.describeCharacter(at: text.offset))")
        }
        if let e = text.current, e == "e" || e == "E" {
            text.advance()
            if let exponentSign = text.current, exponentSign == "+" || exponentSign == "-" {
                text.advance()
            }
            if skipDigits() == 0 {
                throw Failure(offset: text.offset,
                              message: "expected a digit in the exponent, found \(text.describeCharacter(at: text.offset))")
            }
        }
    }

    private mutating func skipDigits() -> Int {
        var count = 0
        while text.current.map(JSON5Text.isDecimalDigit) == true {
            text.advance()
            count += 1
        }
        return count
    }

    /// Reads an unquoted key or word and returns it as written. A `\uXXXX`
    /// escape in it must encode a letter, digit, mark, `$` or `_`.
    mutating func readIdentifier() throws(Failure) -> String {
        let start = text.offset
        while let scalar = text.current {
            let isFirst = text.offset == start
            if scalar == "\\" {
                let backslash = text.offset
                text.advance()
                guard text.current == "u" else {
                    throw Failure(offset: backslash, message: "expected '\\u' and four hex digits after '\\' in a key, "
                                  + "found \(text.describeCharacter(at: text.offset))")
                }
                text.advance()
                let value = try readHexDigits(4, after: "\\u")
                // JSON5 requires a letter, `$` or `_` first, but JSONDecoder
                // also accepts a digit or a mark there, as in `\u0031a`.
                guard let decoded = Unicode.Scalar(value), JSON5Text.isIdentifierPart(decoded) else {
                    let escape = String(String.UnicodeScalarView(text.scalars[backslash..<text.offset]))
                    throw Failure(offset: backslash, message: "an unquoted key cannot contain the character '\(escape)'; "
                                  + "put the key in quotes")
                }
            } else if isFirst ? JSON5Text.isIdentifierStart(scalar) : JSON5Text.isIdentifierPart(scalar) {
                text.advance()
            } else {
                break
            }
        }
        return String(String.UnicodeScalarView(text.scalars[start..<text.offset]))
    }
}
