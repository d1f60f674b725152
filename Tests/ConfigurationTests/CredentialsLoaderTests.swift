import Configuration
import Foundation
import Testing

private let cloudinaryURL = "cloudinary://614335564976464:env-secret-Qw7@demo-cloud"
private let pem = "-----BEGIN PRIVATE KEY-----\nMIIfakeKeyBody\n-----END PRIVATE KEY-----"

/// A complete JWT login in environment variables.
private let jwtEnvironment: [String: String] = [
    "CLOUDINARY_URL": cloudinaryURL,
    "WORKFRONT_CLIENT_ID": "client-env",
    "WORKFRONT_CLIENT_SECRET": "client-secret-env-Zk4",
    "WORKFRONT_CUSTOMER_ID": "customer-env",
    "WORKFRONT_USER_ID": "user-env",
    "WORKFRONT_PRIVATE_KEY": pem,
]

/// Loads credentials from `environment` and returns the problems reported,
/// or an empty list when they load.
private func problems(_ environment: [String: String]) -> [ConfigurationError] {
    do {
        _ = try CredentialsLoader(environment: environment).load()
        return []
    } catch {
        return error.errors
    }
}

@Suite("CredentialsLoader")
struct CredentialsLoaderTests {
    @Test func jwtFromEnvironment() throws {
        let credentials = try CredentialsLoader(environment: jwtEnvironment).load()

        #expect(credentials.cloudinaryURL == cloudinaryURL)
        guard case .jwt(let clientID, let clientSecret, let customerID, let userID, let privateKeyPEM) = credentials.workfront else {
            Issue.record("expected a JWT login, got \(credentials)")
            return
        }
        #expect(clientID == "client-env")
        #expect(clientSecret == "client-secret-env-Zk4")
        #expect(customerID == "customer-env")
        #expect(userID == "user-env")
        #expect(privateKeyPEM == pem)
        #expect(credentials.sources["cloudinary-url"] == "$CLOUDINARY_URL")
        #expect(credentials.sources["workfront-private-key"] == "$WORKFRONT_PRIVATE_KEY")
    }

    @Test func environmentValuesTrimmed() throws {
        var environment = jwtEnvironment
        environment["CLOUDINARY_URL"] = "  \(cloudinaryURL)\n"
        let credentials = try CredentialsLoader(environment: environment).load()
        #expect(credentials.cloudinaryURL == cloudinaryURL)
    }

    @Test func directoryWinsOverEnvironment() throws {
        let folder = try TemporaryFolder()
        let fileURL = "cloudinary://111:file-secret@file-cloud"
        let cloudinaryFile = try folder.write("cloudinary-url", fileURL + "\n")
        let secretFile = try folder.write("workfront-client-secret", "client-secret-from-file\n")
        let keyFile = try folder.write("workfront-private-key", pem.replacingOccurrences(of: "fakeKeyBody", with: "fromFile") + "\n")
        var environment = jwtEnvironment
        environment["CREDENTIALS_DIRECTORY"] = folder.path
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = "/nonexistent/ignored.pem"

        let credentials = try CredentialsLoader(environment: environment).load()

        #expect(credentials.cloudinaryURL == fileURL)
        #expect(credentials.sources["cloudinary-url"] == cloudinaryFile)
        guard case .jwt(let clientID, let clientSecret, _, _, let privateKeyPEM) = credentials.workfront else {
            Issue.record("expected a JWT login")
            return
        }
        #expect(clientSecret == "client-secret-from-file")
        #expect(credentials.sources["workfront-client-secret"] == secretFile)
        #expect(privateKeyPEM.contains("fromFile"))
        #expect(credentials.sources["workfront-private-key"] == keyFile)
        // A credential without a file in the directory still comes from the environment.
        #expect(clientID == "client-env")
        #expect(credentials.sources["workfront-client-id"] == "$WORKFRONT_CLIENT_ID")
    }

