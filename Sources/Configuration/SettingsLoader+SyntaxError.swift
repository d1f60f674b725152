import Foundation

extension SettingsLoader {
    /// Describes why `JSONDecoder` rejected `data`. Its errors carry no line
    /// or column, so `JSON5SyntaxChecker` looks for the first syntax error.
    /// Where the two grammars differ the checker may find none, and then the
    /// message reports that and names the first construct `JSONDecoder` rejects.
    static func syntaxError(in data: Data, source: String) -> ConfigurationError {
        let result = JSON5SyntaxChecker.check(data)
        if let syntaxError = result.syntaxError {
            return ConfigurationError(source: source, key: nil, problem: syntaxError.message, position: syntaxError.position)
        }
        var problem = "not valid JSON5 according to Foundation's JSON parser, which gave no line or column "
            + "(check quotes, brackets and commas)"
        var advice: [String] = []
        if let limitation = result.firstDecoderLimitation {
            advice.append(limitation.advice)
        }
        if let interpolation = result.firstInterpolation, interpolation != result.firstDecoderLimitation {
            advice.append(interpolation.advice)
        }
        if !advice.isEmpty {
            problem += ". " + advice.joined(separator: " ")
        }
        return ConfigurationError(source: source, key: nil, problem: problem)
    }
}
