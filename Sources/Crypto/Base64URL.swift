/// Base64 with the URL- and file-safe alphabet of RFC 4648, section 5
/// (`-` and `_` in place of `+` and `/`), without `=` padding, as JSON Web
/// Tokens use it.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes bytes without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            appendDigits(of: group, count: 4, to: &output)
            index += 3
        }
        switch bytes.count - index {
        case 1:
            appendDigits(of: UInt32(bytes[index]) << 16, count: 2, to: &output)

        case 2:
            appendDigits(of: UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8, count: 3, to: &output)

        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes text with or without padding.
    /// - Returns: The bytes, or nil when the text contains a character
    ///   outside the alphabet or has an impossible length.
    public static func decode(_ text: String) -> [UInt8]? {
        var digits: [UInt8] = []
        for character in text.utf8 where character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else {
                return nil
            }
            digits.append(UInt8(value))
        }
        guard digits.count % 4 != 1 else {
            return nil
        }

        var output: [UInt8] = []
        output.reserveCapacity(digits.count * 3 / 4)
        var index = 0
        while index < digits.count {
            let chunk = digits[index..<min(index + 4, digits.count)]
            var group: UInt32 = 0
            for (position, digit) in chunk.enumerated() {
                group |= UInt32(digit) << (18 - 6 * UInt32(position))
            }
            // Four digits carry three bytes, three carry two, two carry one.
            for byteIndex in 0..<(chunk.count - 1) {
                output.append(UInt8(truncatingIfNeeded: group >> (16 - 8 * UInt32(byteIndex))))
            }
            index += 4
        }
        return output
    }

    /// Appends the top `count` six-bit digits of a 24-bit group.
    private static func appendDigits(of group: UInt32, count: Int, to output: inout [UInt8]) {
        for position in 0..<count {
            let value = (group >> (18 - 6 * UInt32(position))) & 0x3F
            output.append(alphabet[Int(value)])
        }
    }
}
