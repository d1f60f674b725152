/// Receives the progress of transfers as bytes arrive from Workfront, for a
/// live display. Called from the download threads of every transfer.
public protocol TransferProgress: Sendable {
    /// A transfer started; `total` is nil when Workfront sent no length.
    func started(_ id: String, name: String, total: Int64?)
    /// `count` more bytes of transfer `id` arrived.
    func advanced(_ id: String, by count: Int)
    func finished(_ id: String)
}
