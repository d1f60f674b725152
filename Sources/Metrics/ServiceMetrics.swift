import Foundation
import Synchronization
import Transfer

/// Counters and gauges of the service, written in the Prometheus text format
/// (version 0.0.4) to a file for node_exporter's textfile collector.
///
/// The file is replaced atomically (written beside it, then renamed), so the
/// collector never reads half a file.
public final class ServiceMetrics: Sendable {
    /// Upper bounds, in seconds, of the transfer duration histogram.
    static let durationBuckets: [Double] = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]

    struct State {
        var documentsUploaded = 0
        var bytesUploaded: Int64 = 0
        var failures: [String: Int] = [:]
        var tasks: [String: Int] = ["done": 0, "failed": 0, "deferred": 0, "abandoned": 0]
        var bucketCounts = [Int](repeating: 0, count: ServiceMetrics.durationBuckets.count)
        var durationCount = 0
        var durationSum = 0.0
        var lastSuccessfulPoll: Double?
        var queueDepth = 0
        var inFlight = 0
    }

    private let state = Mutex(State())
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Counts a finished task and its documents. A document counts as
    /// uploaded only when the pass sent its bytes to Cloudinary, and a
    /// transfer cancelled for shutdown counts as no failure.
    public func taskFinished(_ outcome: TaskOutcome) {
        state.withLock { state in
            state.tasks[outcome.state.rawValue, default: 0] += 1
            for document in outcome.documents {
                if document.uploadedInThisPass {
                    state.documentsUploaded += 1
                    state.bytesUploaded += document.transfer?.bytes ?? 0
                }
                if let error = document.error {
                    if error.kind != .cancelled {
                        state.failures[error.kind.rawValue, default: 0] += 1
                    }
                    continue
                }
                if let seconds = document.seconds {
                    state.durationCount += 1
                    state.durationSum += seconds
                    for (index, bound) in Self.durationBuckets.enumerated() where seconds <= bound {
                        state.bucketCounts[index] += 1
                    }
                }
            }
        }
    }

    public func pollSucceeded(at date: Date = Date()) {
        state.withLock { $0.lastSuccessfulPoll = date.timeIntervalSince1970 }
    }

    public func setQueue(depth: Int, inFlight: Int) {
        state.withLock { state in
            state.queueDepth = depth
            state.inFlight = inFlight
        }
    }

    /// The metrics in the Prometheus text format.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples {
                lines.append("\(name)\(sample.labels) \(sample.value)")
            }
        }
        metric("wf2cloudinary_documents_uploaded_total", "counter", "Documents whose bytes were sent to Cloudinary.",
               [("", String(snapshot.documentsUploaded))])
        metric("wf2cloudinary_bytes_uploaded_total", "counter", "Bytes of documents sent to Cloudinary.",
               [("", String(snapshot.bytesUploaded))])
        metric("wf2cloudinary_document_failures_total", "counter", "Documents that failed, by error kind.",
               snapshot.failures.keys.sorted().map { ("{kind=\"\($0)\"}", String(snapshot.failures[$0]!)) })
        metric("wf2cloudinary_tasks_total", "counter", "Tasks finished, by outcome.",
               snapshot.tasks.keys.sorted().map { ("{outcome=\"\($0)\"}", String(snapshot.tasks[$0]!)) })
        var buckets = Self.durationBuckets.enumerated().map { index, bound in
            ("{le=\"\(Self.format(bound))\"}", String(snapshot.bucketCounts[index]))
        }
        buckets.append(("{le=\"+Inf\"}", String(snapshot.durationCount)))
        lines.append("# HELP wf2cloudinary_transfer_duration_seconds Time to move one document, download and upload together.")
        lines.append("# TYPE wf2cloudinary_transfer_duration_seconds histogram")
        for (labels, value) in buckets {
            lines.append("wf2cloudinary_transfer_duration_seconds_bucket\(labels) \(value)")
        }
        lines.append("wf2cloudinary_transfer_duration_seconds_sum \(Self.format(snapshot.durationSum))")
        lines.append("wf2cloudinary_transfer_duration_seconds_count \(snapshot.durationCount)")
        if let last = snapshot.lastSuccessfulPoll {
            metric("wf2cloudinary_last_successful_poll_timestamp_seconds", "gauge", "Unix time of the last successful discovery.",
                   [("", Self.format(last))])
        }
        metric("wf2cloudinary_queue_depth", "gauge", "Tasks waiting for a worker.", [("", String(snapshot.queueDepth))])
        metric("wf2cloudinary_transfers_in_flight", "gauge", "Tasks being transferred.", [("", String(snapshot.inFlight))])
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the metrics to `path` atomically. Returns the error, if any,
    /// so the caller can log it.
    @discardableResult
    public func write() -> (any Error)? {
        let temporary = "\(path).\(getpid()).tmp"
        do {
            try Data(render().utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            return nil
        } catch {
            unlink(temporary)
            return error
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
