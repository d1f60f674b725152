#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of `cloudinary://API_KEY:API_SECRET@CLOUD_NAME?NAME=VALUE&...`.
struct CloudinaryURLParts {
    var apiKey: String
    var apiSecret: String
    var cloudName: String
    var query: [String: String]
}

/// Splits a `CLOUDINARY_URL` into its parts. Every error message leaves out
/// the secret and the URL itself.
enum CloudinaryURLParser {
    private static let encodingHint = "percent-encode any '@', ':', '/', '?', '#' or '%' in the key and secret"
    private static let expectedForm = "cloudinary://API_KEY:API_SECRET@CLOUD_NAME"

    static func parse(_ url: String) throws(CloudinaryURLError) -> CloudinaryURLParts {
        let text = url.trimmingASCIIWhitespace()
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw CloudinaryURLError("wrongScheme", "the Cloudinary URL must start with cloudinary://")
        }
        let scheme = text[..<schemeEnd.lowerBound]
        guard scheme.lowercased() == "cloudinary" else {
            // Text before the first "://" cannot hold the secret, which comes
            // after it, but only plausible text is shown.
            if scheme.lowercased().hasSuffix("cloudinary") {
                let extra = scheme.dropLast("cloudinary".count)
                let isPlausible = extra.count <= 40 && extra.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol || $0 == " ") }
                let displayedExtra = isPlausible ? " '\(extra)'" : ""
                throw CloudinaryURLError("wrongScheme", "the Cloudinary URL must start with cloudinary://, so remove the text\(displayedExtra) before it")
            }
            let isPlausible = scheme.count <= 16 && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }
            let displayedScheme = isPlausible ? ", not \(scheme)://" : ""
            throw CloudinaryURLError("wrongScheme", "the Cloudinary URL must start with cloudinary://\(displayedScheme)")
        }

        var rest = text[schemeEnd.upperBound...]
        if let fragment = rest.firstIndex(of: "#") {
            rest = rest[..<fragment]
        }
        var queryText: Substring = ""
        if let question = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: question)...]
            rest = rest[..<question]
        }
        while rest.hasSuffix("/") {
            rest = rest.dropLast()
        }

        // The last "@" ends the credentials, so a raw "@" inside the secret
        // still parses.
        guard let at = rest.lastIndex(of: "@") else {
            throw missingAt(rest)
        }
        let credentials = rest[..<at]
        let cloudName = String(rest[rest.index(after: at)...])
        guard !credentials.isEmpty else {
            let missing = cloudName.isEmpty ? "the API key, API secret and cloud name are all missing" : "the API key and secret are missing before '@'"
            throw CloudinaryURLError("missingAPIKey", "\(missing) (expected form \(expectedForm))")
        }
        guard let colon = credentials.firstIndex(of: ":") else {
            throw CloudinaryURLError("missingAPISecret", "the API secret is missing because no ':' separates it from the API key (expected form \(expectedForm))")
        }
        if credentials[..<colon].isEmpty && credentials[credentials.index(after: colon)...].isEmpty {
            throw CloudinaryURLError("missingAPIKey", "the API key and secret are missing on both sides of ':' (expected form \(expectedForm))")
        }
        guard !cloudName.isEmpty else {
            throw CloudinaryURLError("missingCloudName", "the cloud name is missing after '@' (expected form \(expectedForm))")
        }

        return CloudinaryURLParts(
            apiKey: try decodeCredential(credentials[..<colon], name: "API key"),
            apiSecret: try decodeCredential(credentials[credentials.index(after: colon)...], name: "API secret"),
            cloudName: cloudName,
            query: try parseQuery(queryText)
        )
    }

    /// Returns the error for a URL without an "@". Text with a ':' reads as
    /// `API_KEY:API_SECRET` without the cloud name, and text without one as a
    /// cloud name without the credentials. No message repeats the text,
    /// which may contain the secret.
    private static func missingAt(_ rest: Substring) -> CloudinaryURLError {
        if rest.isEmpty {
            return CloudinaryURLError("missingAPIKey", "the API key, API secret and cloud name are all missing after cloudinary:// (expected form \(expectedForm))")
        }
        if rest.contains(":") {
            return CloudinaryURLError("missingCloudName", "the cloud name is missing because no '@CLOUD_NAME' follows the API key and secret (expected form \(expectedForm))")
        }
        return CloudinaryURLError("missingAPIKey", "the API key and secret are missing because no 'API_KEY:API_SECRET@' comes before the cloud name (expected form \(expectedForm), where you \(encodingHint))")
    }

    /// Checks that a cloud name can stand as one URL path segment.
    static func checkCloudName(_ cloudName: String) throws(CloudinaryURLError) {
        guard !cloudName.isEmpty else {
            throw CloudinaryURLError("missingCloudName", "the cloud name is missing")
        }
        let isUnreserved = cloudName.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar))
        }
        guard isUnreserved, cloudName != ".", cloudName != ".." else {
            let displayedName = cloudName.count <= 64 ? "'\(cloudName)'" : "of \(cloudName.count) characters"
            throw CloudinaryURLError("invalidCloudName", "the cloud name \(displayedName) is invalid because it may contain only letters, digits, '-', '_', '.' and '~'")
        }
    }

    private static func decodeCredential(_ text: Substring, name: String) throws(CloudinaryURLError) -> String {
        guard !text.isEmpty else {
            let kind = name == "API key" ? "missingAPIKey" : "missingAPISecret"
            throw CloudinaryURLError(kind, "the \(name) is missing (expected form \(expectedForm))")
        }
        guard let decoded = PercentEncoding.decode(text, plusIsSpace: false) else {
            throw CloudinaryURLError("invalidPercentEncoding", "the \(name) has an invalid percent-encoding (each '%' must start a '%XX' escape of UTF-8 bytes, so \(encodingHint))")
        }
        return decoded
    }

    /// Parses `name=value&...`. A later duplicate name replaces an earlier
    /// one, and `+` decodes to a space, as in HTML form encoding.
    private static func parseQuery(_ text: Substring) throws(CloudinaryURLError) -> [String: String] {
        var query: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            let rawValue = equals == pair.endIndex ? "" : pair[pair.index(after: equals)...]
            guard let name = PercentEncoding.decode(pair[..<equals], plusIsSpace: true),
                  let value = PercentEncoding.decode(rawValue, plusIsSpace: true)
            else {
                throw CloudinaryURLError("invalidPercentEncoding", "a query parameter of the Cloudinary URL has an invalid percent-encoding")
            }
            if !name.isEmpty {
                query[name] = value
            }
        }
        return query
    }
}

