/// The exit codes other tools rely on.
enum ExitCode: Int32 {
    case success = 0
    case taskFailed = 1
    case usageOrConfiguration = 2
    case credentialsRejected = 3
}
