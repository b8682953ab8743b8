import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Logging

/// The daemon's settings: embedded defaults, overridden by the TOML file, then by flags.
/// See `config/callcenterd.toml` for every key with its meaning.
public struct DaemonConfig: Equatable, Sendable {
    public var socket: String
    public var database: String
    /// Permissions of the socket file the daemon creates (not used under socket activation).
    public var socketMode: UInt32 = 0o660
    public var synchronous: CallCenterStore.Synchronous = .full
    /// Longest request line accepted, in bytes (longer: `too_large`, connection closed).
    public var maxLineBytes = 64 * 1024
    /// Unsent output a session may have before it is sent `overflow` and closed.
    public var maxOutputBytes = 1024 * 1024
    /// Requests a connection may have in flight before the daemon stops reading from it.
    public var maxInFlight = 4096
    /// Connections open at once; more are refused with `unavailable` (also held
    /// below the process's descriptor limit, see `Gateway.connectionLimit`).
    public var maxConnections = DaemonConfig.defaultMaxConnections
    public static let defaultMaxConnections = 65536
    /// Seconds a connection may stay without a successful `hello` (0: no limit).
    public var helloTimeout = 10.0
    public var logLevel: Logger.Level = .info
    public var core = CallCenter.Settings()
    /// Queues declared in the file, created or updated at start and on reload,
    /// and the default queue (created if missing).
    public var queues: [QueueConfig] = []
    /// The default queue when the file does not declare it: created when missing,
    /// never changed (`queue.upsert` may have changed it since); nil when declared.
    public var createdIfMissing: QueueID?
    public var access = AccessPolicy()
    /// `[archive]`: phone country, number masking in logs, grading rules. Restart to change.
    public var archive = ArchiveSettings()
    /// `[retention]`: how long history stays in the database (default: for ever).
    public var retention = RetentionPolicy()

    public init(defaults paths: DefaultPaths) {
        socket = paths.socket
        database = paths.database
        queues = [QueueConfig(id: core.defaultQueue)]
        createdIfMissing = core.defaultQueue
    }

    /// What SIGHUP can change without a restart.
    public func reloadable(from other: DaemonConfig) -> DaemonConfig {
        var next = self
        next.maxOutputBytes = other.maxOutputBytes
        next.maxInFlight = other.maxInFlight
        next.maxConnections = other.maxConnections
        next.helloTimeout = other.helloTimeout
        next.access = other.access
        // A new default_queue applies at restart; its queue, undeclared, is only
        // created if missing (so the names that lead to it work), never reset.
        next.queues = other.queues
        next.createdIfMissing = other.createdIfMissing
        next.core.shortAbandon = other.core.shortAbandon
        next.core.defaultHandleTime = other.core.defaultHandleTime
        next.core.routing = other.core.routing
        next.core.complaintSLA = other.core.complaintSLA
        next.retention = other.retention
        return next
    }
}

/// Who may take which role, by the peer's Unix credentials.
/// Root and the daemon's own user may take every role.
public struct AccessPolicy: Equatable, Sendable {
    public struct Principal: Equatable, Sendable, Hashable {
        public enum Kind: Equatable, Sendable, Hashable { case anyone, uid(UInt32), gid(UInt32) }
        public var kind: Kind
        public init(_ kind: Kind) { self.kind = kind }
    }

    public var grants: [Role: [Principal]] = [.agent: [Principal(.anyone)]]
    /// uid → agent id: such a peer may say hello as that agent without a token.
    public var agentsByUID: [UInt32: AgentID] = [:]

    public init() {}

    /// Whether a peer with these credentials may take `role`.
    public func allows(_ role: Role, uid: UInt32, gids: [UInt32], daemonUID: UInt32) -> Bool {
        if uid == 0 || uid == daemonUID { return true }
        for principal in grants[role] ?? [] {
            switch principal.kind {
            case .anyone: return true
            case let .uid(u) where u == uid: return true
            case let .gid(g) where gids.contains(g): return true
            default: continue
            }
        }
        return false
    }
}
