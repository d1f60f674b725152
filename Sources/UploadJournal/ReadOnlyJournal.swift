import CSQLite
import Foundation

extension UploadJournal {
    /// Opens the journal in `directory` for reading only, for `history`.
    ///
    /// Unlike `open(directory:)`, it creates no folder or file and leaves an
    /// unreadable journal where it is. A journal whose write-ahead log is
    /// gone, because the service closed it cleanly, is opened as immutable,
    /// since SQLite would otherwise create `-wal` and `-shm` files next to it,
    /// owned by the user who runs `history`.
    /// - Throws: `JournalError` of kind `notFound` when the file does not
    ///   exist, or `unreadable` with the reason from the system or SQLite.
    public static func openReadOnly(directory: String) throws(JournalError) -> UploadJournal {
        let path = "\(directory)/\(fileName)"
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw JournalError(kind: .notFound,
                                   message: "no upload journal at \(path); the service creates it on its first upload")
            }
            throw JournalError(kind: .unreadable, message: "the upload journal at \(path) is unreadable: \(String(cString: strerror(code)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw JournalError(kind: .unreadable, message: "the upload journal at \(path) is unreadable: it is not a regular file")
        }

        // NOTE: the service may start writing between this check and the
        // query. Its writes go to a new write-ahead log that an immutable
        // reader does not see, so `history` then misses those uploads.
        let hasWriteAheadLog = FileManager.default.fileExists(atPath: path + "-wal")
        let uri = fileURI(path) + (hasWriteAheadLog ? "?mode=ro" : "?mode=ro&immutable=1")
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(uri, &handle, flags, nil) == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw JournalError(kind: .unreadable, message: "the upload journal at \(path) is unreadable: \(reason)")
        }
        sqlite3_busy_timeout(handle, 5000)
        // SQLite reads the file only on the first query, so a file that is
        // not a journal fails here.
        guard sqlite3_exec(handle, "SELECT 1 FROM uploads LIMIT 1", nil, nil, nil) == SQLITE_OK else {
            let reason = String(cString: sqlite3_errmsg(handle))
            sqlite3_close(handle)
            throw JournalError(kind: .unreadable, message: "the upload journal at \(path) is unreadable: \(reason)")
        }
        return UploadJournal(path: path, connection: handle)
    }

    /// Returns a `file:` URI for `path`, as SQLite's URI filenames expect,
    /// with the characters that end a path in a URI percent-encoded.
    private static func fileURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var encoded = ""
        for character in absolute.unicodeScalars {
            switch character {
            case "%": encoded += "%25"
            case "?": encoded += "%3F"
            case "#": encoded += "%23"
            default: encoded.unicodeScalars.append(character)
            }
        }
        return "file://" + encoded
    }
}
