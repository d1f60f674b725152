/// A construct that JSON5 allows but Foundation's `JSONDecoder` rejects,
/// checked against the Foundation of Swift 6.3.1 on Linux. It explains a
/// failure of `JSONDecoder` when `JSON5SyntaxChecker` finds no syntax error.
///
/// NOTE: other known differences get no advice: a `\u` escape of half a
/// surrogate pair, and a number too large for a `Double` (such as 1e400).
struct DecoderLimitation: Equatable {
    enum Kind: Equatable {
        /// A backslash followed by this character, in a string.
        case escape(Unicode.Scalar)
        /// A character from U+0000 to U+001F, written as itself in a string.
        case controlCharacter(Unicode.Scalar)
        /// White space other than ASCII white space, outside strings.
        case whitespace(Unicode.Scalar)
    }

    var kind: Kind
    var position: TextPosition

    /// The characters after a backslash that `JSONDecoder` accepts.
    static let decoderEscapes: Set<Unicode.Scalar> = ["\"", "'", "\\", "/", "b", "f", "n", "r", "t", "u", "x", "\n", "\r"]

    /// The white space that `JSONDecoder` accepts between tokens.
    static let decoderWhitespace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]

    /// A sentence that names the construct, its place and how to write it
    /// instead.
    var advice: String {
        let place = "line \(position.line), column \(position.column)"
        switch kind {
        case .escape("("):
            return "It rejects '\\(' in a string at \(place): write jq's string interpolation as '\\\\(' in the configuration file."
        case .escape(let scalar):
            return "It rejects the escape '\\\(JSON5Text.escape(scalar))' in a string at \(place): write '\\\\' for a backslash, "
                + "or '\\u' and four hex digits for any other character."
        case .controlCharacter(let scalar):
            return "It rejects the control character \(JSON5Text.quote(scalar)) written as itself in a string at \(place): "
                + "write the escape \(JSON5Text.quote(scalar)) instead."
        case .whitespace(let scalar):
            return "It rejects the white space character \(JSON5Text.quote(scalar)) at \(place): replace it with a plain space "
                + "or line break."
        }
    }
}
