import CSQLite
import Foundation
import Synchronization

/// One document version that Cloudinary confirmed.
public struct UploadRecord: Sendable, Equatable {
    public var documentID: String
    public var versionID: String
    public var taskID: String
    public var publicID: String
    public var cloudinaryVersion: Int
    public var secureURL: String
    public var bytes: Int64
    public var md5: String

    public init(documentID: String, versionID: String, taskID: String, publicID: String, cloudinaryVersion: Int,
                secureURL: String, bytes: Int64, md5: String) {
        self.documentID = documentID
        self.versionID = versionID
        self.taskID = taskID
        self.publicID = publicID
        self.cloudinaryVersion = cloudinaryVersion
        self.secureURL = secureURL
        self.bytes = bytes
        self.md5 = md5
    }
}

/// A journal that cannot be opened or written.
public struct JournalError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// There is no journal file. Only `openReadOnly` reports this kind.
        case notFound
        /// The file exists but cannot be read as a journal.
        case unreadable
        /// Any other failure to create, open, read or write the journal.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind = .failed, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The record of uploaded document versions, an SQLite database in WAL mode
/// in the state directory.
///
/// A version is recorded after Cloudinary confirms it and before the
/// Workfront write-back, so a retry or a restart after a crash skips the
/// upload and finishes only the write-back. The journal also records the
/// note posted on a failed task until the task's status is written.
public final class UploadJournal: Sendable {
    public static let fileName = "journal.sqlite3"

    private let connection: Mutex<OpaquePointer>
    public let path: String

