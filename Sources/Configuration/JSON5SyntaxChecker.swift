import Foundation

/// Finds the first syntax error in a JSON5 text and its line and column,
/// which `JSONDecoder` does not report. It follows the JSON5 1.0.0 grammar
/// (https://spec.json5.org) and runs only after `JSONDecoder` has rejected
/// the text. Objects and arrays are tracked on a stack instead of by
/// recursion, so deep nesting cannot overflow the thread's stack.
struct JSON5SyntaxChecker {
    /// A syntax error: where it is and what was expected there.
    struct SyntaxError: Equatable {
        var position: TextPosition
        var message: String
    }

    struct Result: Equatable {
        /// The first syntax error, or nil when the text is valid JSON5.
        var syntaxError: SyntaxError?
        /// The first construct that JSON5 allows but `JSONDecoder` rejects.
        var firstDecoderLimitation: DecoderLimitation?
        /// The first `\(` in a string, which `JSONDecoder` rejects, and which
        /// is most likely a jq string interpolation.
        var firstInterpolation: DecoderLimitation?
    }

    /// A syntax error at a scalar offset, before it is turned into a line
    /// and column.
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    /// An object or array whose closing bracket has not been read yet.
    struct Container {
        enum State {
            /// After the opening bracket or a comma.
            case expectingMember
            /// After a member or item.
            case expectingComma
        }

        let isObject: Bool
        /// The offset of the opening bracket.
        let opener: Int
        /// The key whose value this is, if any.
        let key: String?
        var state = State.expectingMember
        /// The key of the last member read, in an object.
        var lastKey = ""
        /// The number of items read, in an array.
        var itemCount = 0

        var closer: Unicode.Scalar { isObject ? "}" : "]" }
    }

    var text: JSON5Text
    private var open: [Container] = []
    private var firstLimitation: (kind: DecoderLimitation.Kind, offset: Int)?
    private var firstInterpolation: Int?

    private init(_ data: Data) {
        text = JSON5Text(data)
    }

    /// Checks `data` and returns the first syntax error, if any, with the
    /// constructs `JSONDecoder` is known to reject.
    static func check(_ data: Data) -> Result {
        var checker = JSON5SyntaxChecker(data)
        var failure: Failure?
        do {
            try checker.checkDocument()
        } catch {
            failure = error
        }
        // The checker reads U+FFFD in place of bytes that are not UTF-8, so a
        // syntax error after the first such byte may be an effect of it.
        if let invalid = checker.text.firstInvalidUTF8, invalid <= failure?.offset ?? Int.max {
            failure = Failure(offset: invalid, message: "the file is not valid UTF-8 text; save it as UTF-8")
        }
        return Result(
            syntaxError: failure.map { SyntaxError(position: checker.text.position(of: $0.offset), message: $0.message) },
            firstDecoderLimitation: checker.firstLimitation.map {
                DecoderLimitation(kind: $0.kind, position: checker.text.position(of: $0.offset))
            },
            firstInterpolation: checker.firstInterpolation.map {
                DecoderLimitation(kind: .escape("("), position: checker.text.position(of: $0))
            })
    }

    /// Records a construct that `JSONDecoder` rejects at `offset`.
    mutating func noteDecoderLimitation(_ kind: DecoderLimitation.Kind, at offset: Int) {
        if firstLimitation == nil {
            firstLimitation = (kind, offset)
        }
        if kind == .escape("("), firstInterpolation == nil {
            firstInterpolation = offset
        }
    }

    private mutating func checkDocument() throws(Failure) {
        try skipTrivia()
        guard !text.isAtEnd else {
            let onlyWhitespace = text.scalars.allSatisfy { JSON5Text.isWhitespace($0) || JSON5Text.isLineTerminator($0) }
            throw onlyWhitespace ? Failure(offset: 0, message: "the file is empty")
                : Failure(offset: text.offset, message: "expected a value, found the end of the file")
        }
        try readValue(expected: "a value")
        while !open.isEmpty {
            try readNextInContainer()
        }
        try skipTrivia()
        if !text.isAtEnd {
            throw Failure(offset: text.offset,
                          message: "expected the end of the file after the top-level value, found \(text.describeToken(at: text.offset))")
        }
    }

