import CallCenterStore
import CallCenterWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import SystemdSupport
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// The daemon as one `Service`: recovers the journal, serves the socket, talks to
/// systemd (READY, STATUS, WATCHDOG, RELOADING, STOPPING), reloads on SIGHUP
/// and stops gracefully on SIGTERM.
public final class DaemonService: Service, @unchecked Sendable {
    public struct Options: Sendable {
        public var configFile: String?
        public var socket: String?
        public var database: String?

        public init(configFile: String? = nil, socket: String? = nil, database: String? = nil) {
            self.configFile = configFile
            self.socket = socket
            self.database = database
        }
    }

    let options: Options
    let logger: Logger
    private(set) var config: DaemonConfig

    /// Builds the configuration: embedded defaults, then the file, then the flags.
    public static func configuration(_ options: Options, environment: [String: String]) throws -> DaemonConfig {
        var config = DaemonConfig(defaults: DefaultPaths.current(environment: environment))
        if let file = options.configFile { config = try ConfigParser.load(path: file, over: config) }
        if let socket = options.socket { config.socket = socket }
        if let database = options.database { config.database = database }
        return config
    }

    public init(options: Options, config: DaemonConfig, logger: Logger) {
        self.options = options
        self.config = config
        self.logger = logger
    }

    public func run() async throws {
        try lockDatabase(config.database)
        let store: CallCenterStore
        do {
            store = try CallCenterStore(path: config.database, synchronous: config.synchronous)
        } catch let error as StoreOpenError {
            throw StartError("\(error)", exitCode: 65)  // EX_DATAERR: starting again will not help
        } catch {
            throw StartError("cannot open the database \(config.database): \(error)")
        }
        let engine = try Engine(config: config, store: store, logger: logger, daemonUID: UInt32(getuid()))
        try engine.start()
        let limitsBox = LimitsBox(config)
        let gateway = Gateway(
            engine: engine, maxLineBytes: config.maxLineBytes,
            limits: .init(maxOutputBytes: { limitsBox.maxOutputBytes }, maxInFlight: { limitsBox.maxInFlight },
                          helloTimeout: { limitsBox.helloTimeout }),
            maxConnections: { limitsBox.maxConnections }, logger: logger
        )
        if limitsBox.maxConnections < config.maxConnections {
            // A warning when the operator asked for more; the default just follows the limit.
            let asked = config.maxConnections != DaemonConfig.defaultMaxConnections
            logger.log(level: asked ? .warning : .info, "connections admitted: fewer than max_connections, the descriptor limit is lower (raise LimitNOFILE for more)", metadata: [
                "max_connections": "\(config.maxConnections)", "admitted": "\(limitsBox.maxConnections)",
            ])
        }
        let inherited = options.socket == nil ? SocketActivation.listenFileDescriptors().first : nil
        do {
            try await gateway.start(inherited.map { .inherited(fd: $0) } ?? .path(config.socket, mode: config.socketMode))
        } catch {
            await engine.shutdown()
            throw error
        }
        // Trap SIGHUP before telling anyone we are ready: its default action ends the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        _ = SystemdNotifier.ready()
        updateStatus(engine)
        logger.info("callcenterd ready", metadata: [
            "version": "\(DaemonVersion.string)", "database": "\(config.database)",
            "socket": "\(inherited.map { "fd \($0)" } ?? config.socket)",
        ])

        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await heartbeat(engine) }
            group.addTask { [self] in await checkpoints(store) }
            group.addTask { [self] in await reloads(hangups, engine, limits: limitsBox) }
            try? await gracefulShutdown()
            group.cancelAll()
        }

        _ = SystemdNotifier.stopping()
        logger.info("stopping: no new connections, finishing what was received")
        await gateway.stopAccepting()
        await engine.shutdown()
        await gateway.closeAll()
        logger.info("callcenterd stopped")
    }

    /// STATUS= every few seconds and WATCHDOG=1 at half the watchdog interval.
    private func heartbeat(_ engine: Engine) async {
        let watchdog = SystemdNotifier.watchdogInterval()
        let period: Duration = watchdog.map { min($0 / 2, .seconds(2)) } ?? .seconds(2)
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            if Task.isCancelled { return }
            engine.publishFiguresRequest()
            updateStatus(engine)
            if watchdog != nil, engine.isAlive { _ = SystemdNotifier.watchdog() }
        }
    }

    /// WAL checkpoints every 250 ms, beside the writer (not in its commits), with a
    /// RESTART once the WAL is long (see `CallCenterStore.checkpoint()`): commits then
    /// overwrite blocks the WAL file already has instead of growing it, which made
    /// every fdatasync slower (docs/benchmarks.md).
    private func checkpoints(_ store: CallCenterStore) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            if Task.isCancelled { return }
            do { try store.checkpoint() } catch { logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"]) }
        }
    }

    private func updateStatus(_ engine: Engine) {
        let f = engine.figures.withLockedValue { $0 }
        let line = "\(f.waiting) waiting; agents \(f.agents[.ready] ?? 0) ready, \(f.agents[.busy] ?? 0) busy, \(f.agents[.ringing] ?? 0) ringing, \(f.agents[.wrapUp] ?? 0) wrap-up, \(f.agents[.notReady] ?? 0) not ready; \(f.sessions) sessions; journal seq \(f.lastSequence); \(f.commits) commits, \(f.commits > 0 ? f.committedInputs / f.commits : 0) inputs and \(f.commits > 0 ? Int(f.commitSeconds / Double(f.commits) * 1e6) : 0) µs per commit"
        _ = SystemdNotifier.status(line)
    }

    private func reloads(_ signals: UnixSignalsSequence, _ engine: Engine, limits: LimitsBox) async {
        for await _ in signals {
            _ = SystemdNotifier.reloading()
            do {
                let next = try Self.configuration(options, environment: ProcessInfo.processInfo.environment)
                let notes: [String] = await withCheckedContinuation { continuation in
                    engine.submit(.reload(next, { continuation.resume(returning: $0) }))
                }
                limits.update(next)
                logger.info("configuration reloaded", metadata: ["notes": "\(notes.joined(separator: "; "))"])
            } catch {
                logger.error("configuration not reloaded; keeping the running one", metadata: ["error": "\(error)"])
            }
            _ = SystemdNotifier.ready()
        }
    }
}

