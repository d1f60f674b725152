import Foundation

/// jq expressions that turn one document's Workfront data into Cloudinary
/// upload parameters.
///
/// Each expression runs over `{task, project, document, version, custom}`
/// (`custom` contains the task's and the project's custom form values by field
/// name, without the `DE:` prefix; the task's win). An absent expression
/// keeps the default behaviour.
public struct DocumentMapping: Sendable, Equatable {
    /// The mapping keys, in the order they are evaluated and reported.
    public static let keys = ["assetFolder", "publicId", "displayName", "tags", "context", "metadata", "resourceType"]

    public var expressions: [String: JQExpression]
    /// Extra Workfront task fields that discovery requests (`DE:Campaign`,
    /// `project:ownerID`).
    public var fields: [String]

    public init(expressions: [String: JQExpression] = [:], fields: [String] = []) {
        self.expressions = expressions
        self.fields = fields
    }

    /// Whether any expression reads custom form values, so discovery must ask
    /// Workfront for them.
    public var usesCustomValues: Bool {
        expressions.values.contains { $0.source.contains(".custom") }
    }

    /// Evaluates every expression over `input` (a JSON object as text) and
    /// returns the upload parameters they set, encoded as Cloudinary expects.
    /// Throws a `MappingError` naming the key and the value it produced.
    public func evaluate(inputJSON: String) throws(MappingError) -> [String: String] {
        var parameters: [String: String] = [:]
        for key in Self.keys {
            guard let expression = expressions[key] else { continue }
            let outputs: [String]
            do {
                outputs = try expression.evaluate(inputJSON: inputJSON)
            } catch {
                throw MappingError(key: key, problem: "jq failed: \(error.message)")
            }
            guard outputs.count == 1, let output = outputs.first else {
                throw MappingError(key: key, problem: "produced \(outputs.count) values; it must produce exactly one")
            }
            let value = try JSONText.parse(output, key: key)
            if let encoded = try ParameterEncoding.encode(key: key, value: value, text: output) {
                parameters[ParameterEncoding.parameterName[key]!] = encoded
            }
        }
        return parameters
    }
}

/// A mapping expression that failed or produced the wrong kind of value.
public struct MappingError: Error, CustomStringConvertible, Sendable {
    public var key: String
    public var problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "mapping.\(key): \(problem)" }
}

enum JSONText {
    static func parse(_ text: String, key: String) throws(MappingError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw MappingError(key: key, problem: "produced text that is not JSON: \(text.prefix(200))")
        }
    }
}
