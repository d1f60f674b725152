@testable import Configuration
import Foundation
import Testing

/// Returns whether `JSONDecoder`, configured as `SettingsLoader` configures
/// it, rejects `data`.
private func decoderRejects(_ data: Data) -> Bool {
    let decoder = JSONDecoder()
    decoder.allowsJSON5 = true
    return (try? decoder.decode(JSONValue.self, from: data)) == nil
}

/// Returns the syntax error the checker finds in `text`, failing the test
/// when it finds none or when `JSONDecoder` accepts the text, because the
/// checker runs only after `JSONDecoder` has failed.
private func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON5SyntaxChecker.SyntaxError {
    try syntaxError(Data(text.utf8), sourceLocation: sourceLocation)
}

private func syntaxError(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON5SyntaxChecker.SyntaxError {
    #expect(decoderRejects(data), "JSONDecoder accepts the sample", sourceLocation: sourceLocation)
    return try #require(JSON5SyntaxChecker.check(data).syntaxError, "no syntax error found", sourceLocation: sourceLocation)
}

/// The package root, found from this file's path.
private let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            return url
        }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

@Suite("JSON5SyntaxChecker")
struct JSON5SyntaxCheckerTests {
    // MARK: Located errors

    @Test func missingCommaBetweenMembers() throws {
        let text = """
            {
              workfront: { url: "https://acme.my.workfront.com" },
              statuses: { trigger: ["UPL"] done: "CPL" },
            }
            """
        let error = try syntaxError(text)
        #expect(error.position == TextPosition(line: 3, column: 32))
        #expect(error.message == #"expected ',' or '}' after the value of "trigger", found 'done'"#)
    }

