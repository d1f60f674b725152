import Foundation
import HTTP
import Testing
@testable import Transfer

/// Returns a finished pipe that contains `bytes`, with room for all of them.
private func filledPipe(_ bytes: [UInt8]) throws -> BoundedPipe {
    let pipe = BoundedPipe(capacity: max(bytes.count, 1))
    try bytes.withUnsafeBytes { try pipe.write($0) }
    pipe.finish()
    return pipe
}

/// Reads `source` to its end, `pieceSize` bytes at a time at most.
private func readAll(_ source: any HTTPBodySource, pieceSize: Int) throws -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: pieceSize)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 {
            return result
        }
        result += buffer[0..<count]
    }
}

@Suite("ChunkBuffer")
struct ChunkBufferTests {
    @Test func fillStopsAtCapacity() throws {
        let pipe = try filledPipe(Array(0..<10))
        let buffer = ChunkBuffer(capacity: 4)

        try buffer.fill(from: pipe)
        #expect(buffer.count == 4)
        #expect(buffer.isFull)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == [0, 1, 2, 3])

        buffer.reset()
        try buffer.fill(from: pipe)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == [4, 5, 6, 7])

        buffer.reset()
        try buffer.fill(from: pipe)
        #expect(buffer.count == 2)
        #expect(!buffer.isFull)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == [8, 9])

        buffer.reset()
        try buffer.fill(from: pipe)
        #expect(buffer.count == 0)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == [])
    }

    @Test func fillAcrossSmallPipe() throws {
        let total = 100_000
        let expected = (0..<total).map(patternByte)
        let pipe = BoundedPipe(capacity: 7)
        let writer = BackgroundThread("pipe writer") {
            try? expected.withUnsafeBytes { try pipe.write($0) }
            pipe.finish()
        }
        let buffer = ChunkBuffer(capacity: total)

        try buffer.fill(from: pipe)

        #expect(writer.join(timeout: 5))
        #expect(buffer.count == total)
        let received = try readAll(buffer.reader(), pieceSize: 4096)
        let difference = firstDifference(received, expected)
        #expect(difference == nil, "first wrong byte at \(difference ?? -1)")
    }

    @Test func fillUpToLimit() throws {
        let pipe = try filledPipe(Array(0..<20))
        let buffer = ChunkBuffer(capacity: 8)

        try buffer.fill(from: pipe, upTo: 3)
        #expect(buffer.count == 3)

        // A later fill continues after what the buffer already keeps.
        try buffer.fill(from: pipe, upTo: 5)
        #expect(buffer.count == 5)

        // A limit above the capacity stops at the capacity.
        try buffer.fill(from: pipe, upTo: 100)
        #expect(buffer.count == 8)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == Array(0..<8))

        // A limit at or below the count reads nothing.
        try buffer.fill(from: pipe, upTo: 2)
        #expect(buffer.count == 8)
        buffer.reset()
        try buffer.fill(from: pipe, upTo: 1)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == [8])
    }

    @Test func fillAfterAppend() throws {
        let pipe = try filledPipe([3, 4, 5, 6, 7])
        let buffer = ChunkBuffer(capacity: 6)
        buffer.append(1)
        [UInt8]([2]).withUnsafeBytes { buffer.append($0) }

        try buffer.fill(from: pipe)

        #expect(buffer.isFull)
        #expect(try readAll(buffer.reader(), pieceSize: 16) == [1, 2, 3, 4, 5, 6])
    }

    @Test func fillPassesPipeFailure() throws {
        let pipe = BoundedPipe(capacity: 4)
        try [UInt8]([1, 2]).withUnsafeBytes { try pipe.write($0) }
        pipe.fail(LabeledError(label: "download"))
        let buffer = ChunkBuffer(capacity: 8)

        #expect(throws: LabeledError(label: "download")) {
            try buffer.fill(from: pipe)
        }
    }

    @Test func readerStartsFromBeginning() throws {
        let pipe = try filledPipe(Array(0..<9))
        let buffer = ChunkBuffer(capacity: 9)
        try buffer.fill(from: pipe)

        // Each resend of a chunk reads the kept bytes again from the start.
        let first = try readAll(buffer.reader(), pieceSize: 2)
        let second = try readAll(buffer.reader(), pieceSize: 4)
        #expect(first == Array(0..<9))
        #expect(second == Array(0..<9))
    }

    @Test func readerGivesPiecesThenZero() throws {
        let pipe = try filledPipe(Array(0..<5))
        let buffer = ChunkBuffer(capacity: 8)
        try buffer.fill(from: pipe)
        let reader = buffer.reader()

        var piece = [UInt8](repeating: 0, count: 2)
        var counts: [Int] = []
        for _ in 0..<5 {
            counts.append(try piece.withUnsafeMutableBytes { try reader.read(into: $0) })
        }
        #expect(counts == [2, 2, 1, 0, 0])
    }
}
