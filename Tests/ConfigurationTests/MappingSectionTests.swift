import Configuration
import Foundation
import Testing

@Suite("mapping section")
struct MappingSectionTests {
    /// The interpolation example of docs/mapping.md, as written in a configuration file.
    @Test func doubledBackslashGivesJqInterpolation() throws {
        let text = #"""
        {
          workfront: { url: "https://acme.my.workfront.com" },
          mapping: { displayName: '"\\(.task.name) – \\(.version.fileName)"' },
        }
        """#
        let settings = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")
        let parameters = try settings.mapping.evaluate(inputJSON: #"{"task":{"name":"Spring"},"version":{"fileName":"hero.jpg"}}"#)
        #expect(parameters["display_name"] == "Spring – hero.jpg")
    }
}
