import Crypto
import Foundation

/// An MD5 computed on a thread of its own, over bytes fed through a pipe.
///
/// MD5 runs at about 800 MB/s on one core of the benchmark machine. On the
/// download thread it would slow every byte by the time to hash it, so it
/// runs here, beside the download and the upload.
final class BackgroundDigest: @unchecked Sendable {
    // @unchecked: `digest` is used only by the hashing thread until
    // `ended` is signalled, and only by the caller of `hexString()` after.
    private let pipe: BoundedPipe
    private let digest = MessageDigest(.md5)
    private let ended = DispatchSemaphore(value: 0)

    /// Starts the hashing thread. `capacity` bounds the bytes waiting to be
    /// hashed; a writer blocks while that many are waiting.
    init(capacity: Int, name: String) {
        pipe = BoundedPipe(capacity: capacity)
        let thread = Thread { [self] in
            hashUntilEnd()
        }
        thread.name = name
        thread.start()
    }

    private func hashUntilEnd() {
        do {
            while try pipe.consume(upTo: pipe.capacity, { digest.update($0) }) > 0 {}
        } catch {
            // The input failed; the transfer reports the cause.
        }
        ended.signal()
    }

    /// Queues `bytes` for hashing, blocking while the queue is full.
    func update(_ bytes: UnsafeRawBufferPointer) throws {
        try pipe.write(bytes)
    }

    /// Ends the input; `hexString()` then returns the digest of every byte.
    func finish() {
        pipe.finish()
    }

    /// Ends the input without a digest and stops the thread.
    func fail(_ error: any Error) {
        pipe.fail(error)
    }

    /// Waits for the hashing thread to end and returns the lower-case hex MD5
    /// of every byte queued. Call once, after `finish()`.
    func hexString() -> String {
        ended.wait()
        return digest.finalize().hexString
    }
}
