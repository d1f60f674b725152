/// The failures a document's size alone decides, shared by the transfer and
/// `once --dry-run`.
extension TransferError {
    /// Returns the failure of a document larger than `limit` bytes
    /// (`limits.maxDocumentBytes`). `size` is nil when the length was not
    /// declared and only the bytes received so far show it.
    public static func tooLarge(_ size: Int64?, limit: Int64) -> TransferError {
        let amount = size.map { "\($0) bytes, more" } ?? "more bytes"
        return TransferError(kind: .tooLarge, message: "the document has \(amount) than limits.maxDocumentBytes (\(limit)) allows")
    }

    /// The failure of a document with no bytes.
    public static let emptyDocument = TransferError(
        kind: .emptyDocument, message: "the document is empty (0 bytes); Cloudinary does not accept empty files")

    /// Returns the failure a document of `size` bytes meets before any byte
    /// moves, or nil when its size allows the transfer.
    public static func sizeFailure(size: Int64, limit: Int64?) -> TransferError? {
        if size == 0 {
            return emptyDocument
        }
        if let limit, size > limit {
            return tooLarge(size, limit: limit)
        }
        return nil
    }
}
