import Foundation
import Synchronization
import Transfer

/// A live line on a terminal's standard error with each running transfer's
/// file name, share done, rate and time left, redrawn at most four times a
/// second. Used by `once` only when standard error is a terminal.
final class TerminalProgress: TransferProgress {
    struct Transfer {
        var name: String
        var total: Int64?
        var done: Int64 = 0
        var started = ContinuousClock.now
    }

    struct State {
        var transfers: [String: Transfer] = [:]
        var lastDraw = ContinuousClock.now - .seconds(1)
        var drawn = false
    }

    private let state = Mutex(State())

    static var isTerminal: Bool { isatty(2) == 1 }

    func started(_ id: String, name: String, total: Int64?) {
        state.withLock { $0.transfers[id] = Transfer(name: name, total: total) }
        draw(force: true)
    }

    func advanced(_ id: String, by count: Int) {
        state.withLock { $0.transfers[id]?.done += Int64(count) }
        draw(force: false)
    }

    func finished(_ id: String) {
        state.withLock { $0.transfers[id] = nil }
        draw(force: true)
    }

    /// Clears the line, so that the summary starts on a clean one.
    func clear() {
        state.withLock { state in
            if state.drawn {
                FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
                state.drawn = false
            }
        }
    }

    private func draw(force: Bool) {
        state.withLock { state in
            let now = ContinuousClock.now
            guard force || now - state.lastDraw >= .milliseconds(250) else { return }
            state.lastDraw = now
            let parts = state.transfers.values.sorted { $0.name < $1.name }.map { Self.describe($0, now: now) }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + parts.joined(separator: " | ")).utf8))
            state.drawn = !parts.isEmpty
        }
    }

    static func describe(_ transfer: Transfer, now: ContinuousClock.Instant) -> String {
        let elapsed = max(Double((now - transfer.started).components.attoseconds) / 1e18
            + Double((now - transfer.started).components.seconds), 0.001)
        let rate = Double(transfer.done) / elapsed
        var text = "\(Output.printable(String(transfer.name.prefix(40)))) \(megabytes(transfer.done))"
        if let total = transfer.total, total > 0 {
            text += "/\(megabytes(total)) \(Int(Double(transfer.done) * 100 / Double(total)))%"
            if rate > 0 {
                text += " ETA \(Int(Double(total - transfer.done) / rate)) s"
            }
        }
        return text + String(format: " %.1f MB/s", rate / 1_000_000)
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
