import Foundation

/// Turns mapping outputs into Cloudinary upload parameter values: strings for
/// names and folders, comma-joined tags, and `key=value|key=value` for
/// context and structured metadata with `=` and `|` inside values escaped by
/// a backslash.
enum ParameterEncoding {
    static let parameterName = [
        "assetFolder": "asset_folder", "publicId": "public_id", "displayName": "display_name",
        "tags": "tags", "context": "context", "metadata": "metadata", "resourceType": "resource_type",
    ]

    static let resourceTypes: Set<String> = ["auto", "image", "video", "raw"]

    /// The encoded value, or nil when the expression produced null (the
    /// parameter is then not sent, or its default applies).
    static func encode(key: String, value: Any, text: String) throws(MappingError) -> String? {
        if value is NSNull {
            return nil
        }
        switch key {
        case "tags":
            return try tags(value, text: text)

        case "context":
            return try pairs(value, key: key, text: text, allowLists: false)

        case "metadata":
            return try pairs(value, key: key, text: text, allowLists: true)

        default:
            guard let string = value as? String, !(value is NSNumber) else {
                throw MappingError(key: key, problem: "expected a string, got \(text.prefix(200))")
            }
            if key == "resourceType" && !resourceTypes.contains(string) {
                throw MappingError(key: key, problem: "expected one of auto, image, video, raw, got \(text.prefix(200))")
            }
            if string.isEmpty && key != "assetFolder" {
                throw MappingError(key: key, problem: "produced an empty string")
            }
            return string
        }
    }

    private static func tags(_ value: Any, text: String) throws(MappingError) -> String? {
        guard let items = value as? [Any] else {
            throw MappingError(key: "tags", problem: "expected an array of strings, got \(text.prefix(200))")
        }
        var tags: [String] = []
        for item in items {
            guard let tag = scalarText(item) else {
                throw MappingError(key: "tags", problem: "expected an array of strings, got \(text.prefix(200))")
            }
            if tag.contains(",") {
                throw MappingError(key: "tags", problem: "the tag \"\(tag)\" contains a comma, which Cloudinary reads as a separator")
            }
            if !tag.isEmpty {
                tags.append(tag)
            }
        }
        return tags.isEmpty ? nil : tags.joined(separator: ",")
    }

    private static func pairs(_ value: Any, key: String, text: String, allowLists: Bool) throws(MappingError) -> String? {
        guard let object = value as? [String: Any] else {
            throw MappingError(key: key, problem: "expected an object, got \(text.prefix(200))")
        }
        var encoded: [String] = []
        for name in object.keys.sorted() {
            let item = object[name]!
            if item is NSNull {
                continue
            }
            let rendered: String
            if let scalar = scalarText(item) {
                rendered = scalar
            } else if allowLists, let list = item as? [Any], let strings = list.map(scalarText) as? [String] {
                // A multi-select metadata field takes a JSON array of its
                // values' external IDs.
                let data = (try? JSONSerialization.data(withJSONObject: strings, options: [.withoutEscapingSlashes])) ?? Data()
                rendered = String(decoding: data, as: UTF8.self)
            } else {
                throw MappingError(key: key, problem: "the value of \"\(name)\" must be \(allowLists ? "a string, number or list" : "a string or number"), got \(text.prefix(200))")
            }
            if name.isEmpty || name.contains("=") || name.contains("|") {
                throw MappingError(key: key, problem: "the key \"\(name)\" must not be empty or contain = or |")
            }
            encoded.append("\(name)=\(escape(rendered))")
        }
        return encoded.isEmpty ? nil : encoded.joined(separator: "|")
    }

    /// A string, number or boolean as text; nil for anything else.
    static func scalarText(_ value: Any) -> String? {
        if let number = value as? NSNumber {
            // JSONSerialization gives booleans as NSNumber whose Objective-C
            // type is "c" (char).
            if String(cString: number.objCType) == "c" {
                return number.boolValue ? "true" : "false"
            }
            return number.doubleValue == number.doubleValue.rounded() && abs(number.doubleValue) < 1e15
                ? String(number.int64Value) : number.stringValue
        }
        return value as? String
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "=", with: "\\=")
            .replacingOccurrences(of: "|", with: "\\|")
    }
}
