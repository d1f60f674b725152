import Cloudinary
import Configuration
import Crypto
import Foundation
import HTTP
import Logging
import UploadJournal
import Workfront

/// `wf2cloudinary doctor`: checks what usually breaks in a new install and
/// prints one line per check, with the fix for each that fails.
enum DoctorCommand {
    /// A check's result line.
    struct Line {
        enum Verdict: String {
            case ok = "ok  "
            case warning = "warn"
            case failed = "FAIL"
            case skipped = "skip"
        }

        var verdict: Verdict
        var check: String
        var detail: String
        var fix: String?
    }

    static func run(_ arguments: Arguments, logger: Logger) -> ExitCode {
        var lines: [Line] = []
        var exitCode = ExitCode.success
        func add(_ line: Line, failure code: ExitCode = .taskFailed) {
            lines.append(line)
            Output.line("\(line.verdict.rawValue)  \(line.check): \(line.detail)" + (line.fix.map { "\n      fix: \($0)" } ?? ""))
            if line.verdict == .failed && exitCode == .success {
                exitCode = code
            }
        }

        let settings = checkSettings(arguments.configPath, add: { add($0, failure: .usageOrConfiguration) })
        let credentialsReady = checkCredentials(add: { add($0, failure: .usageOrConfiguration) })
        checkStateDirectory(arguments.stateDirectory ?? Components.defaultStateDirectory(),
                            add: { add($0, failure: .usageOrConfiguration) })
        guard let settings, credentialsReady else {
            add(Line(verdict: .skipped, check: "Workfront and Cloudinary", detail: "need a valid configuration and credentials"))
            return exitCode
        }
        let http = HTTPClient()
        let components: Components
        do {
            components = try Components.load(configPath: arguments.configPath, stateDirectory: arguments.stateDirectory,
                                             logger: logger, http: http, opensJournal: false)
        } catch {
            add(Line(verdict: .failed, check: "setup", detail: error.description), failure: .usageOrConfiguration)
            return exitCode
        }
        let signedIn = checkWorkfrontLogin(components.workfront, add: { add($0, failure: $1) })
        if signedIn {
            checkStatuses(settings.statuses, workfront: components.workfront, add: { add($0) })
        } else {
            add(Line(verdict: .skipped, check: "task statuses", detail: "needs a working Workfront login"))
        }
        let serverDate = checkCloudinary(components.uploader.account, http: http, add: { add($0, failure: $1) })
        checkClock(against: serverDate, add: { add($0) })
        return exitCode
    }

    private static func checkSettings(_ path: String, add: (Line) -> Void) -> Settings? {
        do {
            let settings = try SettingsLoader.load(path: path)
            add(Line(verdict: .ok, check: "configuration", detail: path))
            return settings
        } catch {
            for problem in error.errors {
                add(Line(verdict: .failed, check: "configuration", detail: problem.description,
                         fix: "edit the file; `wf2cloudinary check-config` shows the state after each edit"))
            }
            return nil
        }
    }

    private static func checkCredentials(add: (Line) -> Void) -> Bool {
        let credentials: Credentials
        do {
            credentials = try CredentialsLoader().load()
        } catch {
            for problem in error.errors {
                add(Line(verdict: .failed, check: "credentials", detail: problem.description,
                         fix: "put each credential in /etc/wf2cloudinary/credentials (LoadCredential=) or the environment"))
            }
            return false
        }
        var ready = true
        do {
            _ = try CloudinaryAccount(url: credentials.cloudinaryURL)
        } catch {
            ready = false
            add(Line(verdict: .failed, check: "credentials", detail: "cloudinary-url: \(error.description)",
                     fix: "copy the API environment variable from the Cloudinary console: cloudinary://key:secret@cloud"))
        }
        if case .jwt(_, _, _, _, let pem) = credentials.workfront {
            do {
                _ = try RSAPrivateKey(pem: pem)
            } catch {
                ready = false
                add(Line(verdict: .failed, check: "credentials", detail: "workfront-private-key: \(error.description)",
                         fix: "use the PEM private key whose public key is registered in the Workfront OAuth app"))
            }
        }
        if ready {
            let sources = credentials.sources.keys.sorted().joined(separator: ", ")
            add(Line(verdict: .ok, check: "credentials", detail: "\(credentials.workfront); read \(sources)"))
            for file in credentials.looselyProtectedFiles {
                add(Line(verdict: .warning, check: "credentials",
                         detail: "\(file.name) at \(file.path) is open to other users (mode \(String(file.mode, radix: 8)))",
                         fix: "chmod 600 \(file.path)"))
            }
        }
        return ready
    }

