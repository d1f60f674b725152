import Foundation

/// Decides which URLs the service may talk to: `https` anywhere, plain
/// `http` only to a loopback address (the test fakes and the demo).
public enum EndpointPolicy {
    /// The reason a URL was rejected, in words for a configuration error.
    public struct Violation: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Checks `url` and returns its scheme and host, or throws a violation.
    @discardableResult
    public static func validate(_ url: String) throws(Violation) -> (scheme: String, host: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            throw Violation(description: "is not an absolute URL with a scheme and a host")
        }
        switch scheme {
        case "https":
            return (scheme, host)

        case "http":
            guard isLoopback(host) else {
                throw Violation(description: "uses plain http to \(host); use https (plain http is allowed only to loopback addresses)")
            }
            return (scheme, host)

        default:
            throw Violation(description: "has the scheme '\(scheme)'; only https (or http to a loopback address) is supported")
        }
    }

    /// Whether `host` names this machine: `localhost`, 127.0.0.0/8 or ::1.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" {
            return true
        }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}