    @Test func missingCommaBetweenItems() throws {
        let error = try syntaxError(#"{ trigger: ["UPL" "RDY"] }"#)
        #expect(error.position == TextPosition(line: 1, column: 19))
        #expect(error.message == #"expected ',' or ']' after item 1 of "trigger", found '"'"#)
    }

    @Test func missingCommaInNestedArray() throws {
        let error = try syntaxError("[[1, 2] [3]]")
        #expect(error.position == TextPosition(line: 1, column: 9))
        #expect(error.message == "expected ',' or ']' after item 1 of the array, found '['")
    }

    @Test func unclosedStringAtLineEnd() throws {
        let text = """
            {
              statuses: { done: "CPL },
              workers: 4,
            }
            """
        let error = try syntaxError(text)
        #expect(error.position == TextPosition(line: 2, column: 21))
        #expect(error.message == #"the string starting here is not closed: expected '"' before the end of the line"#)
    }

    @Test func unclosedStringAtFileEnd() throws {
        let error = try syntaxError("{ done: 'CPL")
        #expect(error.position == TextPosition(line: 1, column: 9))
        #expect(error.message == #"the string starting here is not closed: expected "'" before the end of the file"#)
    }

    @Test func unclosedBlockComment() throws {
        let text = """
            {
              workers: 4, /* the default
              is 4
            }
            """
        let error = try syntaxError(text)
        #expect(error.position == TextPosition(line: 2, column: 15))
        #expect(error.message == "the comment starting here is not closed: expected '*/' before the end of the file")
    }

    @Test func unclosedNestedObject() throws {
        let text = """
            {
              workers: 4,
              workfront: { url: "https://acme.my.workfront.com",

            """
        let error = try syntaxError(text)
        #expect(error.position == TextPosition(line: 3, column: 14))
        #expect(error.message == #"the object for "workfront" opened here is not closed: expected '}' before the end of the file"#)
    }

    @Test func unclosedTopLevelObject() throws {
        let error = try syntaxError(#"{ workfront: { url: "https://a.example.com" }"#)
        #expect(error.position == TextPosition(line: 1, column: 1))
        #expect(error.message == "the object opened here is not closed: expected '}' before the end of the file")
    }

    @Test func unclosedArray() throws {
        let error = try syntaxError("{\n  statuses: { trigger: [\"UPL\", \"RDY\",\n")
        #expect(error.position == TextPosition(line: 2, column: 24))
        #expect(error.message == #"the array for "trigger" opened here is not closed: expected ']' before the end of the file"#)
    }

    @Test func arrayClosedWithBrace() throws {
        let error = try syntaxError(#"{ trigger: ["UPL", "RDY" }"#)
        #expect(error.position == TextPosition(line: 1, column: 26))
        #expect(error.message == #"expected ',' or ']' after item 2 of "trigger", found '}'"#)
    }

    @Test func emptyFile() throws {
        for text in ["", " \n\t\n"] {
            let error = try syntaxError(text)
            #expect(error.position == TextPosition(line: 1, column: 1), "\(text.debugDescription)")
            #expect(error.message == "the file is empty", "\(text.debugDescription)")
        }
    }

    @Test func onlyComments() throws {
        let error = try syntaxError("// settings\n/* none yet */ ")
        #expect(error.position == TextPosition(line: 2, column: 16))
        #expect(error.message == "expected a value, found the end of the file")
    }

    @Test func textAfterTopLevelValue() throws {
        let error = try syntaxError("{ workers: 4 }\n}\n")
        #expect(error.position == TextPosition(line: 2, column: 1))
        #expect(error.message == "expected the end of the file after the top-level value, found '}'")
    }

    @Test func strayCharacterForKey() throws {
        let error = try syntaxError("{ workers: 4, @ }")
        #expect(error.position == TextPosition(line: 1, column: 15))
        #expect(error.message == "expected a key or '}', found '@'")
    }

    @Test func strayCharacterForValue() throws {
        let error = try syntaxError("{ workers: # }")
        #expect(error.position == TextPosition(line: 1, column: 12))
        #expect(error.message == #"expected a value for "workers", found '#'"#)
    }

    @Test func strayCharacterInArray() throws {
        let error = try syntaxError("[1, ;]")
        #expect(error.position == TextPosition(line: 1, column: 5))
        #expect(error.message == "expected a value or ']', found ';'")
    }

    @Test func controlCharacterEscapedInMessage() throws {
        for (character, shown) in [("\u{0}", #"'\u0000'"#), ("\u{7}", #"'\u0007'"#), ("\u{200B}", #"'\u200B'"#), ("\u{7F}", #"'\u007F'"#)] {
            let error = try syntaxError("{ workers:\(character)4 }")
            #expect(error.position == TextPosition(line: 1, column: 11), "\(shown)")
            #expect(error.message == #"expected a value for "workers", found "# + shown)
        }
    }

    @Test func tabAndQuoteShownEscaped() throws {
        let tab = try syntaxError("{ a: 1e\t}")
        #expect(tab.message == #"expected a digit in the exponent, found '\t'"#)
        let quote = try syntaxError("{ workers: 4 ' }")
        #expect(quote.message == #"expected ',' or '}' after the value of "workers", found "'""#)
    }

    @Test func doubledComma() throws {
        let error = try syntaxError("{ workers: 2,, }")
        #expect(error.position == TextPosition(line: 1, column: 14))
        #expect(error.message == "expected a key or '}', found ','")
    }

    @Test func missingColon() throws {
        let error = try syntaxError("{ workers 4 }")
        #expect(error.position == TextPosition(line: 1, column: 11))
        #expect(error.message == #"expected ':' after the key "workers", found '4'"#)
    }

    @Test func unquotedText() throws {
        let error = try syntaxError("{ done: CPL }")
        #expect(error.position == TextPosition(line: 1, column: 9))
        #expect(error.message == #"expected a value for "done", found 'CPL' (text needs quotes)"#)
    }

    @Test func invalidEscapes() throws {
        let cases: [(text: String, column: Int, message: String)] = [
            (#"{ a: "\1" }"#, 7, #"'\1' is not a valid escape; write '\\' for a backslash"#),
            (#"{ a: "\01" }"#, 7, #"'\0' followed by a digit is not a valid escape; write '\\' for a backslash"#),
            (#"{ a: "\x4g" }"#, 10, #"expected two hex digits after '\x', found 'g'"#),
            (#"{ a: '\u12' }"#, 11, #"expected four hex digits after '\u', found "'""#),
            (#"{ a\x: 1 }"#, 4, #"expected '\u' and four hex digits after '\' in a key, found 'x'"#),
            (#"{ a\u002Db: 1 }"#, 4, #"an unquoted key cannot contain the character '\u002D'; put the key in quotes"#),
        ]
        for sample in cases {
            let error = try syntaxError(sample.text)
            #expect(error.position == TextPosition(line: 1, column: sample.column), "\(sample.text)")
            #expect(error.message == sample.message, "\(sample.text)")
        }
    }

    @Test func invalidNumbers() throws {
        let cases: [(text: String, column: Int, message: String)] = [
            ("{ a: 01 }", 6, "a number cannot start with '0' followed by a digit"),
            ("{ a: 1e }", 8, "expected a digit in the exponent, found ' '"),
            ("{ a: 0x }", 8, "expected a hex digit after '0x', found ' '"),
            ("{ a: -x }", 7, "expected a number after '-', found 'x'"),
            ("{ a: +Inf }", 7, "expected a number after '+', found 'Inf'"),
            ("{ a: - 1 }", 7, "expected a number after '-', found ' '"),
            ("{ a: 12px }", 8, "expected the end of the number, found 'p'"),
            ("{ a: . }", 7, "expected a digit after '.', found ' '"),
        ]
        for sample in cases {
            let error = try syntaxError(sample.text)
            #expect(error.position == TextPosition(line: 1, column: sample.column), "\(sample.text)")
            #expect(error.message == sample.message, "\(sample.text)")
        }
    }

    @Test func columnsCountCharacters() throws {
        // "e\u{301}" and "👍🏽" are one character each but two Unicode scalars.
        let error = try syntaxError("{ name: \"he\u{301}llo👍🏽\", x }")
        #expect(error.position == TextPosition(line: 1, column: 21))
        #expect(error.message == #"expected ':' after the key "x", found '}'"#)
    }

    @Test func lineBreaksOfEveryKind() throws {
        for lineBreak in ["\r\n", "\r", "\n"] {
            let error = try syntaxError(["{", "  a: 1", "  b: 2", "}"].joined(separator: lineBreak))
            #expect(error.position == TextPosition(line: 3, column: 3), "\(lineBreak.debugDescription)")
            #expect(error.message == #"expected ',' or '}' after the value of "a", found 'b'"#)
        }
    }

    @Test func invalidUTF8() throws {
        var data = Data("{\n  a: \"x".utf8)
        data.append(0xFF)
        data.append(contentsOf: Array("\" }".utf8))
        let error = try syntaxError(data)
        #expect(error.position == TextPosition(line: 2, column: 8))
        #expect(error.message == "the file is not valid UTF-8 text; save it as UTF-8")
    }

    @Test func syntaxErrorBeforeInvalidUTF8() throws {
        var data = Data("{ a: 1 b: \"".utf8)
        data.append(0xFF)
        data.append(contentsOf: Array("\" }".utf8))
        let error = try syntaxError(data)
        #expect(error.position == TextPosition(line: 1, column: 8))
        #expect(error.message == #"expected ',' or '}' after the value of "a", found 'b'"#)
    }

    @Test func deepNestingChecked() throws {
        let depth = 100_000
        let valid = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(JSON5SyntaxChecker.check(Data(valid.utf8)).syntaxError == nil)

        let error = try syntaxError(String(repeating: "[", count: depth))
        #expect(error.position == TextPosition(line: 1, column: depth))
        #expect(error.message == "the array opened here is not closed: expected ']' before the end of the file")
    }

    // MARK: Valid JSON5

    @Test func validSamplesNotFlagged() {
        let samples = [
            // The example on json5.org.
            """
            // comments
            {
              unquoted: 'and you can quote me on that',
              singleQuotes: 'I can use "double quotes" here',
              lineBreaks: "Look, Mom! \\
            No \\\\n's!",
              hexadecimal: 0xdecaf,
              leadingDecimalPoint: .8675309, andTrailing: 8675309.,
              positiveSign: +1,
              trailingComma: 'in objects', andIn: ['arrays',],
              "backwardsCompatible": "with JSON",
            }
            """,
            #"{ escapes: "\n\t\r\b\f\v\0\u00e9\x41\'\"\\\/\(.name)\q", single: '\'' }"#,
            "{ continued: 'one \\\r\ntwo \\\rthree \\\u{2028}four' }",
            "[Infinity, -Infinity, NaN, +NaN, -NaN, 1e5, 1E-5, 2.5e+3, -0x1F, 0XaB, 0, 0.0, -0.5, 5.e3, .5e1]",
            "[true, false, null, [], {}, [[]], {a: {}}]",
            #"{ $dollar: 1, _under: 2, ключ: 3, \u0061b: 4, a\u0062: 5, \u0031c: 6, true: 7, null: 8, Infinity: 9, "key": 10, 'k': 11 }"#,
            "{ e\u{301}: 1, a\u{200D}b: 2, a_1: 3 }",
            "\u{FEFF}{\u{0B}a\u{0C}:\u{A0}1,\u{2028}b\u{2003}:\u{2029}2\t}",
            "/* one ** two */ { a: /**/ 1 } // no line break at the end",
            "'top-level string'",
            "-42",
            "{ a: \"tab\there, line\u{2028}separator\" }",
        ]
        for sample in samples {
            let result = JSON5SyntaxChecker.check(Data(sample.utf8))
            #expect(result.syntaxError == nil, "\(sample)")
        }
    }

    @Test func repositoryExamplesNotFlagged() throws {
        var samples: [(name: String, text: String)] = []
        let packaged = packageRoot.appendingPathComponent("packaging/wf2cloudinary.json5")
        samples.append((packaged.lastPathComponent, try String(contentsOf: packaged, encoding: .utf8)))

        let documents = ["README.md"] + (try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path))
            .filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
        for document in documents {
            let markdown = try String(contentsOf: packageRoot.appendingPathComponent(document), encoding: .utf8)
            for (index, block) in markdown.components(separatedBy: "```json5\n").dropFirst().enumerated() {
                let code = block.components(separatedBy: "```").first ?? ""
                // Some examples show only a member, such as `mapping: { ... }`.
                let text = code.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") ? code : "{\n\(code)}"
                samples.append(("\(document) example \(index + 1)", text))
            }
        }
        #expect(samples.count >= 8, "found \(samples.map(\.name))")

        for sample in samples {
            let data = Data(sample.text.utf8)
            #expect(!decoderRejects(data), "JSONDecoder rejects \(sample.name)")
            #expect(JSON5SyntaxChecker.check(data) == JSON5SyntaxChecker.Result(), "\(sample.name)")
        }
    }

    // MARK: Constructs JSONDecoder rejects

    /// Pins what Foundation's `JSONDecoder` rejects but JSON5 allows: when a
    /// Foundation update accepts one of these, its case here fails.
    @Test func decoderLimitationsNoted() {
        let cases: [(text: String, kind: DecoderLimitation.Kind, column: Int)] = [
            (#"{ a: "\(.x)" }"#, .escape("("), 7),
            (#"{ a: "\v" }"#, .escape("v"), 7),
            (#"{ a: "x\0" }"#, .escape("0"), 8),
            (#"{ a: "x\q" }"#, .escape("q"), 8),
            ("{ a: \"x\\\u{2028}y\" }", .escape("\u{2028}"), 8),
            ("{ a: \"x\ty\" }", .controlCharacter("\t"), 8),
            ("{ a: \"x\u{1}y\" }", .controlCharacter("\u{1}"), 8),
            ("{\u{A0}a: 1 }", .whitespace("\u{A0}"), 2),
            ("{ a: 1,\u{2003}b: 2 }", .whitespace("\u{2003}"), 8),
            ("{ a: 1, \u{FEFF}b: 2 }", .whitespace("\u{FEFF}"), 9),
        ]
        for sample in cases {
            let data = Data(sample.text.utf8)
            let result = JSON5SyntaxChecker.check(data)

            #expect(decoderRejects(data), "JSONDecoder accepts \(sample.text.debugDescription)")
            #expect(result.syntaxError == nil, "\(sample.text.debugDescription)")
            #expect(result.firstDecoderLimitation?.kind == sample.kind, "\(sample.text.debugDescription)")
            #expect(result.firstDecoderLimitation?.position == TextPosition(line: 1, column: sample.column),
                    "\(sample.text.debugDescription)")
        }
    }

    @Test func interpolationNotedAfterOtherLimitation() {
        let result = JSON5SyntaxChecker.check(Data("{ a: \"x\ty\",\n  b: \"\\(.name)\" }".utf8))

        #expect(result.syntaxError == nil)
        #expect(result.firstDecoderLimitation?.kind == .controlCharacter("\t"))
        #expect(result.firstInterpolation?.position == TextPosition(line: 2, column: 7))
    }
}