/// Checks and normalizes the `upload_prefix` setting.
enum UploadPrefix {
    private static let loopbackRule = "use https, or plain http only for a loopback host: 127.0.0.0/8, ::1 or localhost"

    /// Returns the prefix with a lower-case scheme and no trailing slash.
    static func normalize(_ prefix: String) throws(CloudinaryURLError) -> String {
        let text = prefix.trimmingASCIIWhitespace()
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix must be an https:// URL (\(loopbackRule))")
        }

        let rest = text.dropFirst(scheme.count + 3)
        guard !rest.contains("?"), !rest.contains("#") else {
            throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix must not contain a query or fragment")
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        while path.hasSuffix("/") {
            path = path.dropLast()
        }
        guard !authority.contains("@") else {
            throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix must not contain user credentials")
        }

        let host = try hostName(in: authority)
        if scheme == "http" && !isLoopback(host) {
            throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix uses plain http for host '\(host)', so \(loopbackRule)")
        }
        return "\(scheme)://\(authority)\(path)"
    }

    /// Returns the host of `host`, `host:port`, `[v6]` or `[v6]:port`,
    /// without brackets, after checking its characters and the port.
    private static func hostName(in authority: Substring) throws(CloudinaryURLError) -> String {
        let host: Substring
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix has an IPv6 address without its closing ']'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else {
                    throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix has text after its IPv6 address")
                }
                port = afterHost.dropFirst()
            }
            guard IPAddress.ipv6Bytes(String(host)) != nil else {
                throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix has an invalid IPv6 address")
            }
        } else {
            let colon = authority.firstIndex(of: ":")
            host = authority[..<(colon ?? authority.endIndex)]
            port = colon.map { authority[authority.index(after: $0)...] }
            let isHostCharacter: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
            guard !host.isEmpty, host.allSatisfy(isHostCharacter) else {
                throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix has a missing or invalid host name")
            }
        }
        if let port {
            guard let number = Int(port), (1...65_535).contains(number), port.allSatisfy(\.isNumber) else {
                throw CloudinaryURLError("invalidUploadPrefix", "upload_prefix has an invalid port, so use a number from 1 to 65535")
            }
        }
        return String(host)
    }

    /// Returns whether `host` is `localhost`, an IPv4 address in 127.0.0.0/8, `::1`,
    /// or an IPv4-mapped IPv6 address in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        if host.lowercased() == "localhost" {
            return true
        }
        if let ipv4 = IPAddress.ipv4Bytes(host) {
            return ipv4[0] == 127
        }
        if let ipv6 = IPAddress.ipv6Bytes(host) {
            let isLoopbackV6 = ipv6 == [UInt8](repeating: 0, count: 15) + [1]
            let mappedPrefix = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF]
            let isMappedLoopbackV4 = Array(ipv6[0..<12]) == mappedPrefix && ipv6[12] == 127
            return isLoopbackV6 || isMappedLoopbackV4
        }
        return false
    }
}

/// Numeric IP addresses parsed with `inet_pton`, which accepts only the
/// standard text forms (four decimal octets for IPv4).
enum IPAddress {
    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else {
            return nil
        }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else {
            return nil
        }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}

/// Percent-decoding of URL components (RFC 3986, section 2.1).
enum PercentEncoding {
    /// Decodes `%XX` escapes, and `+` to a space when `plusIsSpace` is set.
    /// - Returns: The text, or nil for a malformed escape or bytes that are
    ///   not UTF-8.
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)

            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))

            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return digit - UInt8(ascii: "0")

        case UInt8(ascii: "a")...UInt8(ascii: "f"):
            return digit - UInt8(ascii: "a") + 10

        case UInt8(ascii: "A")...UInt8(ascii: "F"):
            return digit - UInt8(ascii: "A") + 10

        default:
            return nil
        }
    }
}

extension StringProtocol {
    /// Returns the text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
