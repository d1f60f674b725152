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
        var unreachable = UnreachableServices()
        for document in task.documents {
            if shouldStop() {
                return TaskOutcome(taskID: task.id, state: .abandoned, documents: outcomes)
            }
            let documentLog = log.with([("DOCUMENT_ID", document.id)])
            guard let outcome = move(document, of: task, log: documentLog, cancellation: cancellation,
                                     unreachable: unreachable) else {
                unreachable.countUntriedDocument()
                continue
            }
            outcomes.append(outcome)
            if let error = outcome.error, error.kind == .credentials || error.kind == .cancelled {
                return TaskOutcome(taskID: task.id, state: .abandoned, documents: outcomes)
            }
            if let service = outcome.error?.unreachableService {
                unreachable.add(service)
            }
        }
        unreachable.logUntriedDocuments(log)
        return report(task, outcomes, log: log)
    }

    /// Moves one document, retrying failures that may pass. Returns nil,
    /// without trying, when the document needs a service in `unreachable`.
    private func move(_ document: WorkfrontDocument, of task: WorkfrontTask, log: Logger,
                      cancellation: HTTPCancellation?, unreachable: UnreachableServices) -> DocumentOutcome? {
        if unreachable.contains(.workfront) {
            return nil
        }
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
        let recorded = recordedUpload(document, version: version, plan: plan, log: log)
        if recorded == nil && unreachable.contains(.cloudinary) {
            return nil
        }
        var uploaded = recorded
        // The download and upload time of the attempt that moved the bytes;
        // a later attempt that only writes the address back keeps it.
        var transferMilliseconds: Int64 = 0
        var attempt = 1
        while true {
            let started = ContinuousClock.now
            do {
                let outcome: TransferOutcome
                if let uploaded {
                    outcome = uploaded
                } else {
                    outcome = try transfer.run(document, plan: plan, cancellation: cancellation)
                    transferMilliseconds = Self.milliseconds(since: started)
                    remember(outcome, task: task, document: document, version: version, log: log)
                    uploaded = outcome
                }
                try writeBack(outcome.result.secureURL, publicID: outcome.result.publicID, to: document)
                if recorded == nil {
                    log.info("Document uploaded", [
                        ("PUBLIC_ID", outcome.result.publicID), ("SECURE_URL", outcome.result.secureURL),
                        ("BYTES", String(outcome.bytes)), ("MD5", outcome.md5), ("CHUNKS", String(outcome.chunks)),
                        ("DURATION_MS", String(transferMilliseconds)), ("FILE_NAME", version.fileName),
                    ])
                } else {
                    log.info("Document address written back", [
                        ("PUBLIC_ID", outcome.result.publicID), ("SECURE_URL", outcome.result.secureURL),
                        ("DURATION_MS", String(Self.milliseconds(since: started))), ("FILE_NAME", version.fileName),
                    ])
                }
                return DocumentOutcome(document: document, transfer: outcome, uploadedInThisPass: recorded == nil,
                                       seconds: recorded == nil ? Double(transferMilliseconds) / 1000 : nil)
            } catch {
                // The outcome keeps an upload of this pass even when its
                // write-back failed, so that the upload is counted.
                var outcome = DocumentOutcome(document: document, transfer: uploaded, error: error,
                                              uploadedInThisPass: recorded == nil && uploaded != nil)
                if error.kind == .cancelled || (cancellation?.isCancelled ?? false) {
                    log.notice("Transfer stopped for shutdown, the task stays in its trigger status",
                               [("ATTEMPT", String(attempt))])
                    outcome.error = TransferError(kind: .cancelled, message: "the service stopped during the transfer")
                    return outcome
                }
                guard error.isTransient, attempt < attempts else {
                    let level: LogLevel = error.isTransient ? .warning : .error
                    log.log(level, error.isTransient ? "Document failed, will retry on a later poll" : "Document failed",
                            Self.fields(error) + [("ATTEMPTS", String(attempt))])
                    return outcome
                }
                let delay = Self.retryDelay(attempt: attempt, first: firstRetryDelay, retryAfter: error.retryAfter)
                log.warning("Document transfer failed, retrying", Self.fields(error)
                    + [("ATTEMPT", String(attempt)), ("RETRY_IN_SECONDS", String(format: "%.1f", delay))])
                Thread.sleep(forTimeInterval: delay)
                attempt += 1
            }
        }
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
