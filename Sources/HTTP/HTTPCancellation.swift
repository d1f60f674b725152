import Synchronization

/// A flag that aborts the requests watching it at their next progress check
/// (within about a second, even while no bytes move).
public final class HTTPCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        cancelled.store(true, ordering: .releasing)
    }

    public var isCancelled: Bool {
        cancelled.load(ordering: .acquiring)
    }
}
