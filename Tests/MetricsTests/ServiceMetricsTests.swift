import Foundation
import Testing
@testable import Metrics

@Suite("service metrics")
struct ServiceMetricsTests {
    @Test func emptyRegistryRendersZeros() {
        let text = ServiceMetrics(path: "/unused").render()
        #expect(text.contains("wf2cloudinary_documents_uploaded_total 0\n"))
        #expect(text.contains("wf2cloudinary_transfer_duration_seconds_bucket{le=\"+Inf\"} 0\n"))
        #expect(!text.contains("last_successful_poll"))
    }

    @Test func fileIsReplacedWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).prom").path
        defer { unlink(path) }
        let metrics = ServiceMetrics(path: path)
        metrics.setQueue(depth: 7, inFlight: 2)
        #expect(metrics.write() == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("wf2cloudinary_queue_depth 7\n"))
        #expect(text.contains("wf2cloudinary_transfers_in_flight 2\n"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            .filter { $0.hasPrefix((path as NSString).lastPathComponent + ".") }
        #expect(leftovers.isEmpty)
    }

    @Test func unwritablePathReturnsError() {
        #expect(ServiceMetrics(path: "/proc/no-such-dir/metrics.prom").write() != nil)
    }
}
