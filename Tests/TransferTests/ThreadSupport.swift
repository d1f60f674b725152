import Foundation

/// A closure running on its own thread, joined with a time limit so that a
/// thread stuck in the code under test fails the test instead of hanging it.
final class BackgroundThread: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let done = self.done
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Waits up to `seconds` for the closure to return. Returns true when it did.
    func join(timeout seconds: Double) -> Bool {
        done.wait(timeout: .now() + seconds) == .success
    }
}

/// A value shared between a test and its threads.
final class Shared<Value>: @unchecked Sendable {
    // @unchecked: `value` is read and written only while holding `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func get() -> Value {
        lock.withLock { value }
    }

    func update(_ change: (inout Value) -> Void) {
        lock.withLock { change(&value) }
    }
}

/// An error with a label, to tell which side failed a pipe.
struct LabeledError: Error, Equatable {
    var label: String
}

/// Returns byte `index` of the test data. The pattern repeats only every
/// 8 MiB, so data shifted by a lost or repeated piece no longer matches it.
func patternByte(_ index: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 7 ^ index >> 15)
}

/// Returns the first index where `actual` and `expected` differ, or nil when they are equal.
func firstDifference(_ actual: [UInt8], _ expected: [UInt8]) -> Int? {
    for index in 0..<min(actual.count, expected.count) where actual[index] != expected[index] {
        return index
    }
    return actual.count == expected.count ? nil : min(actual.count, expected.count)
}
