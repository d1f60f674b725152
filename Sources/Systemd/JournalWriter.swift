import CSystemd
import Foundation

/// Writes structured entries to journald with its native protocol
/// (sd_journal_sendv(3)).
public enum JournalWriter {
    /// Sends one entry. Field names must be upper-case letters, digits and
    /// `_`, not starting with `_`; values may hold any bytes, newlines
    /// included. Returns false when journald did not take the entry.
    @discardableResult
    public static func send(_ fields: [(String, String)]) -> Bool {
        let lines = fields.map { Array("\($0.0)=\($0.1)".utf8) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(lines.reduce(0) { $0 + $1.count }, 1), alignment: 1)
        defer { storage.deallocate() }
        var vectors: [iovec] = []
        var offset = 0
        for line in lines {
            let slice = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<offset + line.count])
            slice.copyBytes(from: line)
            vectors.append(iovec(iov_base: slice.baseAddress, iov_len: line.count))
            offset += line.count
        }
        return sd_journal_sendv(vectors, Int32(vectors.count)) == 0
    }

    /// Whether journald's native socket exists.
    public static var socketExists: Bool {
        FileManager.default.fileExists(atPath: "/run/systemd/journal/socket")
    }

    /// Whether standard error is connected to journald: `JOURNAL_STREAM`
    /// names the device and inode of the stream journald gave this process,
    /// and they match what fstat(2) reports for descriptor 2. A redirect or a
    /// terminal does not match.
    public static func standardErrorIsJournal(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
