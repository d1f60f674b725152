import Foundation
import Testing

/// `wf2cloudinary doctor` against the fakes, with each check failing once.
@Suite("doctor through the fakes")
struct DoctorTests {
    private func line(_ output: String, _ check: String) -> String? {
        output.split(separator: "\n").map(String.init).first { $0.dropFirst(6).hasPrefix(check + ":") }
    }

    @Test func everyCheckPassesOnAGoodInstall() throws {
        let tenant = try Tenant(tasks: [])
        let result = try tenant.run(["doctor"])
        #expect(result.status == 0, "stdout: \(result.stdout)")
        for check in ["configuration", "credentials", "state directory", "Workfront login", "task statuses",
                      "Cloudinary credentials", "clock"] {
            #expect(line(result.stdout, check)?.hasPrefix("ok") == true, "\(check) in \(result.stdout)")
        }
    }

    @Test func doctorCreatesNoStateFolder() throws {
        let tenant = try Tenant(tasks: [])
        let result = try tenant.run(["doctor"])
        #expect(result.status == 0, "stdout: \(result.stdout)")
        #expect(line(result.stdout, "state directory")?.contains("holds no journal yet") == true)
        #expect(!FileManager.default.fileExists(atPath: tenant.stateDirectory))
    }

    @Test func badConfigKeyFails() throws {
        let tenant = try Tenant(tasks: [])
        tenant.configOverrides["wrokers"] = 3
        let result = try tenant.run(["doctor"])
        #expect(result.status == 2)
        #expect(line(result.stdout, "configuration")?.hasPrefix("FAIL") == true)
        #expect(result.stdout.contains("wrokers"))
    }

    @Test func missingCredentialFails() throws {
        let tenant = try Tenant(tasks: [])
        var environment = tenant.environment
        environment["WORKFRONT_USER_ID"] = nil
        let result = try Command.run(Paths.binary, ["doctor", "--config", try tenant.writeConfig(), "--state-dir", tenant.stateDirectory],
                                     environment: environment)
        #expect(result.status == 2)
        #expect(line(result.stdout, "credentials")?.contains("workfront-user-id") == true)
        #expect(line(result.stdout, "Workfront and Cloudinary")?.hasPrefix("skip") == true)
    }

    @Test func unwritableStateDirectoryFails() throws {
        let tenant = try Tenant(tasks: [])
        let result = try Command.run(Paths.binary, ["doctor", "--config", try tenant.writeConfig(), "--state-dir", "/proc/wf2c-state"],
                                     environment: tenant.environment)
        #expect(result.status == 2)
        #expect(line(result.stdout, "state directory")?.hasPrefix("FAIL") == true)
    }

    @Test func wrongWorkfrontSecretFails() throws {
        let tenant = try Tenant(tasks: [], auth: ["clientSecret": "another-secret"])
        let result = try tenant.run(["doctor"])
        #expect(result.status == 3)
        #expect(line(result.stdout, "Workfront login")?.hasPrefix("FAIL") == true)
        #expect(line(result.stdout, "task statuses")?.hasPrefix("skip") == true)
        #expect(!result.stdout.contains("client-secret-abc"))
    }

    @Test func unknownTriggerStatusFails() throws {
        let tenant = try Tenant(tasks: [], scenarioExtras: ["taskStatuses": ["NEW", "INP", "CPL", "ERR"]])
        let result = try tenant.run(["doctor"])
        #expect(result.status == 1)
        #expect(line(result.stdout, "task statuses")?.contains("UPL not found") == true)
    }

    @Test func unreachableWorkfrontExitsOne() throws {
        let tenant = try Tenant(tasks: [])
        // Port 1 on the loopback refuses connections.
        tenant.configOverrides["workfront"] = ["url": "http://127.0.0.1:1", "apiVersion": "v21.0"]
        let result = try tenant.run(["doctor"])
        #expect(result.status == 1, "stdout: \(result.stdout)")
        #expect(line(result.stdout, "Workfront login")?.hasPrefix("FAIL") == true)
        #expect(result.stdout.contains("check workfront.url and that this host reaches it"))
    }

    @Test func unreachableCloudinaryExitsOne() throws {
        let tenant = try Tenant(tasks: [])
        var environment = tenant.environment
        environment["CLOUDINARY_URL"] = "cloudinary://\(Tenant.apiKey):\(tenant.cloudinarySecretForClient)@\(Tenant.cloudName)"
            + "?upload_prefix=http://127.0.0.1:1"
        let result = try Command.run(Paths.binary, ["doctor", "--config", try tenant.writeConfig(), "--state-dir", tenant.stateDirectory],
                                     environment: environment)
        #expect(result.status == 1, "stdout: \(result.stdout)")
        #expect(line(result.stdout, "Workfront login")?.hasPrefix("ok") == true)
        #expect(line(result.stdout, "Cloudinary credentials")?.hasPrefix("FAIL") == true)
    }

    @Test func wrongCloudinarySecretFails() throws {
        let tenant = try Tenant(tasks: [])
        tenant.cloudinarySecretForClient = "not-the-secret"
        let result = try tenant.run(["doctor"])
        #expect(result.status == 3)
        #expect(line(result.stdout, "Cloudinary credentials")?.hasPrefix("FAIL") == true)
        #expect(!result.stdout.contains("not-the-secret"))
    }

    @Test func clockSkewFails() throws {
        let tenant = try Tenant(tasks: [], cloudinaryEnvironment: ["FAKE_CLOCK_OFFSET": "-5400"])
        let result = try tenant.run(["doctor"])
        #expect(result.status == 1)
        #expect(line(result.stdout, "clock")?.hasPrefix("FAIL") == true)
        #expect(line(result.stdout, "clock")?.contains("5400 s off") == true)
    }
}

@Suite("credential file permissions")
struct CredentialPermissionTests {
    @Test func looseKeyFileDrawsWarning() throws {
        let tenant = try Tenant(tasks: [])
        #expect(chmod(tenant.privateKeyPath, 0o644) == 0)
        let result = try tenant.run(["check-config"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("Credential file is open to other users"))
        #expect(result.stderr.contains("MODE=644"))
        let doctor = try tenant.run(["doctor"])
        #expect(doctor.stdout.contains("chmod 600 \(tenant.privateKeyPath)"))
    }

    @Test func privateKeyFileIsQuiet() throws {
        let tenant = try Tenant(tasks: [])
        #expect(chmod(tenant.privateKeyPath, 0o600) == 0)
        let result = try tenant.run(["check-config"])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("open to other users"))
    }
}
