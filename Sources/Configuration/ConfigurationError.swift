/// A problem with the configuration file or the credentials, naming where it
/// is: the file, the key (`poll.interval`) or the credential, and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The file or credential source the problem is in.
    public var source: String
    /// The dotted key path, or the credential name; nil for the whole file.
    public var key: String?
    public var problem: String

    public init(source: String, key: String?, problem: String) {
        self.source = source
        self.key = key
        self.problem = problem
    }

    public var description: String {
        if let key {
            return "\(source): \(key): \(problem)"
        }
        return "\(source): \(problem)"
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
