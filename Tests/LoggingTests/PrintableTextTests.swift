import Testing
@testable import Logging

@Suite("printable text")
struct PrintableTextTests {
    /// Characters that must not reach a terminal raw, with their escapes.
    static let escapes: [(Unicode.Scalar, String)] = [
        ("\u{1B}", "\\x1b"),
        ("\u{00}", "\\x00"),
        ("\u{7F}", "\\x7f"),
        ("\u{9B}", "\\x9b"),
        ("\u{AD}", "\\xad"),
        ("\u{200B}", "\\u{200b}"),
        ("\u{200E}", "\\u{200e}"),
        ("\u{200F}", "\\u{200f}"),
        ("\u{202A}", "\\u{202a}"),
        ("\u{202E}", "\\u{202e}"),
        ("\u{2066}", "\\u{2066}"),
        ("\u{2069}", "\\u{2069}"),
        ("\u{2028}", "\\u{2028}"),
        ("\u{2029}", "\\u{2029}"),
        ("\u{FEFF}", "\\u{feff}"),
        ("\u{E0001}", "\\u{e0001}"),
    ]

    @Test(arguments: escapes.indices)
    func escapedReplacesCharacter(index: Int) {
        let (scalar, escape) = Self.escapes[index]
        let text = "a" + String(Character(scalar)) + "b"
        #expect(PrintableText.escaped(text) == "a\(escape)b")
    }

    @Test func escapedKeepsVisibleText() {
        let text = "Hostile \"names\" 🎉 ü 名前 a\\b"
        #expect(PrintableText.escaped(text) == text)
    }

    @Test func escapedHonoursPredicate() {
        let text = "line\nnext\u{202E}gpj.exe"
        #expect(PrintableText.escaped(text, where: PrintableText.isFormat) == "line\nnext\\u{202e}gpj.exe")
    }

    @Test func quotedEscapesQuotesAndFormat() {
        #expect(PrintableText.quoted("Hostile \"names\" 🎉") == "\"Hostile \\\"names\\\" 🎉\"")
        #expect(PrintableText.quoted("a\\b\r\n\t\u{202E}") == "\"a\\\\b\\r\\n\\t\\u{202e}\"")
        #expect(PrintableText.quoted("") == "\"\"")
    }

    /// A file name with a right-to-left override reads `\u{202e}` in a log
    /// line instead of displaying as "photoexe.jpg".
    @Test func logValueWithOverrideIsQuoted() {
        #expect(StandardErrorSink.quoted("photo\u{202E}gpj.exe") == "\"photo\\u{202e}gpj.exe\"")
        #expect(StandardErrorSink.quoted("zero\u{200B}width") == "\"zero\\u{200b}width\"")
        #expect(StandardErrorSink.quoted("c1\u{9B}2J") == "\"c1\\x9b2J\"")
    }

    @Test func logValueStaysPlainWhenSafe() {
        #expect(StandardErrorSink.quoted("task-1") == "task-1")
        #expect(StandardErrorSink.quoted("Fotos_ü_🎉") == "Fotos_ü_🎉")
        #expect(StandardErrorSink.quoted("two words") == "\"two words\"")
        #expect(StandardErrorSink.quoted("evil\u{1B}[2J\r\nname\u{07}\u{00}.jpg") == "\"evil\\x1b[2J\\r\\nname\\x07\\x00.jpg\"")
    }
}