/// Limits the connections read when they need them; SIGHUP may change them.
final class LimitsBox: Sendable {
    private struct Values {
        var maxOutputBytes: Int
        var maxInFlight: Int
        var maxConnections: Int
        var helloTimeout: TimeAmount?
    }
    private let values: NIOLockedValueBox<Values>

    init(_ config: DaemonConfig) {
        values = NIOLockedValueBox(Values(maxOutputBytes: 0, maxInFlight: 0, maxConnections: 0, helloTimeout: nil))
        update(config)
    }

    func update(_ config: DaemonConfig) {
        let connections = Gateway.connectionLimit(configured: config.maxConnections)
        let hello = config.helloTimeout > 0 ? TimeAmount.nanoseconds(Int64(config.helloTimeout * 1e9)) : nil
        values.withLockedValue {
            $0 = Values(maxOutputBytes: config.maxOutputBytes, maxInFlight: config.maxInFlight, maxConnections: connections, helloTimeout: hello)
        }
    }

    var maxOutputBytes: Int { values.withLockedValue { $0.maxOutputBytes } }
    var maxInFlight: Int { values.withLockedValue { $0.maxInFlight } }
    var maxConnections: Int { values.withLockedValue { $0.maxConnections } }
    var helloTimeout: TimeAmount? { values.withLockedValue { $0.helloTimeout } }
}

/// Why the daemon could not start, in words for the operator.
public struct StartError: Error, CustomStringConvertible {
    public let description: String
    /// The process's exit status: 65 (EX_DATAERR) for a database this version
    /// must not touch, which the systemd unit does not restart on; else 1.
    public let exitCode: Int32
    init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}

/// Takes an exclusive lock on the database's `.lock` file before the database is
/// opened, held until the process exits (the kernel releases it, even after
/// `kill -9`). A second callcenterd on the same database would serve its own
/// stale copy of the state and collide with this one's journal.
func lockDatabase(_ database: String) throws {
    let path = database + ".lock"
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty, let (made, why) = makeDirectories(directory) {
        throw StartError("cannot create the database's directory \(made): \(why)")
    }
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
        throw StartError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        let reason = errno
        close(fd)
        if reason == EWOULDBLOCK {
            throw StartError("the database \(database) is in use by another callcenterd (it holds \(path)); stop that one first, or give this one its own --database")
        }
        throw StartError("cannot lock \(path): \(String(cString: strerror(reason)))")
    }
    // The descriptor stays open on purpose: closing it would release the lock.
}

/// `mkdir -p` (mode 0755, less the umask): nil once `path` is a directory, else
/// the directory that could not be made and why.
func makeDirectories(_ path: String) -> (String, String)? {
    var info = stat()
    if stat(path, &info) == 0 {
        return info.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) ? nil : (path, "it exists and is not a directory")
    }
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty, parent != path, let failed = makeDirectories(parent) { return failed }
    if mkdir(path, 0o755) != 0 && errno != EEXIST { return (path, String(cString: strerror(errno))) }
    return nil
}
