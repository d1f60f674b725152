/// A place in a text file. Both numbers start at 1, and the column counts
/// characters (grapheme clusters), not bytes.
public struct TextPosition: Equatable, Sendable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A problem with the configuration file or the credentials, naming where it
/// is: the file, the key (`poll.interval`) or the credential, and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The file or credential source the problem is in.
    public var source: String
    /// The dotted key path, or the credential name; nil for the whole file.
    public var key: String?
    public var problem: String
    /// The line and column in `source`, for a syntax error.
    public var position: TextPosition?

    public init(source: String, key: String?, problem: String, position: TextPosition? = nil) {
        self.source = source
        self.key = key
        self.problem = problem
        self.position = position
    }

    /// The problem in the `FILE:LINE:COLUMN: message` form of compilers,
    /// which editors can jump to.
    public var description: String {
        var location = source
        if let position {
            location += ":\(position.line):\(position.column)"
        }
        if let key {
            return "\(location): \(key): \(problem)"
        }
        return "\(location): \(problem)"
    }
}

/// Every problem found in one load, so a user fixes them all in one go.
public struct ConfigurationErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [ConfigurationError]

    public init(errors: [ConfigurationError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
