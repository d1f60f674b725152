import Foundation

/// The parsed command line.
struct Arguments {
    /// The commands, in the order that the help text and the messages list them.
    enum Command: String, CaseIterable {
        case run
        case once
        case checkConfig = "check-config"
        case doctor
        case history

        /// The help text's line for this command.
        var summary: String {
            switch self {
            case .run: "run as a service: poll Workfront every poll.interval seconds"
            case .once: "one discovery and every transfer it finds, then exit"
            case .checkConfig: "validate the configuration file and the credentials, then exit"
            case .doctor: "check configuration, credentials, state folder, both services and the clock"
            case .history: "list the uploads recorded in the journal (--task ID, --since DATE)"
            }
        }

        /// Every command's name: "run, once, check-config, doctor or history".
        static var nameList: String {
            let names = allCases.map(\.rawValue)
            return names.dropLast().joined(separator: ", ") + " or " + names.last!
        }
    }

    var command: Command
    var configPath: String
    var dryRun = false
    var verbose = false
    /// Where the upload journal lives; nil for `$STATE_DIRECTORY` or the default.
    var stateDirectory: String?
    /// `history` filters.
    var taskID: String?
    /// A UTC time in the journal's form, `2026-12-01T08:00:00Z`.
    var since: String?

    static let usage = """
        Usage: wf2cloudinary COMMAND [OPTIONS]

        Moves the documents of Workfront tasks in a trigger status into Cloudinary.

        Commands:
        \(commandLines)

        Options:
          --config PATH    configuration file (default: /etc/wf2cloudinary/wf2cloudinary.json5)
          --state-dir DIR  folder of the upload journal (default: $STATE_DIRECTORY,
                           else /var/lib/wf2cloudinary)
          --task ID        with history: only the uploads of this Workfront task
          --since DATE     with history: only the uploads at or after this UTC date or time,
                           such as 2026-12-01 or 2026-12-01T08:00:00Z
          --dry-run        with once: print what would be uploaded, change nothing
          --verbose        log debug events too
          --version        print the version and exit
          --help           print this help and exit

        Exit codes: 0 success, 1 a task failed or a service could not be reached,
        2 usage or configuration error, 3 a remote service refused the credentials.
        """

    private static var commandLines: String {
        Command.allCases.map { command in
            "  " + command.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0) + command.summary
        }.joined(separator: "\n")
    }

    /// A command line that cannot be run, with the reason.
    struct UsageError: Error {
        var message: String
    }

    enum Parsed {
        case run(Arguments)
        case help
        case version
    }

    static func parse(_ words: [String], defaultConfig: String) throws(UsageError) -> Parsed {
        var command: Command?
        var configPath = defaultConfig
        var dryRun = false
        var verbose = false
        var stateDirectory: String?
        var taskID: String?
        var since: String?
        var index = 0
        while index < words.count {
            let word = words[index]
            switch word {
            case "--help", "-h":
                return .help

            case "--version":
                return .version

            case "--config":
                index += 1
                guard index < words.count, !words[index].isEmpty else {
                    throw UsageError(message: "--config needs a file path")
                }
                configPath = words[index]

            case "--state-dir":
                index += 1
                guard index < words.count, !words[index].isEmpty else {
                    throw UsageError(message: "--state-dir needs a folder path")
                }
                stateDirectory = words[index]

            case "--task", "--since":
                index += 1
                guard index < words.count, !words[index].isEmpty else {
                    throw UsageError(message: "\(word) needs a value")
                }
                if word == "--task" {
                    taskID = words[index]
                } else {
                    since = words[index]
                }

            case "--dry-run":
                dryRun = true

            case "--verbose":
                verbose = true

            default:
                if word.hasPrefix("--config=") {
                    configPath = String(word.dropFirst("--config=".count))
                } else if word.hasPrefix("-") {
                    throw UsageError(message: "unknown option \(word)")
                } else if command == nil, let parsed = Command(rawValue: word) {
                    command = parsed
                } else {
                    throw UsageError(message: command == nil ? "unknown command \(word); the commands are \(Command.nameList)"
                                                             : "unexpected argument \(word)")
                }
            }
            index += 1
        }
        guard let command else {
            throw UsageError(message: "a command is required: \(Command.nameList)")
        }
        if (taskID != nil || since != nil) && command != .history {
            throw UsageError(message: "--task and --since work only with history")
        }
        if let given = since {
            since = try SinceArgument.normalize(given)
        }
        if dryRun && command != .once {
            throw UsageError(message: "--dry-run works only with once")
        }
        return .run(Arguments(command: command, configPath: configPath, dryRun: dryRun, verbose: verbose,
                              stateDirectory: stateDirectory, taskID: taskID, since: since))
    }
}