    /// Opens or creates the journal in `directory`. A file that is not a
    /// readable SQLite database is renamed to `journal.sqlite3.corrupt-<time>`
    /// and a new journal is started; `movedAside` then names the old file.
    public static func open(directory: String) throws(JournalError) -> (UploadJournal, movedAside: String?) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw JournalError(message: "cannot create the state directory \(directory): \(error.localizedDescription)")
        }
        let path = "\(directory)/\(fileName)"
        do {
            return (try UploadJournal(path: path), nil)
        } catch let error where error.isCorruption {
            let aside = "\(path).corrupt-\(Int(Date().timeIntervalSince1970))"
            do {
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                try? FileManager.default.removeItem(atPath: path + "-wal")
                try? FileManager.default.removeItem(atPath: path + "-shm")
            } catch {
                throw JournalError(message: "the journal \(path) is corrupt and could not be moved aside: \(error.localizedDescription)")
            }
            do {
                return (try UploadJournal(path: path), aside)
            } catch {
                throw JournalError(message: error.message)
            }
        } catch {
            throw JournalError(message: error.message)
        }
    }

    /// Opens an empty journal held in memory, for commands that build the
    /// service's parts without moving documents (`check-config`, `doctor`),
    /// so that they create no file.
    public static func inMemory() throws(JournalError) -> UploadJournal {
        do {
            return try UploadJournal(path: ":memory:")
        } catch {
            throw JournalError(message: error.message)
        }
    }

    /// Wraps a connection that is already open and checked.
    init(path: String, connection handle: sending OpaquePointer) {
        self.path = path
        connection = Mutex(handle)
    }

    private init(path: String) throws(OpenFailure) {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw OpenFailure(message: "cannot open the journal \(path): \(message)", isCorruption: false)
        }
        sqlite3_busy_timeout(handle, 5000)
        let setup = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS uploads (
                document_id TEXT NOT NULL, version_id TEXT NOT NULL, task_id TEXT NOT NULL,
                public_id TEXT NOT NULL, cloudinary_version INTEGER NOT NULL, secure_url TEXT NOT NULL,
                bytes INTEGER NOT NULL, md5 TEXT NOT NULL, uploaded_at TEXT NOT NULL,
                PRIMARY KEY (document_id, version_id));
            CREATE TABLE IF NOT EXISTS posted_notes (
                task_id TEXT PRIMARY KEY, note_sha256 TEXT NOT NULL, posted_at TEXT NOT NULL);
            """
        let code = sqlite3_exec(handle, setup, nil, nil, nil)
        guard code == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close(handle)
            throw OpenFailure(message: "cannot open the journal \(path): \(message)",
                              isCorruption: code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
        }
        connection = Mutex(handle)
    }

    deinit {
        connection.withLock { _ = sqlite3_close($0) }
    }

    /// The record of this document version, or nil when it was never uploaded.
    public func lookup(documentID: String, versionID: String) throws(JournalError) -> UploadRecord? {
        try withStatement("""
            SELECT task_id, public_id, cloudinary_version, secure_url, bytes, md5
            FROM uploads WHERE document_id = ?1 AND version_id = ?2
            """, bind: [documentID, versionID]) { statement in
            guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
            return UploadRecord(documentID: documentID, versionID: versionID, taskID: Self.text(statement, 0),
                                publicID: Self.text(statement, 1), cloudinaryVersion: Int(sqlite3_column_int64(statement, 2)),
                                secureURL: Self.text(statement, 3), bytes: sqlite3_column_int64(statement, 4),
                                md5: Self.text(statement, 5))
        }
    }

    /// Records a confirmed upload, replacing an older record of the same version.
    public func record(_ upload: UploadRecord) throws(JournalError) {
        let now = ISO8601DateFormatter().string(from: Date())
        try withStatement("""
            INSERT OR REPLACE INTO uploads VALUES (?1, ?2, ?3, ?4, \(upload.cloudinaryVersion), ?5, \(upload.bytes), ?6, ?7)
            """, bind: [upload.documentID, upload.versionID, upload.taskID, upload.publicID, upload.secureURL, upload.md5, now]) { statement throws(JournalError) in
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw JournalError(message: "cannot write to the journal \(path): \(String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))")
            }
        }
    }

    /// Every recorded upload, oldest first, optionally of one task and
    /// since an ISO 8601 time (`2026-12-01` or `2026-12-01T08:00:00Z`).
    public func history(taskID: String? = nil, since: String? = nil) throws(JournalError) -> [(record: UploadRecord, uploadedAt: String)] {
        try withStatement("""
            SELECT document_id, version_id, task_id, public_id, cloudinary_version, secure_url, bytes, md5, uploaded_at
            FROM uploads WHERE (?1 = '' OR task_id = ?1) AND (?2 = '' OR uploaded_at >= ?2)
            ORDER BY uploaded_at, document_id
            """, bind: [taskID ?? "", since ?? ""]) { statement in
            var rows: [(record: UploadRecord, uploadedAt: String)] = []
            while sqlite3_step(statement) == SQLITE_ROW {
                let record = UploadRecord(
                    documentID: Self.text(statement, 0), versionID: Self.text(statement, 1), taskID: Self.text(statement, 2),
                    publicID: Self.text(statement, 3), cloudinaryVersion: Int(sqlite3_column_int64(statement, 4)),
                    secureURL: Self.text(statement, 5), bytes: sqlite3_column_int64(statement, 6), md5: Self.text(statement, 7))
                rows.append((record, Self.text(statement, 8)))
            }
            return rows
        }
    }

    func withStatement<Result: Sendable>(_ sql: String, bind values: [String],
                                       _ body: (OpaquePointer) throws(JournalError) -> Result) throws(JournalError) -> Result {
        try connection.withLock { (handle: inout OpaquePointer) throws(JournalError) -> Result in
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw JournalError(message: "cannot read the journal \(path): \(String(cString: sqlite3_errmsg(handle)))")
            }
            defer { sqlite3_finalize(statement) }
            for (index, value) in values.enumerated() {
                _ = wf2c_bind_text(statement, Int32(index + 1), value)
            }
            return try body(statement)
        }
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }
}

private struct OpenFailure: Error {
    var message: String
    var isCorruption: Bool
}
