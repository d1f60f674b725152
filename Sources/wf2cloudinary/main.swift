import Configuration
import Foundation
import HTTP
import Logging
import Service

// Wires the parts together for the command given; each command lives in its
// own file.
let version = "0.1.0"

func main() -> ExitCode {
    let parsed: Arguments.Parsed
    do {
        parsed = try Arguments.parse(Array(CommandLine.arguments.dropFirst()), defaultConfig: SettingsLoader.defaultPath)
    } catch {
        Output.error("\(error.message)\n\n\(Arguments.usage)")
        return .usageOrConfiguration
    }
    let arguments: Arguments
    switch parsed {
    case .help:
        Output.line(Arguments.usage)
        return .success

    case .version:
        Output.line("wf2cloudinary \(version) (\(HTTPClient.libcurlVersion))")
        return .success

    case .run(let value):
        arguments = value
    }

    if arguments.command == .run {
        Scheduler.blockHandledSignals()
    }
    if arguments.command == .history {
        return HistoryCommand.run(arguments)
    }
    let logger = Logger.forProcess(minimumLevel: arguments.verbose ? .debug : .info)
    if arguments.command == .doctor {
        return DoctorCommand.run(arguments, logger: logger)
    }
    let http = HTTPClient()
    let components: Components
    // Only `once` on a terminal shows live progress; a service never does.
    let progress = arguments.command == .once && TerminalProgress.isTerminal ? TerminalProgress() : nil
    do {
        components = try Components.load(configPath: arguments.configPath, stateDirectory: arguments.stateDirectory,
                                         logger: logger, http: http, progress: progress,
                                         opensJournal: arguments.command != .checkConfig && !arguments.dryRun)
    } catch {
        Output.error("configuration is not valid:\n\(error.description)")
        return .usageOrConfiguration
    }
    switch arguments.command {
    case .history, .doctor:
        preconditionFailure("history and doctor return before the components load")

    case .checkConfig:
        Output.line("configuration OK: \(arguments.configPath)")
        return .success

    case .once:
        let code = OnceCommand.run(components, dryRun: arguments.dryRun, logger: logger)
        progress?.clear()
        return code

    case .run:
        RunCommand.run(components, arguments: arguments, logger: logger, http: http)
    }
}

exit(main().rawValue)
