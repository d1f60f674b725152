import Crypto
import Foundation
import Testing
@testable import Transfer

@Suite("BackgroundDigest")
struct BackgroundDigestTests {
    @Test func hashesEveryBytePassedThroughASmallQueue() throws {
        let data = (0..<300_000).map(patternByte)
        let digest = BackgroundDigest(capacity: 1000, name: "md5 test")
        var offset = 0
        var turn = 0
        // Pieces larger and smaller than the queue, so writes block and wrap.
        let sizes = [1, 999, 1000, 4097, 17]
        while offset < data.count {
            let end = min(offset + sizes[turn % sizes.count], data.count)
            try data[offset..<end].withUnsafeBytes { try digest.update($0) }
            offset = end
            turn += 1
        }
        digest.finish()

        #expect(digest.hexString() == MessageDigest.hash(.md5, data).hexString)
    }

    @Test func emptyInputGivesTheMD5OfNothing() {
        let digest = BackgroundDigest(capacity: 16, name: "md5 test")
        digest.finish()
        #expect(digest.hexString() == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func failedInputStopsFurtherUpdates() {
        let digest = BackgroundDigest(capacity: 16, name: "md5 test")
        digest.fail(LabeledError(label: "download"))
        #expect(throws: LabeledError(label: "download")) {
            try [1, 2, 3].withUnsafeBytes { try digest.update($0) }
        }
    }
}
