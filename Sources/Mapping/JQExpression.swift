import CJQ
import Foundation
import Synchronization

/// A jq program (libjq), compiled once to check it and run over JSON text.
///
/// - Important: libjq 1.6 shares state between threads in places (its number
///   formatting among them), so every use of the library goes through one
///   process-wide lock. An evaluation takes microseconds, so the lock costs
///   nothing noticeable next to a transfer.
public struct JQExpression: Sendable, Equatable {
    public let source: String

    private static let libraryLock = Mutex(())

    /// Compiles `source`; throws jq's own message when it does not compile.
    public init(_ source: String) throws(JQError) {
        self.source = source
        _ = try Self.libraryLock.withLock { _ throws(JQError) in
            try Self.withProgram(source) { _ in () }
        }
    }

    /// Runs the program over `inputJSON` and returns every output as JSON
    /// text. A runtime error (`error("...")`, `.a.b` on a string) throws.
    public func evaluate(inputJSON: String) throws(JQError) -> [String] {
        try Self.libraryLock.withLock { _ throws(JQError) in
            try Self.withProgram(source) { state throws(JQError) in
                let input = jv_parse(inputJSON)
                guard jv_is_valid(input) != 0 else {
                    throw JQError(message: "the input is not valid JSON: \(Self.invalidMessage(input))")
                }
                jq_start(state, input, 0)
                var outputs: [String] = []
                while true {
                    let value = jq_next(state)
                    if jv_is_valid(value) == 0 {
                        if jv_invalid_has_msg(jv_copy(value)) != 0 {
                            throw JQError(message: Self.invalidMessage(value))
                        }
                        jv_free(value)
                        return outputs
                    }
                    let text = jv_dump_string(value, Int32(JV_PRINT_SORTED.rawValue))
                    outputs.append(String(cString: jv_string_value(text)))
                    jv_free(text)
                }
            }
        }
    }

    /// Creates a jq state, compiles `source` into it, runs `body`, and frees
    /// the state. Call only while holding `libraryLock`.
    private static func withProgram<Result>(_ source: String,
                                            _ body: (OpaquePointer) throws(JQError) -> Result) throws(JQError) -> Result {
        var allocated = jq_init()
        guard let state = allocated else {
            throw JQError(message: "libjq could not allocate its state")
        }
        defer { jq_teardown(&allocated) }
        let messages = CompileMessages()
        let box = Unmanaged.passRetained(messages)
        defer { box.release() }
        jq_set_error_cb(state, compileErrorCallback, box.toOpaque())
        guard jq_compile(state, source) != 0 else {
            let text = messages.lines.isEmpty ? "the expression does not compile" : messages.lines.joined(separator: "; ")
            throw JQError(message: text)
        }
        return try body(state)
    }

    /// The message of an invalid jv (a parse or runtime error); frees it.
    private static func invalidMessage(_ value: jv) -> String {
        let message = jv_invalid_get_msg(value)
        defer { jv_free(message) }
        switch jv_get_kind(message) {
        case JV_KIND_STRING:
            return String(cString: jv_string_value(message))

        case JV_KIND_NULL:
            return "unknown error"

        default:
            let dumped = jv_dump_string(jv_copy(message), 0)
            defer { jv_free(dumped) }
            return String(cString: jv_string_value(dumped))
        }
    }

    public static func == (lhs: JQExpression, rhs: JQExpression) -> Bool {
        lhs.source == rhs.source
    }
}

/// A jq program that does not compile, or failed on an input.
public struct JQError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public var description: String { message }
}

/// Collects what jq reports while compiling.
private final class CompileMessages {
    var lines: [String] = []
}

private let compileErrorCallback: @convention(c) (UnsafeMutableRawPointer?, jv) -> Void = { context, message in
    let messages = Unmanaged<CompileMessages>.fromOpaque(context!).takeUnretainedValue()
    if jv_get_kind(message) == JV_KIND_STRING {
        messages.lines.append(String(cString: jv_string_value(message)))
        jv_free(message)
    } else {
        let text = jv_dump_string(message, 0)
        messages.lines.append(String(cString: jv_string_value(text)))
        jv_free(text)
    }
}
