import Foundation
import HTTP
import Mapping

/// Loads `Settings` from a JSON5 file.
public enum SettingsLoader {
    public static let defaultPath = "/etc/wf2cloudinary/wf2cloudinary.json5"

    /// Reads and validates the file at `path`, reporting every problem at once.
    public static func load(path: String) throws(ConfigurationErrors) -> Settings {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (check its permissions)" : "does not exist"
            throw ConfigurationErrors(errors: [ConfigurationError(
                source: path, key: nil, problem: "the configuration file \(reason); pass another with --config PATH")])
        }
        return try parse(data, source: path)
    }

    /// Validates the JSON5 text `data`; `source` names it in messages.
    public static func parse(_ data: Data, source: String) throws(ConfigurationErrors) -> Settings {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let root: JSONValue
        do {
            root = try decoder.decode(JSONValue.self, from: data)
        } catch {
            throw ConfigurationErrors(errors: [syntaxError(in: data, source: source)])
        }
        guard case .object(let top) = root else {
            throw ConfigurationErrors(errors: [ConfigurationError(
                source: source, key: nil, problem: "expected an object at the top level, found \(root.typeDescription)")])
        }
        let reader = ConfigReader(source: source)
        let settings = read(top, reader)
        if !reader.errors.isEmpty {
            throw ConfigurationErrors(errors: reader.errors)
        }
        return settings
    }

    private static func read(_ top: [String: JSONValue], _ reader: ConfigReader) -> Settings {
        reader.rejectUnknownKeys(top, path: nil,
                                 known: ["workfront", "statuses", "poll", "workers", "cloudinary", "writeBack", "shutdown", "mapping", "metrics", "claim", "shard", "limits"])
        let workfront = readWorkfront(reader.section(top, "workfront", path: "workfront", known: ["url", "apiVersion", "pageSize"]), reader)
        let statuses = readStatuses(reader.section(top, "statuses", path: "statuses", known: ["trigger", "done", "failed", "inProgress"]), reader)
        let poll = reader.section(top, "poll", path: "poll", known: ["interval"])
        let cloudinary = reader.section(top, "cloudinary", path: "cloudinary", known: ["assetFolder", "chunkSize", "overwrite"])
        let writeBack = reader.section(top, "writeBack", path: "writeBack", known: ["urlField", "publicIdField"])
        let shutdown = reader.section(top, "shutdown", path: "shutdown", known: ["grace"])
        let metrics = reader.section(top, "metrics", path: "metrics", known: ["file"])
        let claim = reader.section(top, "claim", path: "claim", known: ["field", "timeout", "settleMilliseconds"])
        let shard = reader.section(top, "shard", path: "shard", known: ["index", "count"])
        let limits = reader.section(top, "limits", path: "limits", known: ["maxDocumentBytes"])
        let maxDocumentBytes = limits["maxDocumentBytes"] == nil ? nil
            : Int64(reader.integer(limits, "maxDocumentBytes", path: "limits.maxDocumentBytes", default: 0, range: 1...Int.max))
        let shardCount = reader.integer(shard, "count", path: "shard.count", default: 1, range: 1...1024)
        let shardIndex = reader.integer(shard, "index", path: "shard.index", default: 0, range: 0...1023)
        if shardIndex >= shardCount {
            reader.fail("shard.index", "must be below shard.count (\(shardCount)); instances are numbered from 0")
        }
        let mapping = reader.section(top, "mapping", path: "mapping", known: Set(DocumentMapping.keys + ["fields"]))

        return Settings(
            workfront: workfront,
            claim: Settings.Claim(
                field: reader.nonEmptyString(claim, "field", path: "claim.field", default: "extRefID"),
                timeout: reader.integer(claim, "timeout", path: "claim.timeout", default: 7200, range: 60...604_800),
                settleMilliseconds: reader.integer(claim, "settleMilliseconds", path: "claim.settleMilliseconds",
                                                   default: 500, range: 0...60_000)),
            shard: Settings.Shard(index: shardIndex, count: shardCount),
            statuses: statuses,
            pollInterval: reader.integer(poll, "interval", path: "poll.interval", default: 300, range: 5...86_400),
            maxDocumentBytes: maxDocumentBytes,
            workers: reader.integer(top, "workers", path: "workers", default: 4, range: 1...64),
            cloudinary: Settings.Cloudinary(
                assetFolder: reader.string(cloudinary, "assetFolder", path: "cloudinary.assetFolder", default: "workfront") ?? "workfront",
                // Cloudinary requires every chunk but the last to exceed 5 MB;
                // 5 MiB is the smallest size that always does.
                chunkSize: reader.integer(cloudinary, "chunkSize", path: "cloudinary.chunkSize", default: 20_000_000,
                                          range: 5 * 1024 * 1024...100_000_000),
                overwrite: reader.bool(cloudinary, "overwrite", path: "cloudinary.overwrite", default: true)),
            writeBack: Settings.WriteBack(
                urlField: reader.nonEmptyString(writeBack, "urlField", path: "writeBack.urlField", default: "description"),
                publicIdField: reader.string(writeBack, "publicIdField", path: "writeBack.publicIdField", default: nil)),
            shutdownGrace: reader.integer(shutdown, "grace", path: "shutdown.grace", default: 30, range: 0...3600),
            metricsFile: reader.string(metrics, "file", path: "metrics.file", default: nil),
            mapping: readMapping(mapping, reader))
    }

    /// Compiles every mapping expression now, so that a syntax error stops
    /// the load (or the reload) and names its key.
    private static func readMapping(_ section: [String: JSONValue], _ reader: ConfigReader) -> DocumentMapping {
        var expressions: [String: JQExpression] = [:]
        for key in DocumentMapping.keys {
            guard let source = reader.string(section, key, path: "mapping.\(key)", default: nil) else { continue }
            do {
                expressions[key] = try JQExpression(source)
            } catch {
                reader.fail("mapping.\(key)", "the jq expression does not compile: \(error.message)")
            }
        }
        let fields = section["fields"] == nil ? [] : reader.stringList(section, "fields", path: "mapping.fields", default: [])
        return DocumentMapping(expressions: expressions, fields: fields)
    }

    private static func readWorkfront(_ section: [String: JSONValue], _ reader: ConfigReader) -> Settings.Workfront {
        var url = reader.string(section, "url", path: "workfront.url", default: nil) ?? ""
        if url.isEmpty {
            reader.fail("workfront.url", "missing; set it to your tenant's address, e.g. \"https://acme.my.workfront.com\"")
        } else {
            while url.hasSuffix("/") {
                url.removeLast()
            }
            do {
                try EndpointPolicy.validate(url)
                let components = URLComponents(string: url)
                if let path = components?.path, !path.isEmpty {
                    reader.fail("workfront.url", "must be only the scheme and host (found the path \(path)); the API path is derived from workfront.apiVersion")
                } else if components?.query != nil || components?.fragment != nil || components?.user != nil {
                    reader.fail("workfront.url", "must be only the scheme and host, without a query, fragment or user name")
                }
            } catch {
                reader.fail("workfront.url", "\"\(url)\" \(error.description)")
            }
        }
        var version = reader.string(section, "apiVersion", path: "workfront.apiVersion", default: "v21.0") ?? "v21.0"
        if !version.hasPrefix("v") {
            version = "v" + version
        }
        if version.wholeMatch(of: /v[0-9]+\.[0-9]+/) == nil {
            reader.fail("workfront.apiVersion", "expected a version such as \"v21.0\", found \"\(version)\"")
        }
        return Settings.Workfront(
            url: url, apiVersion: version,
            pageSize: reader.integer(section, "pageSize", path: "workfront.pageSize", default: 100, range: 1...2000))
    }

    private static func readStatuses(_ section: [String: JSONValue], _ reader: ConfigReader) -> Settings.Statuses {
        let statuses = Settings.Statuses(
            trigger: reader.stringList(section, "trigger", path: "statuses.trigger", default: ["UPL"]),
            done: reader.nonEmptyString(section, "done", path: "statuses.done", default: "CPL"),
            failed: reader.nonEmptyString(section, "failed", path: "statuses.failed", default: "ERR"),
            inProgress: reader.string(section, "inProgress", path: "statuses.inProgress", default: nil))
        for outcome in [("statuses.done", statuses.done), ("statuses.failed", statuses.failed)]
        where statuses.trigger.contains(outcome.1) {
            reader.fail(outcome.0, "\"\(outcome.1)\" is also a trigger status, so finished tasks would be picked up again")
        }
        if let inProgress = statuses.inProgress, statuses.trigger.contains(inProgress) || inProgress == statuses.done
            || inProgress == statuses.failed {
            reader.fail("statuses.inProgress", "\"\(inProgress)\" must differ from the trigger, done and failed statuses")
        }
        return statuses
    }
}
