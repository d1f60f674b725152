import Foundation
import Testing
@testable import Mapping

@Suite("jq expressions")
struct JQExpressionTests {
    @Test func compilesAndEvaluates() throws {
        let expression = try JQExpression(#""workfront/" + .project.name"#)
        #expect(try expression.evaluate(inputJSON: #"{"project":{"name":"Spring"}}"#) == [#""workfront/Spring""#])
    }

    @Test func syntaxErrorCarriesJqMessage() {
        #expect {
            try JQExpression(".project.name +")
        } throws: { error in
            (error as? JQError)?.message.contains("syntax error") == true
        }
    }

    @Test func runtimeErrorThrows() throws {
        let expression = try JQExpression(".project.name.first")
        #expect(throws: JQError.self) {
            try expression.evaluate(inputJSON: #"{"project":{"name":"Spring"}}"#)
        }
    }

    @Test func manyThreadsAtOnce() async throws {
        let expression = try JQExpression(".n * 2")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                group.addTask { () throws -> Void in
                    let outputs = try expression.evaluate(inputJSON: #"{"n":\#(index)}"#)
                    #expect(outputs == [String(index * 2)])
                }
            }
            try await group.waitForAll()
        }
    }
}

@Suite("document mapping")
struct DocumentMappingTests {
    private func mapping(_ sources: [String: String]) throws -> DocumentMapping {
        DocumentMapping(expressions: try sources.mapValues { try JQExpression($0) })
    }

    private let input = """
        {"task": {"ID": "t1", "name": "Launch"}, "project": {"name": "Spring | Summer"},
         "document": {"ID": "d1", "name": "Hero"}, "version": {"fileName": "hero.jpg"},
         "custom": {"Campaign": "Spring=2027", "Channels": ["Web", "Print"], "Budget": 1200, "Due": "2027-03-01",
                    "Empty": null, "Title": "Весна & лето"}}
        """

    @Test func stringTargets() throws {
        let parameters = try mapping([
            "assetFolder": #""workfront/" + .project.name"#, "publicId": #""wf-" + .document.ID"#,
            "displayName": ".custom.Title", "resourceType": #""image""#,
        ]).evaluate(inputJSON: input)
        #expect(parameters["asset_folder"] == "workfront/Spring | Summer")
        #expect(parameters["public_id"] == "wf-d1")
        #expect(parameters["display_name"] == "Весна & лето")
        #expect(parameters["resource_type"] == "image")
    }

    @Test func tagsJoinWithCommas() throws {
        let parameters = try mapping(["tags": #"[.project.name, .custom.Channels[], .custom.Empty] | map(select(. != null))"#])
            .evaluate(inputJSON: input)
        #expect(parameters["tags"] == "Spring | Summer,Web,Print")
    }

    @Test func tagWithCommaIsRejected() throws {
        #expect {
            try mapping(["tags": #"["a,b"]"#]).evaluate(inputJSON: input)
        } throws: { error in
            let error = error as? MappingError
            return error?.key == "tags" && error?.problem.contains("comma") == true
        }
    }

    @Test func contextEscapesEqualsAndPipe() throws {
        let parameters = try mapping(["context": #"{campaign: .custom.Campaign, project: .project.name, budget: .custom.Budget, none: .custom.Empty}"#])
            .evaluate(inputJSON: input)
        #expect(parameters["context"] == #"budget=1200|campaign=Spring\=2027|project=Spring \| Summer"#)
    }

    @Test func metadataAllowsLists() throws {
        let parameters = try mapping(["metadata": #"{channels: .custom.Channels, due: .custom.Due}"#]).evaluate(inputJSON: input)
        #expect(parameters["metadata"] == #"channels=["Web","Print"]|due=2027-03-01"#)
    }

    @Test func wrongTypeNamesKeyAndValue() throws {
        #expect {
            try mapping(["publicId": ".custom.Budget"]).evaluate(inputJSON: input)
        } throws: { error in
            let error = error as? MappingError
            return error?.key == "publicId" && error?.problem.contains("1200") == true
        }
    }

    @Test func contextRejectsNestedObjects() throws {
        #expect(throws: MappingError.self) {
            try mapping(["context": "{nested: .task}"]).evaluate(inputJSON: input)
        }
    }

    @Test func unknownResourceTypeIsRejected() throws {
        #expect(throws: MappingError.self) {
            try mapping(["resourceType": #""document""#]).evaluate(inputJSON: input)
        }
    }

    @Test func nullKeepsTheDefault() throws {
        let parameters = try mapping(["assetFolder": ".custom.Empty"]).evaluate(inputJSON: input)
        #expect(parameters["asset_folder"] == nil)
    }

    @Test func severalOutputsAreRejected() throws {
        #expect(throws: MappingError.self) {
            try mapping(["displayName": ".custom.Channels[]"]).evaluate(inputJSON: input)
        }
    }

    @Test func customUseIsDetected() throws {
        #expect(try mapping(["tags": "[.custom.A]"]).usesCustomValues)
        #expect(try !mapping(["tags": "[.project.name]"]).usesCustomValues)
    }
}
