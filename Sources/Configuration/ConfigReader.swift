import Foundation

/// Reads typed values out of a JSON5 object, recording a problem (with its
/// key path) for each value that is missing, of the wrong type or out of
/// range, and for each key it does not know.
final class ConfigReader {
    private let source: String
    private(set) var errors: [ConfigurationError] = []

    init(source: String) {
        self.source = source
    }

    func fail(_ key: String?, _ problem: String) {
        errors.append(ConfigurationError(source: source, key: key, problem: problem))
    }

    /// The object at `key` inside `object`, or an empty one when absent.
    /// Unknown keys in it are reported, so that a typo is not silently ignored.
    func section(_ object: [String: JSONValue], _ name: String, path: String, known: Set<String>) -> [String: JSONValue] {
        guard let value = object[name], value != .null else { return [:] }
        guard case .object(let fields) = value else {
            fail(path, "expected an object, found \(value.typeDescription)")
            return [:]
        }
        rejectUnknownKeys(fields, path: path, known: known)
        return fields
    }

    func rejectUnknownKeys(_ fields: [String: JSONValue], path: String?, known: Set<String>) {
        for key in fields.keys.sorted() where !known.contains(key) {
            let full = path.map { "\($0).\(key)" } ?? key
            fail(full, "unknown key; known keys here are \(known.sorted().joined(separator: ", "))")
        }
    }

    func string(_ object: [String: JSONValue], _ name: String, path: String, default fallback: String?) -> String? {
        switch object[name] {
        case nil, .null?:
            return fallback

        case .string(let text)?:
            return text

        case let other?:
            fail(path, "expected a string, found \(other.typeDescription) \(other.shortDescription)")
            return fallback
        }
    }

    func nonEmptyString(_ object: [String: JSONValue], _ name: String, path: String, default fallback: String) -> String {
        let value = string(object, name, path: path, default: fallback) ?? fallback
        if value.trimmingCharacters(in: .whitespaces).isEmpty {
            fail(path, "must not be empty")
            return fallback
        }
        return value
    }

    func integer(_ object: [String: JSONValue], _ name: String, path: String, default fallback: Int,
                 range: ClosedRange<Int>) -> Int {
        switch object[name] {
        case nil, .null?:
            return fallback

        case .number(let number)?:
            guard number == number.rounded(), let value = Int(exactly: number), range.contains(value) else {
                fail(path, "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(JSONValue.number(number).shortDescription)")
                return fallback
            }
            return value

        case let other?:
            fail(path, "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(other.typeDescription) \(other.shortDescription)")
            return fallback
        }
    }

    func bool(_ object: [String: JSONValue], _ name: String, path: String, default fallback: Bool) -> Bool {
        switch object[name] {
        case nil, .null?:
            return fallback

        case .bool(let flag)?:
            return flag

        case let other?:
            fail(path, "expected true or false, found \(other.typeDescription) \(other.shortDescription)")
            return fallback
        }
    }

    func stringList(_ object: [String: JSONValue], _ name: String, path: String, default fallback: [String]) -> [String] {
        switch object[name] {
        case nil, .null?:
            return fallback

        case .array(let items)?:
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item, !text.isEmpty else {
                    fail("\(path)[\(index)]", "expected a non-empty string, found \(item.typeDescription) \(item.shortDescription)")
                    continue
                }
                strings.append(text)
            }
            if items.isEmpty {
                fail(path, "must list at least one value")
                return fallback
            }
            return strings

        case let other?:
            fail(path, "expected a list of strings, found \(other.typeDescription) \(other.shortDescription)")
            return fallback
        }
    }
}
