import Foundation
import Testing
import Transfer

/// Writes `bytes` into `pipe`.
private func write(_ bytes: [UInt8], to pipe: BoundedPipe) throws {
    try bytes.withUnsafeBytes { try pipe.write($0) }
}

/// Reads once from `pipe` into a buffer of `size` bytes and returns what it got.
private func read(_ pipe: BoundedPipe, size: Int) throws -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: size)
    let count = try buffer.withUnsafeMutableBytes { try pipe.read(into: $0) }
    return Array(buffer[0..<count])
}

@Suite("BoundedPipe")
struct BoundedPipeTests {
    @Test func keepsOrderThroughSmallCapacity() throws {
        let total = 2 * 1024 * 1024
        let expected = (0..<total).map(patternByte)
        let pipe = BoundedPipe(capacity: 7)
        let writeError = Shared<(any Error)?>(nil)

        let writer = BackgroundThread("pipe writer") {
            // Write sizes vary around the capacity, so writes both fit and wrap.
            let sizes = [1, 2, 3, 5, 7, 8, 13, 64, 1000, 6]
            var offset = 0
            var turn = 0
            do {
                while offset < total {
                    let end = min(offset + sizes[turn % sizes.count], total)
                    try expected[offset..<end].withUnsafeBytes { try pipe.write($0) }
                    offset = end
                    turn += 1
                }
                pipe.finish()
            } catch {
                writeError.update { $0 = error }
            }
        }

        // The reader writes straight into one array, and counts oversized
        // reads instead of checking each one, to keep a million reads fast.
        let readSizes = [1, 4, 7, 9, 100, 3]
        var received = [UInt8](repeating: 0, count: total + readSizes.max()!)
        var receivedCount = 0
        var oversizedReads = 0
        var turn = 0
        try received.withUnsafeMutableBytes { bytes in
            while true {
                let size = readSizes[turn % readSizes.count]
                guard receivedCount + size <= bytes.count else {
                    // More bytes than were written: stop, and release the writer.
                    pipe.fail(LabeledError(label: "too many bytes"))
                    break
                }
                let count = try pipe.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[receivedCount..<receivedCount + size]))
                if count == 0 {
                    break
                }
                if count > 7 {
                    oversizedReads += 1
                }
                receivedCount += count
                turn += 1
            }
        }
        received.removeLast(received.count - receivedCount)

        #expect(writer.join(timeout: 10))
        #expect(writeError.get() == nil)
        #expect(oversizedReads == 0)
        #expect(received.count == total)
        let difference = firstDifference(received, expected)
        #expect(difference == nil, "first wrong byte at \(difference ?? -1)")
    }

    @Test func wrapsAroundInOneThread() throws {
        let pipe = BoundedPipe(capacity: 7)
        try write([1, 2, 3, 4, 5], to: pipe)
        #expect(try read(pipe, size: 5) == [1, 2, 3, 4, 5])

        // The next six bytes wrap past the end of the storage.
        try write([6, 7, 8, 9, 10, 11], to: pipe)
        var received: [UInt8] = []
        while received.count < 6 {
            let piece = try read(pipe, size: 16)
            try #require(!piece.isEmpty)
            received += piece
        }
        #expect(received == [6, 7, 8, 9, 10, 11])
    }

    @Test func writerBlocksWhileFull() throws {
        let capacity = 7
        let total = 200
        let pipe = BoundedPipe(capacity: capacity)
        let written = Shared(0)
        let writer = BackgroundThread("pipe writer") {
            for index in 0..<total {
                try? write([patternByte(index)], to: pipe)
                written.update { $0 += 1 }
            }
            pipe.finish()
        }

        var received: [UInt8] = []
        var timesFull = 0
        while true {
            // Let the writer run ahead as far as the pipe lets it.
            Thread.sleep(forTimeInterval: 0.002)
            let buffered = written.get() - received.count
            #expect(buffered <= capacity, "\(buffered) bytes written but not read")
            if buffered == capacity {
                timesFull += 1
            }
            let piece = try read(pipe, size: 64)
            if piece.isEmpty {
                break
            }
            #expect(piece.count <= capacity)
            received += piece
        }

        #expect(writer.join(timeout: 5))
        #expect(timesFull > 0, "the writer never filled the pipe")
        #expect(received == (0..<total).map(patternByte))
    }

    @Test func writerStaysBlockedUntilRead() throws {
        let pipe = BoundedPipe(capacity: 7)
        let writer = BackgroundThread("pipe writer") {
            try? write(Array(repeating: 0xAB, count: 8), to: pipe)
        }

        // Seven bytes fit, and the eighth waits for room.
        #expect(!writer.join(timeout: 0.2))
        #expect(try read(pipe, size: 1) == [0xAB])
        #expect(writer.join(timeout: 5))

        // The rest wraps around the storage's end, so it may take two reads.
        pipe.finish()
        var rest: [UInt8] = []
        while true {
            let piece = try read(pipe, size: 64)
            if piece.isEmpty {
                break
            }
            rest += piece
        }
        #expect(rest == Array(repeating: 0xAB, count: 7))
    }

    @Test func finishGivesZeroAfterRest() throws {
        let pipe = BoundedPipe(capacity: 7)
        try write(Array("abc".utf8), to: pipe)
        pipe.finish()

        #expect(try read(pipe, size: 10) == Array("abc".utf8))
        #expect(try read(pipe, size: 10) == [])
        #expect(try read(pipe, size: 10) == [])
    }

    @Test func finishWakesBlockedReader() throws {
        let pipe = BoundedPipe(capacity: 7)
        let result = Shared<Result<Int, any Error>?>(nil)
        let reader = BackgroundThread("pipe reader") {
            let outcome = Result { try read(pipe, size: 10).count }
            result.update { $0 = outcome }
        }

        #expect(!reader.join(timeout: 0.1))
        pipe.finish()
        #expect(reader.join(timeout: 5))
        #expect(try result.get()?.get() == 0)
    }

    @Test func emptyReadBufferReturnsZero() throws {
        let pipe = BoundedPipe(capacity: 7)
        try write([1, 2], to: pipe)
        #expect(try read(pipe, size: 0) == [])
        #expect(try read(pipe, size: 2) == [1, 2])
    }

    @Test func readerFailureStopsBlockedWriter() throws {
        let pipe = BoundedPipe(capacity: 7)
        let writeError = Shared<(any Error)?>(nil)
        let writer = BackgroundThread("pipe writer") {
            do {
                try write(Array(repeating: 1, count: 20), to: pipe)
            } catch {
                writeError.update { $0 = error }
            }
        }

        #expect(!writer.join(timeout: 0.1), "the writer should wait for room")
        pipe.fail(LabeledError(label: "upload"))

        #expect(writer.join(timeout: 5))
        #expect(writeError.get() as? LabeledError == LabeledError(label: "upload"))
    }

    @Test func writerFailureStopsBlockedReader() throws {
        let pipe = BoundedPipe(capacity: 7)
        let readError = Shared<(any Error)?>(nil)
        let reader = BackgroundThread("pipe reader") {
            do {
                _ = try read(pipe, size: 10)
            } catch {
                readError.update { $0 = error }
            }
        }

        #expect(!reader.join(timeout: 0.1), "the reader should wait for data")
        pipe.fail(LabeledError(label: "download"))

        #expect(reader.join(timeout: 5))
        #expect(readError.get() as? LabeledError == LabeledError(label: "download"))
    }

    @Test func failureWinsOverBufferedBytes() throws {
        let pipe = BoundedPipe(capacity: 7)
        try write([1, 2, 3], to: pipe)
        pipe.fail(LabeledError(label: "download"))

        #expect(throws: LabeledError(label: "download")) {
            try read(pipe, size: 10)
        }
    }

    @Test func firstFailureWins() throws {
        let pipe = BoundedPipe(capacity: 7)
        #expect(pipe.failure == nil)

        pipe.fail(LabeledError(label: "first"))
        pipe.fail(LabeledError(label: "second"))

        #expect(pipe.failure as? LabeledError == LabeledError(label: "first"))
        #expect(throws: LabeledError(label: "first")) {
            try read(pipe, size: 10)
        }
        #expect(throws: LabeledError(label: "first")) {
            try write([1], to: pipe)
        }
    }

    @Test func failureAfterFinishWins() throws {
        let pipe = BoundedPipe(capacity: 7)
        pipe.finish()
        pipe.fail(LabeledError(label: "upload"))
        #expect(throws: LabeledError(label: "upload")) {
            try read(pipe, size: 10)
        }
    }

    @Test func consumeLendsBytesThatTheWriterCannotOverwrite() throws {
        let pipe = BoundedPipe(capacity: 7)
        try write([1, 2, 3, 4, 5, 6, 7], to: pipe)
        // The pipe is full, so this writer waits for room.
        let writer = BackgroundThread("pipe writer") {
            try? write([8, 9], to: pipe)
        }
        var lent: [UInt8] = []
        var writerBlockedWhileLent = false

        let count = try pipe.consume(upTo: 16) { bytes in
            writerBlockedWhileLent = !writer.join(timeout: 0.2)
            lent = Array(bytes)
        }

        #expect(count == 7)
        #expect(lent == [1, 2, 3, 4, 5, 6, 7])
        #expect(writerBlockedWhileLent)
        #expect(writer.join(timeout: 5))
        pipe.finish()
        #expect(try read(pipe, size: 64) == [8, 9])
    }

    @Test func consumeKeepsBytesWhenItsBodyThrows() throws {
        let pipe = BoundedPipe(capacity: 7)
        try write([1, 2, 3], to: pipe)

        #expect(throws: LabeledError(label: "hash")) {
            try pipe.consume(upTo: 16) { _ in throw LabeledError(label: "hash") }
        }
        #expect(try read(pipe, size: 16) == [1, 2, 3])
    }
}