    @Test func everyCredentialFromDirectory() throws {
        let folder = try TemporaryFolder()
        try folder.write("cloudinary-url", cloudinaryURL)
        try folder.write("workfront-client-id", "client-file")
        try folder.write("workfront-client-secret", "secret-file")
        try folder.write("workfront-customer-id", "customer-file")
        try folder.write("workfront-user-id", "user-file")
        try folder.write("workfront-private-key", pem)

        let credentials = try CredentialsLoader(environment: ["CREDENTIALS_DIRECTORY": folder.path]).load()

        guard case .jwt(let clientID, _, let customerID, let userID, _) = credentials.workfront else {
            Issue.record("expected a JWT login")
            return
        }
        #expect(clientID == "client-file")
        #expect(customerID == "customer-file")
        #expect(userID == "user-file")
        #expect(credentials.sources.count == 6)
        #expect(credentials.sources.values.allSatisfy { $0.hasPrefix(folder.path + "/") })
    }

    @Test func privateKeyFile() throws {
        let folder = try TemporaryFolder()
        let keyPath = try folder.write("key.pem", pem + "\n\n")
        var environment = jwtEnvironment
        environment["WORKFRONT_PRIVATE_KEY"] = nil
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = keyPath

        let credentials = try CredentialsLoader(environment: environment).load()

        guard case .jwt(_, _, _, _, let privateKeyPEM) = credentials.workfront else {
            Issue.record("expected a JWT login")
            return
        }
        #expect(privateKeyPEM == pem)
        #expect(credentials.sources["workfront-private-key"] == keyPath)
    }

    @Test func privateKeyFileWinsOverText() throws {
        let folder = try TemporaryFolder()
        let keyPath = try folder.write("key.pem", pem.replacingOccurrences(of: "fakeKeyBody", with: "fromFile"))
        var environment = jwtEnvironment
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = keyPath

        let credentials = try CredentialsLoader(environment: environment).load()

        guard case .jwt(_, _, _, _, let privateKeyPEM) = credentials.workfront else {
            Issue.record("expected a JWT login")
            return
        }
        #expect(privateKeyPEM.contains("fromFile"))
    }

    @Test func partialJWTNamesEachMissing() throws {
        let found = problems([
            "CLOUDINARY_URL": cloudinaryURL,
            "WORKFRONT_CLIENT_ID": "client-env",
            "WORKFRONT_USER_ID": "user-env",
        ])

        #expect(found.map(\.key) == ["workfront-client-secret", "workfront-customer-id", "workfront-private-key"])
        #expect(found.allSatisfy { $0.source == "credentials" })
        #expect(found[0].problem.contains("WORKFRONT_CLIENT_SECRET"))
        #expect(found[1].problem.contains("WORKFRONT_CUSTOMER_ID"))
        #expect(found[2].problem.contains("WORKFRONT_PRIVATE_KEY"))
        #expect(found.allSatisfy { $0.problem.contains("all five") })
    }

    @Test func missingNamesCredentialsDirectory() throws {
        let folder = try TemporaryFolder()
        var environment = jwtEnvironment
        environment["CLOUDINARY_URL"] = nil
        environment["CREDENTIALS_DIRECTORY"] = folder.path
        let found = problems(environment)

        #expect(found.map(\.key) == ["cloudinary-url"])
        #expect(found.first?.problem.contains("\(folder.path)/cloudinary-url") == true)
        #expect(found.first?.problem.contains("CLOUDINARY_URL") == true)
    }

    @Test func nothingSet() throws {
        let found = problems([:])
        #expect(found.map(\.key) == ["cloudinary-url", "workfront"])
    }

    @Test func emptyValueCountsAsMissing() throws {
        var environment = jwtEnvironment
        environment["WORKFRONT_USER_ID"] = "   "
        let found = problems(environment)
        #expect(found.map(\.key) == ["workfront-user-id"])
    }

    @Test func apiKeyAloneIsRejected() throws {
        let found = problems(["CLOUDINARY_URL": cloudinaryURL, "WORKFRONT_API_KEY": "api-key-Hx81"])

        #expect(found.map(\.key) == ["workfront-api-key"])
        #expect(found.first?.source == "$WORKFRONT_API_KEY")
        #expect(found.first?.problem.contains("cannot download documents") == true)
        #expect(found.first?.problem.contains("workfront-private-key") == true)
        #expect(found.first?.problem.contains("api-key-Hx81") == false)
    }

