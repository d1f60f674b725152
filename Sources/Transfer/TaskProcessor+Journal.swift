import Cloudinary
import Logging
import UploadJournal
import Workfront

/// The upload journal's part in moving a document, and the write-back.
extension TaskProcessor {
    /// The upload of this document version that the journal records under
    /// the planned public ID (from a crash between the upload and the
    /// write-back, or an earlier pass), or nil.
    func recordedUpload(_ document: WorkfrontDocument, version: WorkfrontDocumentVersion, plan: UploadPlan,
                                log: Logger) -> TransferOutcome? {
        guard let journal else { return nil }
        let record: UploadRecord?
        do {
            record = try journal.lookup(documentID: document.id, versionID: version.id)
        } catch {
            log.warning("Journal lookup failed, uploading again", [("ERROR", error.message)])
            return nil
        }
        guard let record, record.publicID == plan.parameters["public_id"] else { return nil }
        log.info("Document already uploaded, writing the address back", [
            ("PUBLIC_ID", record.publicID), ("SECURE_URL", record.secureURL), ("BYTES", String(record.bytes)),
        ])
        let result = UploadResult(publicID: record.publicID, version: record.cloudinaryVersion, secureURL: record.secureURL,
                                  bytes: record.bytes, etag: record.md5, resourceType: plan.resourceType)
        return TransferOutcome(result: result, bytes: record.bytes, md5: record.md5, chunks: 0)
    }

    /// Records a confirmed upload before the write-back. A failure to record
    /// is logged and the run carries on: the only cost is a second upload of
    /// the same bytes should the write-back fail too.
    func remember(_ outcome: TransferOutcome, task: WorkfrontTask, document: WorkfrontDocument,
                          version: WorkfrontDocumentVersion, log: Logger) {
        guard let journal else { return }
        do {
            try journal.record(UploadRecord(
                documentID: document.id, versionID: version.id, taskID: task.id, publicID: outcome.result.publicID,
                cloudinaryVersion: outcome.result.version, secureURL: outcome.result.secureURL,
                bytes: outcome.bytes, md5: outcome.md5))
        } catch {
            log.warning("Journal write failed, carrying on", [("ERROR", error.message)])
        }
    }

    func writeBack(_ secureURL: String, publicID: String, to document: WorkfrontDocument) throws(TransferError) {
        var fields = [settings.writeBack.urlField: secureURL]
        if let field = settings.writeBack.publicIdField {
            fields[field] = publicID
        }
        do {
            try workfront.updateDocument(documentID: document.id, fields: fields)
        } catch {
            var failure = TransferError(error, kind: .writeBack)
            failure.message = "uploaded, but writing the address to the document failed: \(error)"
            throw failure
        }
    }
}