    /// Reads one step inside the innermost open container: a member, an
    /// item, a comma or the closing bracket.
    private mutating func readNextInContainer() throws(Failure) {
        try skipTrivia()
        let index = open.count - 1
        let container = open[index]
        guard let scalar = text.current else {
            throw notClosed(container)
        }
        if scalar == container.closer {
            text.advance()
            open.removeLast()
            return
        }
        switch container.state {
        case .expectingComma:
            guard scalar == "," else {
                let previous = container.isObject ? "the value of \"\(container.lastKey)\""
                    : "item \(container.itemCount) of \(container.key.map { "\"\($0)\"" } ?? "the array")"
                throw Failure(offset: text.offset, message: "expected ',' or '\(container.closer)' after \(previous), "
                              + "found \(text.describeToken(at: text.offset))")
            }
            text.advance()
            open[index].state = .expectingMember

        case .expectingMember where container.isObject:
            let key = try readKey()
            try skipTrivia()
            guard text.current == ":" else {
                throw text.isAtEnd ? notClosed(container)
                    : Failure(offset: text.offset, message: "expected ':' after the key \"\(key)\", found \(text.describeToken(at: text.offset))")
            }
            text.advance()
            open[index].state = .expectingComma
            open[index].lastKey = key
            try skipTrivia()
            try readValue(expected: "a value for \"\(key)\"", key: key)

        case .expectingMember:
            open[index].state = .expectingComma
            open[index].itemCount += 1
            try readValue(expected: "a value or ']'")
        }
    }

    /// Reads a key, quoted or not, and returns it as written.
    private mutating func readKey() throws(Failure) -> String {
        let start = text.offset
        if let quote = text.current, quote == "\"" || quote == "'" {
            try readString()
            return String(String.UnicodeScalarView(text.scalars[start + 1..<text.offset - 1]))
        }
        if let first = text.current, JSON5Text.isIdentifierStart(first) || first == "\\" {
            return try readIdentifier()
        }
        throw Failure(offset: start, message: "expected a key or '}', found \(text.describeToken(at: start))")
    }

    /// Reads a value at the read offset, which is past any white space. An
    /// object or array is only opened here, and read by the caller's loop.
    /// `expected` describes the value in messages, and `key` names it.
    private mutating func readValue(expected: String, key: String? = nil) throws(Failure) {
        let start = text.offset
        guard let scalar = text.current else {
            if let container = open.last {
                throw notClosed(container)
            }
            throw Failure(offset: start, message: "expected \(expected), found the end of the file")
        }
        switch scalar {
        case "{", "[":
            open.append(Container(isObject: scalar == "{", opener: start, key: key))
            text.advance()
        case "\"", "'":
            try readString()
        case "+", "-", ".", "0"..."9":
            try readNumber()
        default:
            guard JSON5Text.isIdentifierStart(scalar) else {
                throw Failure(offset: start, message: "expected \(expected), found \(text.describeToken(at: start))")
            }
            let word = try readIdentifier()
            if !["true", "false", "null", "Infinity", "NaN"].contains(word) {
                throw Failure(offset: start, message: "expected \(expected), found \(text.describeToken(at: start)) (text needs quotes)")
            }
        }
    }

    private func notClosed(_ container: Container) -> Failure {
        let kind = container.isObject ? "object" : "array"
        let owner = container.key.map { " for \"\($0)\"" } ?? ""
        return Failure(offset: container.opener,
                       message: "the \(kind)\(owner) opened here is not closed: expected '\(container.closer)' before the end of the file")
    }
}
