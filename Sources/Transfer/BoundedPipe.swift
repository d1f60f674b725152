import Foundation
import HTTP

/// A byte pipe of fixed capacity between one writer thread (the download)
/// and one reader thread (the upload).
///
/// The writer blocks while the pipe is full and the reader while it is
/// empty, so a transfer holds at most `capacity` bytes here whatever the
/// document's size. Either side can fail the pipe, which wakes and fails the
/// other: a failed upload stops the download and a failed download aborts
/// the upload before the upload's body is complete.
public final class BoundedPipe: HTTPBodySource, @unchecked Sendable {
    // @unchecked: every mutable field below is read and written only while
    // holding `condition`. The bytes in `storage` between `readIndex` and
    // `readIndex + count` belong to the reader, the rest to the writer, so
    // each side copies its part outside the lock.
    private let condition = NSCondition()
    private let storage: UnsafeMutableRawBufferPointer
    private var readIndex = 0
    private var count = 0
    private var finished = false
    private var firstFailure: (any Error)?

    public let capacity: Int

    public init(capacity: Int) {
        precondition(capacity > 0, "a pipe needs room for at least one byte")
        self.capacity = capacity
        self.storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    /// Copies all of `bytes` into the pipe, blocking while it is full.
    /// Throws the failure once the pipe has failed.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        condition.lock()
        defer { condition.unlock() }
        while offset < bytes.count {
            while count == capacity && firstFailure == nil {
                condition.wait()
            }
            if let firstFailure {
                throw firstFailure
            }
            precondition(!finished, "write after finish")
            let writeIndex = (readIndex + count) % capacity
            let room = min(capacity - count, capacity - writeIndex, bytes.count - offset)
            condition.unlock()
            UnsafeMutableRawBufferPointer(rebasing: storage[writeIndex..<writeIndex + room])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + room]))
            condition.lock()
            count += room
            offset += room
            condition.broadcast()
        }
    }

    /// Marks the end of the data: the reader gets 0 once it has read the rest.
    public func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Fails the pipe: both sides throw `error` from now on. The first
    /// failure wins.
    public func fail(_ error: any Error) {
        condition.lock()
        if firstFailure == nil {
            firstFailure = error
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The error the pipe failed with, if it has.
    public var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return firstFailure
    }

    /// Copies up to `buffer.count` bytes out of the pipe, blocking while it is
    /// empty. Returns 0 only at the end of the data.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try consume(upTo: buffer.count) { bytes in
            buffer.copyMemory(from: bytes)
        }
    }

    /// Passes up to `maxCount` bytes from the pipe to `body` without copying
    /// them, blocking while the pipe is empty, and returns how many it
    /// passed: 0 only at the end of the data. The bytes are valid only while
    /// `body` runs; the writer cannot overwrite them until it returns.
    public func consume(upTo maxCount: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        guard maxCount > 0 else { return 0 }
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !finished && firstFailure == nil {
            condition.wait()
        }
        if let firstFailure {
            throw firstFailure
        }
        if count == 0 {
            return 0
        }
        let start = readIndex
        let lentCount = min(count, capacity - start, maxCount)
        condition.unlock()
        do {
            try body(UnsafeRawBufferPointer(rebasing: storage[start..<start + lentCount]))
        } catch {
            condition.lock()
            throw error
        }
        condition.lock()
        readIndex = (readIndex + lentCount) % capacity
        count -= lentCount
        condition.broadcast()
        return lentCount
    }
}
