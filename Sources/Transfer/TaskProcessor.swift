import Configuration
import Foundation
import HTTP
import Logging
import UploadJournal
import Workfront
import Cloudinary

/// Moves every document of one task and reports the outcome on the task.
public struct TaskProcessor: Sendable {
    let workfront: WorkfrontClient
    let transfer: DocumentTransfer
    let planner: UploadPlanner
    let settings: Settings
    let logger: Logger
    let claim: TaskClaim
    /// Remembers confirmed uploads; nil runs without one (dry runs, tests).
    let journal: UploadJournal?
    /// Attempts per document for failures that may pass.
    var attempts = 3
    /// Seconds before the second attempt; doubled for each later one.
    var firstRetryDelay = 1.0

    public init(workfront: WorkfrontClient, transfer: DocumentTransfer, planner: UploadPlanner,
                settings: Settings, logger: Logger, journal: UploadJournal? = nil) {
        self.workfront = workfront
        self.transfer = transfer
        self.planner = planner
        self.settings = settings
        self.logger = logger
        self.journal = journal
        self.claim = TaskClaim(settings: settings)
    }

    /// Processes `task`. `shouldStop` is checked between documents: once it
    /// returns true (Cloudinary refused the credentials, or the service is
    /// stopping), the remaining documents are left alone and so is the task.
    public func process(_ task: WorkfrontTask, cancellation: HTTPCancellation? = nil,
                        shouldStop: () -> Bool = { false }) -> TaskOutcome {
        let log = logger.with([("TASK_ID", task.id)])
        do {
            guard try claim.claim(task, workfront: workfront) else {
                log.info("Task claimed by another instance, skipping", [])
                return TaskOutcome(taskID: task.id, state: .skipped, documents: [])
            }
        } catch {
            log.warning("Task could not be claimed, retrying on a later poll", [("ERROR_KIND", error.kind.rawValue), ("ERROR", error.description)])
            return TaskOutcome(taskID: task.id, state: .deferred, documents: [])
        }
        log.info("Task picked up", [("TASK_NAME", task.name), ("DOCUMENTS", String(task.documents.count))])
        let outcome = processClaimed(task, log: log, cancellation: cancellation, shouldStop: shouldStop)
        if claim.isClaiming && (outcome.state == .deferred || outcome.state == .abandoned) && outcome.reportError == nil {
            // Hand the task back so that any instance picks it up again.
            do {
                try workfront.updateTask(taskID: task.id, fields: claim.releaseFields(status: settings.statuses.trigger[0]))
            } catch {
                log.warning("Claim could not be released; another instance takes the task over after claim.timeout",
                            [("ERROR", error.description)])
            }
        }
        return outcome
    }

    private func processClaimed(_ task: WorkfrontTask, log: Logger, cancellation: HTTPCancellation?,
                                shouldStop: () -> Bool) -> TaskOutcome {
        var outcomes: [DocumentOutcome] = []
        for document in task.documents {
            if shouldStop() {
                return TaskOutcome(taskID: task.id, state: .abandoned, documents: outcomes)
            }
            let outcome = move(document, of: task, log: log.with([("DOCUMENT_ID", document.id)]), cancellation: cancellation)
            outcomes.append(outcome)
            if let error = outcome.error, error.kind == .credentials || error.kind == .cancelled {
                return TaskOutcome(taskID: task.id, state: .abandoned, documents: outcomes)
            }
        }
        return report(task, outcomes, log: log)
    }

    private func move(_ document: WorkfrontDocument, of task: WorkfrontTask, log: Logger,
                      cancellation: HTTPCancellation?) -> DocumentOutcome {
        guard let version = document.currentVersion else {
            let error = TransferError(kind: .noVersion, message: "the document has no current version to download")
            log.error("Document failed", Self.fields(error))
            return DocumentOutcome(document: document, error: error)
        }
        let plan: UploadPlan
        do {
            plan = try planner.plan(task: task, document: document, version: version)
        } catch {
            let failure = TransferError(kind: .mapping, message: error.description)
            log.error("Document failed", Self.fields(failure))
            return DocumentOutcome(document: document, error: failure)
        }
        // An upload that Cloudinary confirmed is never repeated: a retry after
        // a failed write-back, or a version the journal already records,
        // only writes the address back.
        var uploaded = recordedUpload(document, version: version, plan: plan, log: log)
        var attempt = 1
        while true {
            let started = ContinuousClock.now
            do {
                let outcome: TransferOutcome
                if let uploaded {
                    outcome = uploaded
                } else {
                    outcome = try transfer.run(document, plan: plan, cancellation: cancellation)
                    remember(outcome, task: task, document: document, version: version, log: log)
                    uploaded = outcome
                }
                try writeBack(outcome.result.secureURL, publicID: outcome.result.publicID, to: document)
                log.info("Document uploaded", [
                    ("PUBLIC_ID", outcome.result.publicID), ("SECURE_URL", outcome.result.secureURL),
                    ("BYTES", String(outcome.bytes)), ("MD5", outcome.md5), ("CHUNKS", String(outcome.chunks)),
                    ("DURATION_MS", String(Self.milliseconds(since: started))), ("FILE_NAME", version.fileName),
                ])
                let seconds = Double(Self.milliseconds(since: started)) / 1000
                return DocumentOutcome(document: document, transfer: outcome, seconds: seconds)
            } catch {
                guard error.isTransient, attempt < attempts, !(cancellation?.isCancelled ?? false) else {
                    let level: LogLevel = error.isTransient ? .warning : .error
                    log.log(level, error.isTransient ? "Document failed, will retry on a later poll" : "Document failed",
                            Self.fields(error) + [("ATTEMPTS", String(attempt))])
                    return DocumentOutcome(document: document, error: error)
                }
                let delay = Self.retryDelay(attempt: attempt, first: firstRetryDelay, retryAfter: error.retryAfter)
                log.warning("Document transfer failed, retrying", Self.fields(error)
                    + [("ATTEMPT", String(attempt)), ("RETRY_IN_SECONDS", String(format: "%.1f", delay))])
                Thread.sleep(forTimeInterval: delay)
                attempt += 1
            }
        }
    }

