import Foundation

/// Removes what must never reach a log from a URL: user information and the
/// values of every query parameter that could carry a credential.
public enum URLRedaction {
    private static let secretParameters: Set<String> = [
        "apikey", "sessionid", "access_token", "client_secret", "jwt_token", "signature", "api_secret", "password",
    ]

    public static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unparsable URL>" }
        if components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
        }
        if let items = components.queryItems {
            components.queryItems = items.map { item in
                secretParameters.contains(item.name.lowercased()) ? URLQueryItem(name: item.name, value: "REDACTED") : item
            }
        }
        return components.string ?? "<unparsable URL>"
    }
}
