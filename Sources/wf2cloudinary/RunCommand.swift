import Configuration
import Foundation
import HTTP
import Logging
import Metrics
import Service
import Systemd
import Transfer

/// `wf2cloudinary run`: the service that the systemd unit starts.
enum RunCommand {
    static func run(_ components: Components, arguments: Arguments, logger: Logger, http: HTTPClient) -> Never {
        let notifier = ServiceNotifier()
        let configPath = arguments.configPath
        let stateDirectory = arguments.stateDirectory
        let load: @Sendable () throws -> ServiceWork = {
            let reloaded = try Components.load(configPath: configPath, stateDirectory: stateDirectory, logger: logger, http: http)
            return work(from: reloaded, configPath: configPath, logger: logger)
        }
        // NOTE: the metrics file path is read once at start; a reload that
        // changes metrics.file takes effect at the next restart.
        let metrics = components.settings.metricsFile.map { ServiceMetrics(path: $0) }
        let scheduler = Scheduler(initial: work(from: components, configPath: configPath, logger: logger),
                                  load: load, notifier: notifier, logger: logger, metrics: metrics)
        scheduler.start()
        dispatchMain()
    }

    static func work(from components: Components, configPath: String, logger: Logger) -> ServiceWork {
        let pass = OnePass(workfront: components.workfront, processor: components.processor,
                           settings: components.settings, logger: logger)
        let processor = components.processor
        return ServiceWork(
            pollInterval: components.settings.pollInterval,
            workers: components.settings.workers,
            shutdownGrace: components.settings.shutdownGrace,
            configPath: configPath,
            discover: { limit in try pass.discover(limit: limit) },
            process: { task, cancellation in
                processor.process(task, cancellation: cancellation, shouldStop: { cancellation.isCancelled })
            })
    }
}
