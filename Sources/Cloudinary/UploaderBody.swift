import HTTP

/// A multipart body streamed in three parts: the form's text fields and file
/// part headers, exactly `fileLength` bytes from the file source, and the
/// closing boundary.
final class MultipartBodySource: HTTPBodySource, @unchecked Sendable {
    // @unchecked: libcurl calls `read(into:)` from the one thread running
    // the request, and nothing else touches this object meanwhile.
    private let preamble: [UInt8]
    private let epilogue: [UInt8]
    private let file: any HTTPBodySource
    private let fileLength: Int64
    private var preambleSent = 0
    private var fileSent: Int64 = 0
    private var epilogueSent = 0

    init(preamble: [UInt8], file: any HTTPBodySource, fileLength: Int64, epilogue: [UInt8]) {
        self.preamble = preamble
        self.file = file
        self.fileLength = fileLength
        self.epilogue = epilogue
    }

    var length: Int64 { Int64(preamble.count) + fileLength + Int64(epilogue.count) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if preambleSent < preamble.count {
            return copy(preamble, from: &preambleSent, into: buffer)
        }
        if fileSent < fileLength {
            let window = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(Int64(buffer.count), fileLength - fileSent))])
            let count = try file.read(into: window)
            guard count > 0 else {
                throw BodyLengthMismatch(declared: fileLength, produced: fileSent)
            }
            fileSent += Int64(count)
            return count
        }
        return copy(epilogue, from: &epilogueSent, into: buffer)
    }

    private func copy(_ bytes: [UInt8], from offset: inout Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
