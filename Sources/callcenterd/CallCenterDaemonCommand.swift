import ArgumentParser
import CallCenterDaemon
import CallCenterWire
import Foundation
import Logging
import ServiceLifecycle
import SystemdSupport

/// `callcenterd [--config FILE] [--socket PATH] [--database PATH]`
@main
struct CallCenterDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callcenterd",
        abstract: "The call-center daemon: routes calls to agents and keeps every acknowledged change.",
        discussion: "With no options it runs on embedded defaults: the socket and SQLite database go in the runtime and state directories (systemd's, or /run/callcenterd and /var/lib/callcenterd for root, or the XDG ones for other users).",
        version: DaemonVersion.string
    )

    @Option(name: .long, help: ArgumentHelp("TOML configuration file (see config/callcenterd.toml).", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Unix socket to serve (overrides the file; disables socket activation).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("SQLite database file (overrides the file).", valueName: "PATH"))
    var database: String?

    @Flag(name: .long, help: "Check the configuration, print it, and exit.")
    var checkConfig = false

    func run() async throws {
        let options = DaemonService.Options(configFile: config, socket: socket, database: database)
        let settings: DaemonConfig
        do {
            settings = try DaemonService.configuration(options, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("callcenterd: bad configuration: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if checkConfig {
            print("configuration OK\nsocket: \(settings.socket)\ndatabase: \(settings.database)\nqueues: \(settings.queues.map(\.id).joined(separator: ", "))")
            return
        }
        DaemonMemory.keepFreedMemory()
        SystemdLogging.bootstrap(label: "callcenterd", level: settings.logLevel)
        let logger = Logger(label: "callcenterd")
        let service = DaemonService(options: options, config: settings, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch let error as StartError {
            logger.critical("callcenterd failed: \(error)")
            FileHandle.standardError.write(Data("callcenterd: \(error)\n".utf8))
            throw ExitCode(error.exitCode)
        } catch {
            logger.critical("callcenterd failed: \(error)")
            FileHandle.standardError.write(Data("callcenterd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}


