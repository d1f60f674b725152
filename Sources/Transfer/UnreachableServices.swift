import Logging

/// The services that sent no response to an earlier document of a task, and
/// the task's later documents left untried because of them.
struct UnreachableServices {
    private var services: Set<TransferError.Service> = []
    private var untriedDocuments: [TransferError.Service: Int] = [:]

    mutating func add(_ service: TransferError.Service) {
        services.insert(service)
    }

    func contains(_ service: TransferError.Service) -> Bool {
        services.contains(service)
    }

    /// Counts a document left for a later poll. Every document needs
    /// Workfront, so one is counted against Workfront whenever Workfront
    /// did not respond.
    mutating func countUntriedDocument() {
        let service: TransferError.Service = services.contains(.workfront) ? .workfront : .cloudinary
        untriedDocuments[service, default: 0] += 1
    }

    /// Logs one warning per service that left documents untried.
    func logUntriedDocuments(_ log: Logger) {
        for (service, count) in untriedDocuments.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            log.warning("Service did not respond, so the task's remaining documents that need it wait for a later poll",
                        [("SERVICE", service.rawValue), ("UNTRIED_DOCUMENTS", String(count))])
        }
    }
}