    @Test func jwtPreferredOverAPIKey() throws {
        var environment = jwtEnvironment
        environment["WORKFRONT_API_KEY"] = "api-key-Hx81"
        let credentials = try CredentialsLoader(environment: environment).load()
        guard case .jwt = credentials.workfront else {
            Issue.record("expected the complete JWT set to be used")
            return
        }
    }

    @Test func descriptionHidesSecrets() throws {
        let secrets = ["env-secret-Qw7", "client-env", "client-secret-env-Zk4", "customer-env", "user-env", "fakeKeyBody", "PRIVATE KEY"]
        let jwt = try CredentialsLoader(environment: jwtEnvironment).load()

        for text in [jwt.description, "\(jwt)", String(reflecting: jwt)] {
            for secret in secrets {
                #expect(!text.contains(secret), "\(text) shows \(secret)")
            }
        }
    }

    @Test func emptyCredentialFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("cloudinary-url", " \n")
        var environment = jwtEnvironment
        environment["CREDENTIALS_DIRECTORY"] = folder.path

        let found = problems(environment)

        #expect(found.count == 1)
        #expect(found.first?.source == path)
        #expect(found.first?.key == "cloudinary-url")
        #expect(found.first?.problem.contains("empty") == true)
        #expect(found.first?.description.contains(path) == true)
    }

    /// A folder where the file should be cannot be read, even by root, so
    /// this needs no file permissions.
    @Test func unreadableCredentialFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.makeFolder("workfront-client-secret")
        var environment = jwtEnvironment
        environment["CREDENTIALS_DIRECTORY"] = folder.path

        let found = problems(environment)

        #expect(found.first?.source == path)
        #expect(found.first?.key == "workfront-client-secret")
        #expect(found.first?.problem.contains("cannot be read") == true)
    }

    @Test func credentialFileNotUTF8() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("workfront-user-id", Data([0x75, 0xFF, 0xFE, 0x31]))
        var environment = jwtEnvironment
        environment["CREDENTIALS_DIRECTORY"] = folder.path

        let found = problems(environment)

        #expect(found.first?.source == path)
        #expect(found.first?.key == "workfront-user-id")
        #expect(found.first?.problem.contains("UTF-8") == true)
    }

    @Test func emptyPrivateKeyFile() throws {
        let folder = try TemporaryFolder()
        let keyPath = try folder.write("key.pem", "")
        var environment = jwtEnvironment
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = keyPath

        let found = problems(environment)

        #expect(found.first?.source == keyPath)
        #expect(found.first?.key == "workfront-private-key")
        #expect(found.first?.problem.contains("empty") == true)
    }

    /// A JWT credential that is present but cannot be used gets one problem
    /// naming its file, not a second one calling it missing.
    @Test func brokenJWTFileReportedOnce() throws {
        let folder = try TemporaryFolder()
        let keyPath = try folder.write("key.pem", "")
        var environment = jwtEnvironment
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = keyPath

        let found = problems(environment)

        #expect(found.count == 1, "problems: \(found)")
        #expect(found.map(\.source) == [keyPath])
    }

    /// A key file path with a typo should be reported as missing, not as a
    /// permissions problem, so the user looks at the path.
    @Test func missingPrivateKeyFile() throws {
        let folder = try TemporaryFolder()
        let keyPath = "\(folder.path)/no-such-key.pem"
        var environment = jwtEnvironment
        environment["WORKFRONT_PRIVATE_KEY_FILE"] = keyPath

        let found = problems(environment)

        #expect(found.first?.source == keyPath)
        #expect(found.first?.key == "workfront-private-key")
        let problem = found.first?.problem ?? ""
        #expect(problem.contains("does not exist") || problem.contains("not found"), "problem: \(problem)")
    }

    @Test func fileAndVariableProblemsTogether() throws {
        let folder = try TemporaryFolder()
        let emptyFile = try folder.write("cloudinary-url", "")
        let found = problems([
            "CREDENTIALS_DIRECTORY": folder.path,
            "WORKFRONT_CLIENT_ID": "client-env",
        ])

        #expect(found.first?.source == emptyFile)
        #expect(found.map(\.key) == ["cloudinary-url", "workfront-client-secret", "workfront-customer-id", "workfront-user-id",
                                     "workfront-private-key"])
    }
}
