import Foundation
import Testing

/// The Prometheus metrics file written by `once`, read back with the
/// official Python client's parser.
@Suite("metrics file")
struct MetricsFileTests {
    @Test func countersMatchThePass() throws {
        let tenant = try Tenant(tasks: [
            FakeTask(id: "metrics-ok", name: "Fine", documents: [
                FakeDocument(id: "metrics-doc-1", name: "One", fileName: "one.jpg", size: 10_000),
                FakeDocument(id: "metrics-doc-2", name: "Two", fileName: "two.png", size: 20_000),
            ]),
            FakeTask(id: "metrics-bad", name: "Empty doc", documents: [
                FakeDocument(id: "metrics-doc-3", name: "Empty", fileName: "empty.txt", size: 0),
            ]),
        ])
        let metricsPath = tenant.directory.appendingPathComponent("wf2cloudinary.prom").path
        tenant.configOverrides["metrics"] = ["file": metricsPath]
        let result = try tenant.run(["once"])
        #expect(result.status == 1)

        let parser = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            samples = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                    samples[sample.name + ("{" + labels + "}" if labels else "")] = sample.value
            print(json.dumps(samples))
            """
        let parsed = try Command.run("/usr/bin/env", ["python3", "-c", parser, metricsPath])
        #expect(parsed.status == 0, "parser: \(parsed.stderr)")
        let samples = try #require(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Double])
        #expect(samples["wf2cloudinary_documents_uploaded_total"] == 2)
        #expect(samples["wf2cloudinary_bytes_uploaded_total"] == 30_000)
        #expect(samples["wf2cloudinary_document_failures_total{kind=emptyDocument}"] == 1)
        #expect(samples["wf2cloudinary_tasks_total{outcome=done}"] == 1)
        #expect(samples["wf2cloudinary_tasks_total{outcome=failed}"] == 1)
        #expect(samples["wf2cloudinary_transfer_duration_seconds_count"] == 2)
        #expect(samples["wf2cloudinary_transfer_duration_seconds_bucket{le=+Inf}"] == 2)
        #expect((samples["wf2cloudinary_last_successful_poll_timestamp_seconds"] ?? 0) > 1_700_000_000)
        #expect(samples["wf2cloudinary_queue_depth"] == 0)
    }
}
