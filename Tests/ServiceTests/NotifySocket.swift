import Foundation

/// A unix datagram socket that replaces the service manager's
/// `NOTIFY_SOCKET`: a child process given `path` sends its sd_notify(3)
/// messages here, and the test reads them with their arrival times.
final class NotifySocket: @unchecked Sendable {
    // @unchecked: each test owns its socket and reads it from one task.

    /// One sd_notify(3) message and when it arrived.
    struct Message {
        var text: String
        var received: ContinuousClock.Instant

        /// The `KEY=value` lines, in order.
        var assignments: [(key: String, value: String)] {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                guard let equals = line.firstIndex(of: "=") else { return (String(line), "") }
                return (String(line[..<equals]), String(line[line.index(after: equals)...]))
            }
        }

        func value(_ key: String) -> String? {
            assignments.first { $0.key == key }?.value
        }
    }

    /// The value for `NOTIFY_SOCKET`: a file path, or `@name` for an
    /// abstract socket.
    let path: String
    private let descriptor: Int32
    private let folder: URL?

    /// Binds a socket file in a new temporary folder, or an abstract socket
    /// (no file) when `abstract` is true.
    init(abstract: Bool = false) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw NotifySocketError("socket(AF_UNIX, SOCK_DGRAM) failed: errno \(errno)")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name: [UInt8]
        if abstract {
            let label = "wf2c-notify-\(UUID().uuidString.prefix(12))"
            path = "@" + label
            folder = nil
            // An abstract address starts with a NUL byte instead of `@`.
            name = [0] + Array(label.utf8)
        } else {
            let created = FileManager.default.temporaryDirectory
                .appendingPathComponent("wf2c-notify-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: created, withIntermediateDirectories: true)
            folder = created
            path = created.appendingPathComponent("notify").path
            name = Array(path.utf8)
        }
        let length = withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: name)
            return MemoryLayout<sa_family_t>.size + name.count
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else {
            let code = errno
            close(descriptor)
            throw NotifySocketError("bind(\(path)) failed: errno \(code)")
        }
    }

    deinit {
        close(descriptor)
        if let folder {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Waits up to `timeout` for the next message. Returns nil when none came.
    func receive(timeout: Duration) -> Message? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, max(milliseconds, 0)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return Message(text: String(decoding: buffer[..<count], as: UTF8.self), received: .now)
    }

    /// Collects messages until one satisfies `isLast` or `timeout` passes.
    /// Returns every message received, the matching one last.
    func receive(until isLast: (Message) -> Bool, timeout: Duration) -> [Message] {
        let deadline = ContinuousClock.now + timeout
        var messages: [Message] = []
        while ContinuousClock.now < deadline, let message = receive(timeout: deadline - .now) {
            messages.append(message)
            if isLast(message) {
                break
            }
        }
        return messages
    }

    /// Collects every message that arrives within `window`.
    func drain(for window: Duration) -> [Message] {
        receive(until: { _ in false }, timeout: window)
    }
}

struct NotifySocketError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