    /// Checks the state directory and the journal in it without creating or
    /// moving anything.
    private static func checkStateDirectory(_ directory: String, add: (Line) -> Void) {
        if let problem = UploadJournal.stateDirectoryProblem(directory) {
            add(Line(verdict: .failed, check: "state directory", detail: problem,
                     fix: "create \(directory) owned by the service user, or pass --state-dir"))
            return
        }
        do {
            let journal = try UploadJournal.openReadOnly(directory: directory)
            _ = try journal.lookup(documentID: "doctor-probe", versionID: "doctor-probe")
            add(Line(verdict: .ok, check: "state directory", detail: "\(journal.path) is readable and its folder writable"))
        } catch where error.kind == .notFound {
            add(Line(verdict: .ok, check: "state directory", detail: "\(directory) holds no journal yet; the service creates it"))
        } catch {
            add(Line(verdict: .warning, check: "state directory", detail: error.message,
                     fix: "none needed: the service moves an unreadable journal aside and starts a new one"))
        }
    }

    /// Checks the Workfront sign-in. A failure exits 3 only when Workfront
    /// rejected the credentials, and 1 when it could not be reached.
    private static func checkWorkfrontLogin(_ workfront: WorkfrontClient, add: (Line, ExitCode) -> Void) -> Bool {
        do {
            try workfront.signIn()
            add(Line(verdict: .ok, check: "Workfront login", detail: "the JWT exchange was accepted"), .success)
            return true
        } catch {
            let credentialsRejected = error.kind == .credentialsRejected
            let fix = credentialsRejected
                ? "check workfront-client-id, -client-secret, -customer-id, -user-id and that the key pair belongs to the OAuth app"
                : "check workfront.url and that this host reaches it"
            add(Line(verdict: .failed, check: "Workfront login", detail: error.description, fix: fix),
                credentialsRejected ? .credentialsRejected : .taskFailed)
            return false
        }
    }

    private static func checkStatuses(_ statuses: Settings.Statuses, workfront: WorkfrontClient, add: (Line) -> Void) {
        let known: [String]
        do {
            known = try workfront.taskStatuses()
        } catch {
            add(Line(verdict: .warning, check: "task statuses", detail: "could not list the tenant's statuses: \(error)"))
            return
        }
        let wanted = statuses.trigger + [statuses.done, statuses.failed] + (statuses.inProgress.map { [$0] } ?? [])
        let missing = wanted.filter { !known.contains($0) }
        if missing.isEmpty {
            add(Line(verdict: .ok, check: "task statuses", detail: "\(wanted.joined(separator: ", ")) exist"))
        } else {
            add(Line(verdict: .failed, check: "task statuses",
                     detail: "\(missing.joined(separator: ", ")) not found among \(known.joined(separator: ", "))",
                     fix: "create the statuses in Workfront (Setup > Statuses) or change statuses.* in the configuration"))
        }
    }

    /// Checks the Cloudinary key and secret; returns Cloudinary's clock for
    /// the clock check.
    private static func checkCloudinary(_ account: CloudinaryAccount, http: HTTPClient, add: (Line, ExitCode) -> Void) -> Date? {
        let result: AdminCheck.Result
        do {
            result = try AdminCheck.verifyCredentials(account, http: http)
        } catch {
            add(Line(verdict: .failed, check: "Cloudinary credentials", detail: error.description,
                     fix: "check upload_prefix in cloudinary-url and that this host reaches it"), .taskFailed)
            return nil
        }
        if result.accepted {
            add(Line(verdict: .ok, check: "Cloudinary credentials", detail: "cloud \(account.cloudName) accepted the API key and secret"),
                .success)
        } else {
            add(Line(verdict: .failed, check: "Cloudinary credentials", detail: "Cloudinary refused the API key or secret (HTTP \(result.httpStatus))",
                     fix: "copy the API key and secret again from the Cloudinary console into cloudinary-url"), .credentialsRejected)
        }
        return result.serverDate
    }

    /// Compares this host's clock with Cloudinary's: signed uploads more than
    /// an hour off are refused as stale.
    private static func checkClock(against serverDate: Date?, add: (Line) -> Void) {
        guard let serverDate else {
            add(Line(verdict: .warning, check: "clock", detail: "Cloudinary sent no Date header to compare with"))
            return
        }
        let skew = Int(Date().timeIntervalSince(serverDate))
        if abs(skew) >= 3600 {
            add(Line(verdict: .failed, check: "clock", detail: "this host's clock is \(skew) s off Cloudinary's; signed uploads are refused beyond one hour",
                     fix: "enable time synchronisation (systemd-timesyncd or chrony)"))
        } else if abs(skew) > 300 {
            add(Line(verdict: .warning, check: "clock", detail: "this host's clock is \(skew) s off Cloudinary's",
                     fix: "enable time synchronisation (systemd-timesyncd or chrony)"))
        } else {
            add(Line(verdict: .ok, check: "clock", detail: "within \(abs(skew)) s of Cloudinary's"))
        }
    }
}
