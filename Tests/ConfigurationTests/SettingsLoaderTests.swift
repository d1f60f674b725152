import Configuration
import Foundation
import Testing

/// Parses `text` as a configuration file named `test.json5` and returns the
/// problems reported, or an empty list when it parses.
private func problems(_ text: String) -> [ConfigurationError] {
    do {
        _ = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")
        return []
    } catch {
        return error.errors
    }
}

/// Returns the one problem reported for `text`, failing the test when there
/// is not exactly one.
private func onlyProblem(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigurationError {
    let found = problems(text)
    try #require(found.count == 1, "expected one problem, found: \(found)", sourceLocation: sourceLocation)
    return found[0]
}

private let minimal = #"{ workfront: { url: "https://acme.my.workfront.com" } }"#

@Suite("SettingsLoader")
struct SettingsLoaderTests {
    // MARK: Values and defaults

    @Test func defaultsWhenKeysAbsent() throws {
        let settings = try SettingsLoader.parse(Data(minimal.utf8), source: "test.json5")

        #expect(settings.workfront.url == "https://acme.my.workfront.com")
        #expect(settings.workfront.apiVersion == "v21.0")
        #expect(settings.workfront.pageSize == 100)
        #expect(settings.workfront.apiBase == "https://acme.my.workfront.com/attask/api/v21.0")
        #expect(settings.statuses.trigger == ["UPL"])
        #expect(settings.statuses.done == "CPL")
        #expect(settings.statuses.failed == "ERR")
        #expect(settings.statuses.inProgress == nil)
        #expect(settings.pollInterval == 300)
        #expect(settings.workers == 4)
        #expect(settings.cloudinary.assetFolder == "workfront")
        #expect(settings.cloudinary.chunkSize == 20_000_000)
        #expect(settings.cloudinary.overwrite == true)
        #expect(settings.writeBack.urlField == "description")
        #expect(settings.writeBack.publicIdField == nil)
        #expect(settings.shutdownGrace == 30)
    }

    @Test func nullMeansDefault() throws {
        let text = #"{ workfront: { url: "https://acme.my.workfront.com", pageSize: null }, workers: null, poll: null }"#
        let settings = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")

        #expect(settings.workfront.pageSize == 100)
        #expect(settings.workers == 4)
        #expect(settings.pollInterval == 300)
    }

    @Test func everyKeyIsRead() throws {
        let text = """
            {
              workfront: { url: "https://acme.my.workfront.com:8443", apiVersion: "v19.0", pageSize: 2000 },
              statuses: { trigger: ["UPL", "RDY"], done: "DON", failed: "BAD", inProgress: "INP" },
              poll: { interval: 5 },
              workers: 64,
              cloudinary: { assetFolder: "", chunkSize: 5242880, overwrite: false },
              writeBack: { urlField: "DE:Cloudinary URL", publicIdField: "DE:Cloudinary ID" },
              shutdown: { grace: 0 },
            }
            """
        let settings = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")

        #expect(settings.workfront.url == "https://acme.my.workfront.com:8443")
        #expect(settings.workfront.apiVersion == "v19.0")
        #expect(settings.workfront.pageSize == 2000)
        #expect(settings.statuses.trigger == ["UPL", "RDY"])
        #expect(settings.statuses.done == "DON")
        #expect(settings.statuses.failed == "BAD")
        #expect(settings.statuses.inProgress == "INP")
        #expect(settings.pollInterval == 5)
        #expect(settings.workers == 64)
        #expect(settings.cloudinary.assetFolder == "")
        #expect(settings.cloudinary.chunkSize == 5_242_880)
        #expect(settings.cloudinary.overwrite == false)
        #expect(settings.writeBack.urlField == "DE:Cloudinary URL")
        #expect(settings.writeBack.publicIdField == "DE:Cloudinary ID")
        #expect(settings.shutdownGrace == 0)
    }

    @Test func smallNumbersAreNotBooleans() throws {
        let text = #"{ workfront: { url: "https://acme.my.workfront.com", pageSize: 1 }, workers: 1, shutdown: { grace: 0 } }"#
        let settings = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")

        #expect(settings.workfront.pageSize == 1)
        #expect(settings.workers == 1)
        #expect(settings.shutdownGrace == 0)
    }

    @Test func wholeNumberWrittenAsDecimal() throws {
        let settings = try SettingsLoader.parse(Data(#"{ workfront: { url: "https://a.example.com" }, workers: 8.0 }"#.utf8),
                                                source: "test.json5")
        #expect(settings.workers == 8)
    }

    @Test func json5CommentsAndTrailingCommas() throws {
        let text = """
            // wf2cloudinary settings
            {
              /* the tenant */
              workfront: {
                url: 'https://acme.my.workfront.com', // single quotes are JSON5 too
                pageSize: 0x20,
              },
              statuses: { trigger: ["UPL",], },
              workers: +3,
            }
            """
        let settings = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")

        #expect(settings.workfront.url == "https://acme.my.workfront.com")
        #expect(settings.workfront.pageSize == 32)
        #expect(settings.statuses.trigger == ["UPL"])
        #expect(settings.workers == 3)
    }

    @Test func urlTrailingSlashRemoved() throws {
        let settings = try SettingsLoader.parse(Data(#"{ workfront: { url: "https://acme.my.workfront.com//" } }"#.utf8),
                                                source: "test.json5")
        #expect(settings.workfront.url == "https://acme.my.workfront.com")
    }

    @Test func apiVersionGetsLeadingV() throws {
        let text = #"{ workfront: { url: "https://acme.my.workfront.com", apiVersion: "20.0" } }"#
        let settings = try SettingsLoader.parse(Data(text.utf8), source: "test.json5")
        #expect(settings.workfront.apiVersion == "v20.0")
    }

    @Test func plainHTTPToLoopbackAllowed() throws {
        for url in ["http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:8080", "http://127.1.2.3"] {
            let settings = try SettingsLoader.parse(Data(#"{ workfront: { url: "\#(url)" } }"#.utf8), source: "test.json5")
            #expect(settings.workfront.url == url)
        }
    }

    // MARK: Problems

    @Test func missingURL() throws {
        let problem = try onlyProblem("{}")
        #expect(problem.source == "test.json5")
        #expect(problem.key == "workfront.url")
        #expect(problem.problem.contains("missing"))
    }

    @Test func unknownTopLevelKey() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, worker: 3 }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "worker")
        #expect(problem.problem.contains("unknown key"))
        #expect(problem.problem.contains("workers"), "lists the known keys")
    }

    @Test func unknownNestedKey() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, poll: { intervalSeconds: 60 } }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "poll.intervalSeconds")
        #expect(problem.problem.contains("interval"))
    }

    @Test func wrongTypeForNumber() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, workers: "4" }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "workers")
        #expect(problem.problem.contains("a string"))
        #expect(problem.problem.contains("\"4\""))
    }

    @Test func wrongTypeForString() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { done: 7 } }"#)
        #expect(problem.key == "statuses.done")
        #expect(problem.problem.contains("expected a string"))
    }

    @Test func wrongTypeForBool() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, cloudinary: { overwrite: "yes" } }"#)
        #expect(problem.key == "cloudinary.overwrite")
        #expect(problem.problem.contains("true or false"))
    }

    @Test func wrongTypeForSection() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, poll: 60 }"#)
        #expect(problem.key == "poll")
        #expect(problem.problem.contains("expected an object"))
    }

    @Test func wrongTypeForList() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { trigger: "UPL" } }"#)
        #expect(problem.key == "statuses.trigger")
        #expect(problem.problem.contains("list"))
    }

    @Test func wrongTypeInsideList() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { trigger: ["UPL", 3] } }"#)
        #expect(problem.key == "statuses.trigger[1]")
    }

    @Test func outOfRangeValues() throws {
        let cases: [(text: String, key: String)] = [
            (#"workers: 0"#, "workers"),
            (#"workers: 65"#, "workers"),
            (#"workers: 2.5"#, "workers"),
            (#"workers: -1"#, "workers"),
            (#"poll: { interval: 4 }"#, "poll.interval"),
            (#"poll: { interval: 86401 }"#, "poll.interval"),
            (#"cloudinary: { chunkSize: 5242879 }"#, "cloudinary.chunkSize"),
            (#"shutdown: { grace: 3601 }"#, "shutdown.grace"),
            (#"workfront: { url: "https://a.example.com", pageSize: 2001 }"#, "workfront.pageSize"),
        ]
        for (fragment, key) in cases {
            let text = fragment.hasPrefix("workfront") ? "{ \(fragment) }" : #"{ workfront: { url: "https://a.example.com" }, \#(fragment) }"#
            let found = problems(text)
            #expect(found.count == 1, "\(fragment): \(found)")
            #expect(found.first?.source == "test.json5", "\(fragment)")
            #expect(found.first?.key == key, "\(fragment)")
            #expect(found.first?.problem.contains("expected a whole number from") == true, "\(fragment)")
        }
    }

    @Test func infinityIsOutOfRange() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, workers: Infinity }"#)
        #expect(problem.key == "workers")
    }

    @Test func plainHTTPToRemoteHost() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "http://acme.my.workfront.com" } }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "workfront.url")
        #expect(problem.problem.contains("plain http"))
        #expect(problem.problem.contains("https"))
    }

    @Test func otherScheme() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "ftp://acme.my.workfront.com" } }"#)
        #expect(problem.key == "workfront.url")
        #expect(problem.problem.contains("ftp"))
    }

    @Test func urlWithoutHost() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "acme.my.workfront.com" } }"#)
        #expect(problem.key == "workfront.url")
        #expect(problem.problem.contains("scheme and a host"))
    }

    @Test func urlWithPath() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://acme.my.workfront.com/attask/api/v21.0" } }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "workfront.url")
        #expect(problem.problem.contains("/attask/api/v21.0"))
    }

    /// Only a scheme, a host and a port make a usable base. The API path is
    /// appended to the URL as text, so a query or fragment would precede it.
    @Test func urlWithQueryOrFragment() throws {
        for url in ["https://acme.my.workfront.com?tenant=1", "https://acme.my.workfront.com#top"] {
            let found = problems(#"{ workfront: { url: "\#(url)" } }"#)
            #expect(found.count == 1, "\(url) was accepted")
            #expect(found.first?.key == "workfront.url", "\(url)")
        }
    }

    @Test func badAPIVersion() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com", apiVersion: "latest" } }"#)
        #expect(problem.key == "workfront.apiVersion")
        #expect(problem.problem.contains("v21.0"))
    }

    @Test func doneStatusIsTrigger() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { trigger: ["UPL", "CPL"] } }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "statuses.done")
        #expect(problem.problem.contains("\"CPL\""))
    }

    @Test func failedStatusIsTrigger() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { trigger: ["UPL"], failed: "UPL" } }"#)
        #expect(problem.key == "statuses.failed")
    }

    @Test func emptyTriggerList() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { trigger: [] } }"#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == "statuses.trigger")
        #expect(problem.problem.contains("at least one"))
    }

    @Test func emptyStatusName() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, statuses: { done: "  " } }"#)
        #expect(problem.key == "statuses.done")
        #expect(problem.problem.contains("empty"))
    }

    @Test func notJSON5() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" "#)
        #expect(problem.source == "test.json5")
        #expect(problem.key == nil)
        #expect(problem.position == TextPosition(line: 1, column: 14))
        #expect(problem.problem == #"the object for "workfront" opened here is not closed: expected '}' before the end of the file"#)
    }

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let text = """
            {
              workfront: { url: "https://acme.my.workfront.com" },
              statuses: { trigger: ["UPL"] done: "CPL" },
            }
            """
        let problem = try onlyProblem(text)
        #expect(problem.description == #"test.json5:3:32: expected ',' or '}' after the value of "trigger", found 'done'"#)
    }

    @Test func jqInterpolationEscapeHint() throws {
        let text = """
            {
              workfront: { url: "https://acme.my.workfront.com" },
              mapping: { displayName: "\\(.task.name)" },
            }
            """
        let problem = try onlyProblem(text)
        #expect(problem.position == nil)
        #expect(problem.description == "test.json5: not valid JSON5 according to Foundation's JSON parser, which gave no line or column "
            + "(check quotes, brackets and commas). It rejects '\\(' in a string at line 3, column 28: write jq's string "
            + "interpolation as '\\\\(' in the configuration file.")
    }

    @Test func decoderLimitationsListed() throws {
        let text = "{ workfront: { url: 'https://a.example.com' }, statuses: { done: 'C\tPL' },\n  mapping: { tags: '[\\(.name)]' } }"
        let problem = try onlyProblem(text)
        #expect(problem.description == "test.json5: not valid JSON5 according to Foundation's JSON parser, which gave no line or column "
            + "(check quotes, brackets and commas). It rejects the control character '\\t' written as itself in a string at "
            + "line 1, column 68: write the escape '\\t' instead. It rejects '\\(' in a string at line 2, column 22: write "
            + "jq's string interpolation as '\\\\(' in the configuration file.")
    }

    @Test func interpolationWrittenEscapedAccepted() throws {
        let text = #"{ workfront: { url: "https://a.example.com" }, mapping: { displayName: '"\\(.task.name)"' } }"#
        #expect(problems(text).isEmpty)
    }

    @Test func topLevelNotObject() throws {
        let problem = try onlyProblem(#"["https://a.example.com"]"#)
        #expect(problem.key == nil)
        #expect(problem.problem.contains("a list"))
    }

    @Test func everyProblemAtOnce() throws {
        let text = """
            {
              workfront: { url: "http://acme.my.workfront.com", pageSize: 0, color: "blue" },
              statuses: { trigger: [] },
              workers: "many",
              poll: { interval: 1 },
              extra: true,
            }
            """
        let found = problems(text)
        let keys = Set(found.compactMap(\.key))

        #expect(found.allSatisfy { $0.source == "test.json5" })
        #expect(keys == ["extra", "workfront.color", "workfront.url", "workfront.pageSize", "statuses.trigger", "workers",
                         "poll.interval"])
        #expect(found.count == 7)
    }

    @Test func descriptionNamesSourceAndKey() throws {
        let problem = try onlyProblem(#"{ workfront: { url: "https://a.example.com" }, workers: 0 }"#)
        #expect(problem.description.hasPrefix("test.json5: workers: "))
    }

    // MARK: Files

    @Test func loadMissingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wf2c-absent-\(UUID().uuidString).json5").path
        do {
            _ = try SettingsLoader.load(path: path)
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors.first?.source == path)
            #expect(error.errors.first?.key == nil)
            #expect(error.errors.first?.problem.contains("does not exist") == true)
            #expect(error.errors.first?.problem.contains("--config") == true)
        }
    }

    @Test func loadReadsFile() throws {
        let directory = try TemporaryFolder()
        let path = try directory.write("wf2cloudinary.json5", minimal + "\n// end\n")
        let settings = try SettingsLoader.load(path: path)
        #expect(settings.workfront.url == "https://acme.my.workfront.com")
    }

    @Test func loadNamesFileInProblems() throws {
        let directory = try TemporaryFolder()
        let path = try directory.write("wf2cloudinary.json5", #"{ workfront: { url: "https://a.example.com" }, workers: 0 }"#)
        do {
            _ = try SettingsLoader.load(path: path)
            Issue.record("accepted workers: 0")
        } catch {
            #expect(error.errors.map(\.source) == [path])
            #expect(error.errors.map(\.key) == ["workers"])
        }
    }
}
