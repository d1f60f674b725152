import Foundation
import Cloudinary
import Configuration
import Crypto
import HTTP
import Logging
import Transfer
import UploadJournal
import Workfront

/// Everything a pass needs, built from one configuration and one set of
/// credentials. A reload builds a new set; transfers in flight keep theirs.
struct Components: Sendable {
    let settings: Settings
    let workfront: WorkfrontClient
    let uploader: CloudinaryUploader
    let processor: TaskProcessor
    let planner: UploadPlanner

    /// Loads and checks the configuration file and the credentials. Throws
    /// `ConfigurationErrors` naming every problem found. With `opensJournal`
    /// false the state directory is only checked and the journal is kept in
    /// memory, so that checking commands create no file.
    static func load(configPath: String, stateDirectory: String?, logger: Logger, http: HTTPClient,
                     progress: (any TransferProgress)? = nil, opensJournal: Bool = true) throws(ConfigurationErrors) -> Components {
        var errors: [ConfigurationError] = []
        var settings: Settings?
        var credentials: Credentials?
        do {
            settings = try SettingsLoader.load(path: configPath)
        } catch {
            errors += error.errors
        }
        do {
            credentials = try CredentialsLoader().load()
        } catch {
            errors += error.errors
        }
        var account: CloudinaryAccount?
        var login: SessionProvider.Login?
        if let credentials {
            for file in credentials.looselyProtectedFiles {
                logger.warning("Credential file is open to other users, carrying on",
                               [("CREDENTIAL", file.name), ("PATH", file.path), ("MODE", String(file.mode, radix: 8))])
            }
            do {
                account = try CloudinaryAccount(url: credentials.cloudinaryURL)
            } catch {
                errors.append(ConfigurationError(source: credentials.sources["cloudinary-url"] ?? "credentials",
                                                 key: "cloudinary-url", problem: error.description))
            }
            switch credentials.workfront {
            case .jwt(let clientID, let clientSecret, let customerID, let userID, let pem):
                do {
                    let key = try RSAPrivateKey(pem: pem)
                    login = SessionProvider.Login(clientID: clientID, clientSecret: clientSecret, customerID: customerID,
                                                  userID: userID, key: key)
                } catch {
                    errors.append(ConfigurationError(source: credentials.sources["workfront-private-key"] ?? "credentials",
                                                     key: "workfront-private-key", problem: error.description))
                }
            }
        }
        let directory = stateDirectory ?? Self.defaultStateDirectory()
        var journal: UploadJournal?
        do {
            journal = try opensJournal ? openJournal(in: directory, logger: logger) : checkedMemoryJournal(for: directory)
        } catch {
            errors.append(ConfigurationError(source: directory, key: "state directory",
                                             problem: "\(error.message); pass a writable folder with --state-dir"))
        }
        guard errors.isEmpty, let settings, let account, let login, let journal else {
            throw ConfigurationErrors(errors: errors)
        }

        let sessions = SessionProvider(login: login, host: settings.workfront.url, http: http)
        let workfront = WorkfrontClient(host: settings.workfront.url, apiVersion: settings.workfront.apiVersion,
                                        sessions: sessions, http: http)
        let uploader = CloudinaryUploader(account: account, http: http)
        var transfer = DocumentTransfer(workfront: workfront, uploader: uploader, chunkSize: settings.cloudinary.chunkSize)
        transfer.progress = progress
        transfer.maxDocumentBytes = settings.maxDocumentBytes
        transfer.logger = logger
        let planner = UploadPlanner(settings: settings.cloudinary, mapping: settings.mapping)
        let processor = TaskProcessor(workfront: workfront, transfer: transfer, planner: planner, settings: settings, logger: logger,
                                      journal: journal)
        return Components(settings: settings, workfront: workfront, uploader: uploader, processor: processor, planner: planner)
    }

    private static func openJournal(in directory: String, logger: Logger) throws(JournalError) -> UploadJournal {
        let (journal, movedAside) = try UploadJournal.open(directory: directory)
        if let movedAside {
            logger.warning("The upload journal was unreadable and was moved aside; starting a new one",
                           [("JOURNAL", journal.path), ("MOVED_TO", movedAside)])
        }
        return journal
    }

    private static func checkedMemoryJournal(for directory: String) throws(JournalError) -> UploadJournal {
        if let problem = UploadJournal.stateDirectoryProblem(directory) {
            throw JournalError(message: problem)
        }
        return try UploadJournal.inMemory()
    }

    /// `$STATE_DIRECTORY` (systemd's `StateDirectory=`, the first of several),
    /// else `/var/lib/wf2cloudinary`.
    static func defaultStateDirectory() -> String {
        let fromSystemd = ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first
        return fromSystemd.map(String.init) ?? "/var/lib/wf2cloudinary"
    }
}
