import Foundation
import Testing

/// Several instances against one tenant: claiming and static sharding.
@Suite("claiming and sharding")
struct ClaimTests {
    private func tasks(_ count: Int, prefix: String) -> [FakeTask] {
        (1...count).map { index in
            FakeTask(id: "\(prefix)-task-\(index)", name: "Task \(index)", documents: [
                FakeDocument(id: "\(prefix)-doc-\(index)", name: "Doc \(index)", fileName: "doc\(index).jpg", size: 30_000),
            ])
        }
    }

    /// Runs `once` in two processes at the same time, each with its own
    /// journal, and returns both results.
    private func runTwoInstances(_ tenant: Tenant, configs: (String, String)) throws -> (CommandResult, CommandResult) {
        let first = tenant.directory.appendingPathComponent("state-a").path
        let second = tenant.directory.appendingPathComponent("state-b").path
        nonisolated(unsafe) var results: [CommandResult?] = [nil, nil]
        let group = DispatchGroup()
        for (index, (config, state)) in [(configs.0, first), (configs.1, second)].enumerated() {
            group.enter()
            Thread.detachNewThread {
                results[index] = try? Command.run(Paths.binary, ["once", "--config", config, "--state-dir", state],
                                                  environment: tenant.environment)
                group.leave()
            }
        }
        group.wait()
        return (try #require(results[0]), try #require(results[1]))
    }

    private func historyTasks(_ tenant: Tenant, state: String) throws -> Set<String> {
        let result = try Command.run(Paths.binary, ["history", "--state-dir", tenant.directory.appendingPathComponent(state).path])
        return Set(result.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").drop { $0 != "task" }.dropFirst().first.map(String.init)
        })
    }

    @Test func twoInstancesNeverShareATask() throws {
        let all = tasks(16, prefix: "claim")
        let tenant = try Tenant(tasks: all, scenarioExtras: ["taskStatuses": ["NEW", "INP", "CPL", "UPL", "ERR", "UPP"]])
        tenant.configOverrides["statuses"] = ["trigger": ["UPL"], "done": "CPL", "failed": "ERR", "inProgress": "UPP"]
        tenant.configOverrides["claim"] = ["settleMilliseconds": 200]
        let config = try tenant.writeConfig()
        let (first, second) = try runTwoInstances(tenant, configs: (config, config))
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(second.status == 0, "stderr: \(second.stderr)")
        for task in all {
            #expect(try tenant.taskStatus(task.id) == "CPL")
        }
        let assets = try tenant.cloudinaryAssets()
        for task in all {
            #expect((assets[task.documents[0].id]?["upload_count"] as? NSNumber)?.intValue == 1, "\(task.id) uploaded twice")
        }
        let byFirst = try historyTasks(tenant, state: "state-a")
        let bySecond = try historyTasks(tenant, state: "state-b")
        #expect(byFirst.isDisjoint(with: bySecond))
        #expect(byFirst.union(bySecond).count == all.count)
        let extRefIDs = try (tenant.workfrontState()["tasks"] as? [String: [String: Any]] ?? [:]).values
            .compactMap { ($0["fields"] as? [String: Any])?["extRefID"] as? String }
        #expect(extRefIDs.allSatisfy { $0.isEmpty }, "claims are released when tasks finish")
    }

    @Test func shardsSplitTasksWithoutOverlap() throws {
        let all = tasks(12, prefix: "shard")
        let tenant = try Tenant(tasks: all)
        tenant.configOverrides["shard"] = ["index": 0, "count": 2]
        let firstConfig = tenant.directory.appendingPathComponent("shard0.json5").path
        try FileManager.default.moveItem(atPath: try tenant.writeConfig(), toPath: firstConfig)
        tenant.configOverrides["shard"] = ["index": 1, "count": 2]
        let (first, second) = try runTwoInstances(tenant, configs: (firstConfig, try tenant.writeConfig()))
        #expect(first.status == 0)
        #expect(second.status == 0)
        let byFirst = try historyTasks(tenant, state: "state-a")
        let bySecond = try historyTasks(tenant, state: "state-b")
        #expect(!byFirst.isEmpty)
        #expect(!bySecond.isEmpty)
        #expect(byFirst.isDisjoint(with: bySecond))
        #expect(byFirst.union(bySecond) == Set(all.map(\.id)))
    }

    @Test func staleClaimIsTakenOverFreshOneIsNot() throws {
        let stale = "wf2cloudinary/dead-host-1-1/\(Int(Date().timeIntervalSince1970) - 10_000)"
        let fresh = "wf2cloudinary/busy-host-2-2/\(Int(Date().timeIntervalSince1970))"
        var staleTask = tasks(1, prefix: "stale")[0]
        staleTask.status = "UPP"
        var freshTask = tasks(1, prefix: "fresh")[0]
        freshTask.status = "UPP"
        let tenant = try Tenant(tasks: [staleTask, freshTask], scenarioExtras: ["taskStatuses": ["UPL", "UPP", "CPL", "ERR"]],
                                taskFields: ["stale-task-1": ["extRefID": stale], "fresh-task-1": ["extRefID": fresh]])
        tenant.configOverrides["statuses"] = ["trigger": ["UPL"], "done": "CPL", "failed": "ERR", "inProgress": "UPP"]
        tenant.configOverrides["claim"] = ["timeout": 3600, "settleMilliseconds": 0]
        let result = try tenant.run(["once"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(try tenant.taskStatus("stale-task-1") == "CPL")
        #expect(try tenant.taskStatus("fresh-task-1") == "UPP")
    }

    @Test func shardIndexMustBeBelowCount() throws {
        let tenant = try Tenant(tasks: [])
        tenant.configOverrides["shard"] = ["index": 2, "count": 2]
        let result = try tenant.run(["check-config"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("shard.index"))
    }
}
