import Configuration
import Foundation
import Workfront

/// Keeps several instances from processing one task.
///
/// Static sharding splits tasks by a hash of their ID, so instances never
/// contend. Claiming (with `statuses.inProgress` set) moves a task to the
/// in-progress status and writes a token naming this instance into a task
/// field, waits `settle`, and reads the task back: only the instance whose
/// token is still there proceeds. A task left in the in-progress status by an
/// instance that died is found again once its token is older than
/// `claim.timeout`. Before writing its token an instance reads the task
/// again and leaves it alone if another claim appeared since discovery.
///
/// - Important: Workfront has no compare-and-set, so two claims whose writes
///   land more than `settle` apart cannot collide, but two whose reads both
///   come before either's write is visible could. Use sharding where
///   instances must never contend.
public struct TaskClaim: Sendable {
    public static let tokenPrefix = "wf2cloudinary/"

    let settings: Settings
    let instanceID: String

    public init(settings: Settings, instanceID: String = Self.newInstanceID()) {
        self.settings = settings
        self.instanceID = instanceID
    }

    public static func newInstanceID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        return "\(host)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    var isClaiming: Bool { settings.statuses.inProgress != nil }

    /// The statuses discovery searches: the trigger statuses, plus the
    /// in-progress one to find abandoned claims.
    var searchStatuses: [String] {
        settings.statuses.trigger + (settings.statuses.inProgress.map { [$0] } ?? [])
    }

    /// Extra task fields discovery needs to judge claims.
    var extraFields: [String] { isClaiming ? [settings.claim.field] : [] }

    /// Whether this instance should consider `task` at all: it belongs to this
    /// shard, and it is in a trigger status or carries a claim older than the
    /// claim timeout.
    func selects(_ task: WorkfrontTask, now: Date = Date()) -> Bool {
        selects(task, claimField: task.field(settings.claim.field), now: now)
    }

    private func selects(_ task: WorkfrontTask, claimField: String?, now: Date = Date()) -> Bool {
        guard Self.shard(of: task.id, count: settings.shard.count) == settings.shard.index else { return false }
        if settings.statuses.trigger.contains(task.status) {
            return true
        }
        guard task.status == settings.statuses.inProgress, let token = claimField,
              let claimedAt = Self.claimTime(token) else { return false }
        return now.timeIntervalSince1970 - claimedAt > Double(settings.claim.timeout)
    }

    /// Claims `task`; returns false when another instance has it.
    func claim(_ task: WorkfrontTask, workfront: WorkfrontClient) throws(WorkfrontError) -> Bool {
        guard let inProgress = settings.statuses.inProgress else { return true }
        // Re-read first: another instance may have claimed the task since
        // discovery saw it, and writing now would overwrite its token.
        let before = try workfront.taskFields(taskID: task.id, fields: ["status", settings.claim.field])
        var current = task
        current.status = before["status"] ?? ""
        guard selects(current, claimField: before[settings.claim.field]) else { return false }
        let token = "\(Self.tokenPrefix)\(instanceID)/\(Int(Date().timeIntervalSince1970))"
        try workfront.updateTask(taskID: task.id, fields: ["status": inProgress, settings.claim.field: token])
        Thread.sleep(forTimeInterval: Double(settings.claim.settleMilliseconds) / 1000)
        let after = try workfront.taskFields(taskID: task.id, fields: ["status", settings.claim.field])
        return after["status"] == inProgress && after[settings.claim.field] == token
    }

    /// The fields that end a claim along with the final status.
    func releaseFields(status: String) -> [String: String] {
        isClaiming ? ["status": status, settings.claim.field: ""] : ["status": status]
    }

    /// The Unix time inside a claim token, or nil for a value that is no token.
    static func claimTime(_ token: String) -> Double? {
        guard token.hasPrefix(tokenPrefix), let last = token.split(separator: "/").last else { return nil }
        return Double(last)
    }

    /// The shard of a task ID: FNV-1a (64 bit) of its UTF-8 bytes modulo
    /// `count`, the same on every host and every run.
    static func shard(of id: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int(hash % UInt64(max(count, 1)))
    }
}
