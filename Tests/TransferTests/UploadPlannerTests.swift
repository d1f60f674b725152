import Foundation
import Configuration
import Testing
@testable import Transfer
@testable import Workfront

/// Parses a configuration file with only the Workfront URL and this
/// `cloudinary` section, and returns the Cloudinary settings.
private func cloudinarySettings(_ section: String) throws -> Settings.Cloudinary {
    let text = #"{ workfront: { url: "https://acme.my.workfront.com" }, cloudinary: \#(section) }"#
    return try SettingsLoader.parse(Data(text.utf8), source: "test.json5").cloudinary
}

private let task = WorkfrontTask(id: "task-1", name: "Upload hero", status: "UPL", projectID: "proj-1",
                                 projectName: "Spring launch", documents: [], rawJSON: [])

private func document(id: String = "6655aa01", name: String, fileName: String, ext: String? = nil)
    -> (WorkfrontDocument, WorkfrontDocumentVersion) {
    let version = WorkfrontDocumentVersion(id: "\(id)-v1", version: "1", fileName: fileName, ext: ext, docSize: 1234)
    return (WorkfrontDocument(id: id, name: name, description: nil, downloadURL: nil, currentVersion: version), version)
}

@Suite("UploadPlanner")
struct UploadPlannerTests {
    @Test func defaults() throws {
        let planner = UploadPlanner(settings: try cloudinarySettings("{}"))
        let (document, version) = document(name: "Hero photo", fileName: "Hero \"final\" shot.jpg", ext: "jpg")

        let plan = try planner.plan(task: task, document: document, version: version)

        #expect(plan.parameters == [
            "public_id": "6655aa01",
            "asset_folder": "workfront",
            "display_name": "Hero photo",
            "overwrite": "true",
        ])
        #expect(plan.resourceType == "auto")
        #expect(plan.fileName == "Hero \"final\" shot.jpg")
        #expect(plan.contentType == "image/jpeg")
    }

    @Test func configuredFolderAndOverwrite() throws {
        let planner = UploadPlanner(settings: try cloudinarySettings(#"{ assetFolder: "Brand/Spring", overwrite: false }"#))
        let (document, version) = document(name: "Brochure", fileName: "Брошюра весна 2027.pdf", ext: "pdf")

        let plan = try planner.plan(task: task, document: document, version: version)

        #expect(plan.parameters["asset_folder"] == "Brand/Spring")
        #expect(plan.parameters["overwrite"] == "false")
        #expect(plan.parameters["public_id"] == "6655aa01")
        #expect(plan.contentType == "application/pdf")
    }

    @Test func emptyFolderLeftOut() throws {
        let planner = UploadPlanner(settings: try cloudinarySettings(#"{ assetFolder: "" }"#))
        let (document, version) = document(name: "Logo", fileName: "logo.svg")

        let plan = try planner.plan(task: task, document: document, version: version)

        #expect(plan.parameters["asset_folder"] == nil)
        #expect(plan.parameters.keys.sorted() == ["display_name", "overwrite", "public_id"])
    }

    @Test func displayNameFallsBackToFileName() throws {
        let planner = UploadPlanner(settings: try cloudinarySettings("{}"))
        let (document, version) = document(name: "", fileName: "ロゴ design.svg")

        let plan = try planner.plan(task: task, document: document, version: version)

        #expect(plan.parameters["display_name"] == "ロゴ design.svg")
    }

    @Test func contentTypeFromFileNameWhenNoExtension() throws {
        let planner = UploadPlanner(settings: try cloudinarySettings("{}"))
        let cases: [(fileName: String, ext: String?, contentType: String)] = [
            ("Teaser clip 01.mp4", nil, "video/mp4"),
            ("SCAN.TIFF", nil, "image/tiff"),
            ("Hero.JPG", "JPG", "image/jpeg"),
            ("archive.tar.gz", nil, "application/octet-stream"),
            ("notes", nil, "application/octet-stream"),
            (".hidden", nil, "application/octet-stream"),
            ("photo.jpg", "png", "image/png"),
        ]
        for (fileName, ext, contentType) in cases {
            let (document, version) = document(name: "x", fileName: fileName, ext: ext)
            let plan = try planner.plan(task: task, document: document, version: version)
            #expect(plan.contentType == contentType, "\(fileName), ext \(ext ?? "none")")
        }
    }

    @Test func extensionOfFileName() {
        #expect(UploadPlanner.extensionOf("a.b.pdf") == "pdf")
        #expect(UploadPlanner.extensionOf("no extension") == "")
        #expect(UploadPlanner.extensionOf(".profile") == "")
        #expect(UploadPlanner.extensionOf("trailing.") == "")
    }
}
