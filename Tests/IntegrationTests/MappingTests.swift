import Foundation
import Testing

/// The metadata mapping through the fakes: what Cloudinary receives for
/// realistic custom forms.
@Suite("mapping through the fakes")
struct MappingThroughFakesTests {
    static let mapping: [String: String] = [
        "assetFolder": #""workfront/" + .project.name"#,
        "publicId": #""campaigns/" + (.custom.Campaign | ascii_downcase | gsub("[^a-z0-9]+"; "-")) + "/" + .document.ID"#,
        "displayName": #".document.name + " v" + .version.version"#,
        "tags": #"[.project.name, .custom.Channels[]?, .custom.Region] | map(select(. != null and . != ""))"#,
        "context": #"{campaign: .custom.Campaign, brief: .custom.Brief, budget: .custom.Budget, due: .custom.Due}"#,
        "metadata": #"{wf_task: .task.ID, channels: .custom.Channels}"#,
    ]

    private func tenant(channels: Any, extraDocument: Bool = false) throws -> Tenant {
        var documents = [FakeDocument(id: "map-doc-1", name: "Hero «final»", fileName: "hero.jpg", size: 12_345)]
        if extraDocument {
            documents.append(FakeDocument(id: "map-doc-2", name: "Back", fileName: "back.png", size: 2_000))
        }
        let task = FakeTask(id: "map-task", name: "Spring hero", documents: documents, custom: [
            "DE:Campaign": "Spring Launch 2027", "DE:Channels": channels, "DE:Budget": 1200,
            "DE:Due": "2027-03-01T00:00:00:000-0600", "DE:Brief": "Tom | Jerry = friends & rivals, 春",
            "DE:Region": "",
        ])
        let tenant = try Tenant(tasks: [task], projectCustom: ["DE:Region": "EMEA"])
        tenant.configOverrides["mapping"] = Self.mapping
        return tenant
    }

    @Test func cloudinaryReceivesMappedParameters() throws {
        let tenant = try tenant(channels: ["Web", "Print"])
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let assets = try tenant.cloudinaryAssets()
        let asset = try #require(assets["campaigns/spring-launch-2027/map-doc-1"], "assets: \(assets.keys)")
        let parameters = try #require(asset["params"] as? [String: Any])
        #expect(parameters["asset_folder"] as? String == "workfront/Spring Campaign")
        #expect(parameters["display_name"] as? String == "Hero «final» v1")
        // The task's empty Region wins over the project's, and is dropped.
        #expect(parameters["tags"] as? String == "Spring Campaign,Web,Print")
        #expect(parameters["context"] as? String
            == #"brief=Tom \| Jerry \= friends & rivals, 春|budget=1200|campaign=Spring Launch 2027|due=2027-03-01T00:00:00:000-0600"#)
        #expect(parameters["metadata"] as? String == #"channels=["Web","Print"]|wf_task=map-task"#)
        let counters = try tenant.cloudinary.control("/_fake/state")["counters"] as? [String: Any]
        #expect((counters?["rejected_signature"] as? NSNumber)?.intValue == 0)
        let document = try #require(try tenant.document("map-doc-1"))
        #expect((document["description"] as? String)?.contains("campaigns/spring-launch-2027/map-doc-1") == true)
    }

    @Test func typeErrorFailsOnlyThatDocument() throws {
        let tenant = try tenant(channels: ["Web"], extraDocument: true)
        var mapping = Self.mapping
        mapping["displayName"] = #"if .document.ID == "map-doc-2" then 42 else .document.name end"#
        tenant.configOverrides["mapping"] = mapping
        let result = try tenant.run(["once"])
        #expect(result.status == 1)
        #expect(try tenant.cloudinaryAssets()["campaigns/spring-launch-2027/map-doc-1"] != nil)
        #expect(try tenant.taskStatus("map-task") == "ERR")
        let note = try #require(try tenant.notes(on: "map-task").first)
        #expect(note.contains("back.png"))
        #expect(note.contains("mapping.displayName"))
        #expect(note.contains("42"))
    }

    @Test func brokenExpressionFailsCheckConfig() throws {
        let tenant = try tenant(channels: ["Web"])
        tenant.configOverrides["mapping"] = ["tags": "[.project.name"]
        let result = try tenant.run(["check-config"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("mapping.tags"))
        #expect(result.stderr.contains("does not compile"))
    }

    @Test func dryRunPrintsParametersAndChangesNothing() throws {
        let tenant = try tenant(channels: ["Web", "Print"])
        let result = try tenant.run(["once", "--dry-run"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("public_id=campaigns/spring-launch-2027/map-doc-1"))
        #expect(result.stdout.contains("tags=Spring Campaign,Web,Print"))
        #expect(result.stdout.contains("dry run: nothing was uploaded or changed"))
        #expect(try tenant.cloudinaryAssets().isEmpty)
        #expect(try tenant.taskStatus("map-task") == "UPL")
    }
}