    /// The upload of this document version that the journal records under
    /// the planned public ID (from a crash between the upload and the
    /// write-back, or an earlier pass), or nil.
    private func recordedUpload(_ document: WorkfrontDocument, version: WorkfrontDocumentVersion, plan: UploadPlan,
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
    private func remember(_ outcome: TransferOutcome, task: WorkfrontTask, document: WorkfrontDocument,
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

    private func writeBack(_ secureURL: String, publicID: String, to document: WorkfrontDocument) throws(TransferError) {
        var fields = [settings.writeBack.urlField: secureURL]
        if let field = settings.writeBack.publicIdField {
            fields[field] = publicID
        }
        do {
            try workfront.updateDocument(documentID: document.id, fields: fields)
        } catch {
            throw TransferError(kind: .writeBack, message: "uploaded, but writing the address to the document failed: \(error)",
                                isTransient: error.isTransient, httpStatus: error.httpStatus)
        }
    }

    private func report(_ task: WorkfrontTask, _ outcomes: [DocumentOutcome], log: Logger) -> TaskOutcome {
        let failures = outcomes.filter { !$0.succeeded }
        let state: TaskOutcome.State
        // A document that failed transiently keeps the whole task in its
        // trigger status, even beside one that failed for good: reporting
        // the task now would leave that document behind. The journal spares
        // the documents that did move a second upload on the next pass.
        if task.documents.isEmpty || (!failures.isEmpty && failures.allSatisfy { !($0.error?.isTransient ?? false) }) {
            state = .failed
        } else if failures.isEmpty {
            state = .done
        } else {
            log.warning("Task left in its trigger status, retrying on a later poll", [("FAILED_DOCUMENTS", String(failures.count))])
            return TaskOutcome(taskID: task.id, state: .deferred, documents: outcomes)
        }
        do {
            if state == .failed {
                try workfront.addTaskNote(taskID: task.id, text: TaskNote.failure(task: task, outcomes: outcomes, settings: settings))
                try workfront.updateTask(taskID: task.id, fields: claim.releaseFields(status: settings.statuses.failed))
                log.error("Task failed", [("STATUS", settings.statuses.failed), ("FAILED_DOCUMENTS", String(failures.count)),
                                          ("UPLOADED_DOCUMENTS", String(outcomes.count - failures.count))])
            } else {
                try workfront.updateTask(taskID: task.id, fields: claim.releaseFields(status: settings.statuses.done))
                log.info("Task done", [("STATUS", settings.statuses.done), ("UPLOADED_DOCUMENTS", String(outcomes.count))])
            }
        } catch {
            log.warning("Task outcome could not be written to Workfront, retrying on a later poll",
                        [("ERROR_KIND", error.kind.rawValue), ("ERROR", error.description)])
            return TaskOutcome(taskID: task.id, state: .deferred, documents: outcomes, reportError: error)
        }
        return TaskOutcome(taskID: task.id, state: state, documents: outcomes)
    }

    /// Seconds before retry number `attempt`: `first` doubled per attempt
    /// with up to 25 % jitter, or the server's `Retry-After` when longer,
    /// never more than five minutes.
    static func retryDelay(attempt: Int, first: Double, retryAfter: Int?) -> Double {
        let backoff = first * Double(1 << min(attempt - 1, 16)) * Double.random(in: 1...1.25)
        return min(max(backoff, Double(retryAfter ?? 0)), 300)
    }

    static func fields(_ error: TransferError) -> [(String, String)] {
        var fields = [("ERROR_KIND", error.kind.rawValue), ("ERROR", error.message)]
        if let status = error.httpStatus {
            fields.append(("HTTP_STATUS", String(status)))
        }
        return fields
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}

/// The text of the note left on a failed task.
enum TaskNote {
    static func failure(task: WorkfrontTask, outcomes: [DocumentOutcome], settings: Settings) -> String {
        if task.documents.isEmpty {
            return "wf2cloudinary: no documents are attached to this task, so nothing was uploaded to Cloudinary. "
                + "Attach the documents and set the task back to \(settings.statuses.trigger[0]) to upload them."
        }
        let failures = outcomes.filter { !$0.succeeded }
        var lines = ["wf2cloudinary could not upload \(failures.count) of \(outcomes.count) documents to Cloudinary:"]
        for outcome in failures {
            let name = outcome.document.currentVersion?.fileName ?? outcome.document.name
            lines.append("- \(name) (document \(outcome.document.id)): \(outcome.error?.message ?? "unknown error")")
        }
        if failures.count < outcomes.count {
            lines.append("The other documents were uploaded and their Cloudinary address written to the document's \(settings.writeBack.urlField) field.")
        }
        lines.append("Fix the documents and set the task back to \(settings.statuses.trigger[0]) to try again.")
        return lines.joined(separator: "\n")
    }
}
