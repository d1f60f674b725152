import Foundation

/// The secrets the service needs, as read from the systemd credentials
/// directory or the environment. They are never part of the configuration
/// file, and `description` never shows them.
public struct Credentials: Sendable, CustomStringConvertible {
    /// The service's Workfront login: server-to-server OAuth, a JWT signed
    /// with the private key and exchanged for a session. An API key is no
    /// login here, because Workfront accepts it for API calls only and
    /// document downloads need a session. The description names the method
    /// only, never a value.
    public enum WorkfrontLogin: Sendable, CustomStringConvertible {
        case jwt(clientID: String, clientSecret: String, customerID: String, userID: String, privateKeyPEM: String)

        public var description: String {
            "Workfront JWT login (values hidden)"
        }
    }

    /// `cloudinary://key:secret@cloud[?upload_prefix=...]`
    public var cloudinaryURL: String
    public var workfront: WorkfrontLogin
    /// Where each credential came from (a file path or an environment
    /// variable name), for messages; never the value.
    public var sources: [String: String]

    /// Credential files that users other than the owner may read or write:
    /// the credential's name, the path and the permission bits.
    public var looselyProtectedFiles: [(name: String, path: String, mode: Int)] {
        sources.sorted { $0.key < $1.key }.compactMap { name, path in
            guard path.hasPrefix("/"),
                  let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
                  mode & 0o077 != 0 else { return nil }
            return (name, path, mode)
        }
    }

    public var description: String {
        "credentials (Cloudinary URL, Workfront JWT; values hidden)"
    }
}

/// Reads each credential from `$CREDENTIALS_DIRECTORY/<name>` first, then
/// from its environment variable.
public struct CredentialsLoader: Sendable {
    /// A credential's file name in the credentials directory and its
    /// environment variable.
    struct Name {
        var file: String
        var variable: String
    }

    static let cloudinaryURL = Name(file: "cloudinary-url", variable: "CLOUDINARY_URL")
    static let clientID = Name(file: "workfront-client-id", variable: "WORKFRONT_CLIENT_ID")
    static let clientSecret = Name(file: "workfront-client-secret", variable: "WORKFRONT_CLIENT_SECRET")
    static let customerID = Name(file: "workfront-customer-id", variable: "WORKFRONT_CUSTOMER_ID")
    static let userID = Name(file: "workfront-user-id", variable: "WORKFRONT_USER_ID")
    static let privateKey = Name(file: "workfront-private-key", variable: "WORKFRONT_PRIVATE_KEY")
    static let apiKey = Name(file: "workfront-api-key", variable: "WORKFRONT_API_KEY")

    private let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads every credential, reporting all that are missing or unreadable.
    public func load() throws(ConfigurationErrors) -> Credentials {
        var errors: [ConfigurationError] = []
        var sources: [String: String] = [:]
        var unreadable: Set<String> = []

        func value(_ name: Name) -> String? {
            do {
                guard let (text, source) = try read(name) else { return nil }
                sources[name.file] = source
                return text
            } catch {
                errors.append(error)
                unreadable.insert(name.file)
                return nil
            }
        }

        let cloudinary = value(Self.cloudinaryURL)
        if cloudinary == nil && errors.isEmpty {
            errors.append(missing(Self.cloudinaryURL))
        }
        let jwtParts = [Self.clientID, Self.clientSecret, Self.customerID, Self.userID, Self.privateKey].map { ($0, value($0)) }
        let apiKey = value(Self.apiKey)
        let present = jwtParts.filter { $0.1 != nil || unreadable.contains($0.0.file) }
        var login: Credentials.WorkfrontLogin?
        let values = jwtParts.compactMap(\.1)
        if values.count == jwtParts.count {
            let parts = values
            login = .jwt(clientID: parts[0], clientSecret: parts[1], customerID: parts[2], userID: parts[3], privateKeyPEM: parts[4])
        } else if apiKey != nil, present.isEmpty {
            errors.append(ConfigurationError(
                source: sources[Self.apiKey.file] ?? Self.apiKey.variable, key: Self.apiKey.file,
                problem: "an API key alone cannot download documents, because Workfront accepts it for API calls only; "
                    + "provide workfront-client-id, workfront-client-secret, workfront-customer-id, workfront-user-id and workfront-private-key"))
        } else if !present.isEmpty {
            for (name, found) in jwtParts where found == nil && !unreadable.contains(name.file) {
                errors.append(missing(name, why: "the Workfront JWT login needs all five workfront-* credentials"))
            }
        } else {
            errors.append(ConfigurationError(
                source: "credentials", key: "workfront",
                problem: "no Workfront login found; provide workfront-client-id, workfront-client-secret, workfront-customer-id, workfront-user-id and workfront-private-key"))
        }
        guard errors.isEmpty, let cloudinary, let login else {
            throw ConfigurationErrors(errors: errors)
        }
        return Credentials(cloudinaryURL: cloudinary, workfront: login, sources: sources)
    }

    private func missing(_ name: Name, why: String? = nil) -> ConfigurationError {
        let place = environment["CREDENTIALS_DIRECTORY"].map { "\($0)/\(name.file) or " } ?? ""
        let reason = why.map { "; \($0)" } ?? ""
        return ConfigurationError(source: "credentials", key: name.file,
                                  problem: "missing: put it in \(place)the environment variable \(name.variable)\(reason)")
    }

    /// The credential's text and where it came from, or nil when absent.
    private func read(_ name: Name) throws(ConfigurationError) -> (String, String)? {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = "\(directory)/\(name.file)"
            if FileManager.default.fileExists(atPath: path) {
                return (try readFile(path, name: name), path)
            }
        }
        if name.variable == Self.privateKey.variable, let path = environment["WORKFRONT_PRIVATE_KEY_FILE"], !path.isEmpty {
            return (try readFile(path, name: name), path)
        }
        guard let text = environment[name.variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return nil
        }
        return (text, "$\(name.variable)")
    }

    private func readFile(_ path: String, name: Name) throws(ConfigurationError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigurationError(source: path, key: name.file, problem: "the file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(source: path, key: name.file, problem: "cannot be read (check the file's permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(source: path, key: name.file, problem: "is not UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw ConfigurationError(source: path, key: name.file, problem: "is empty")
        }
        return trimmed
    }
}
