import CallCenterCore
import CallCenterWire
import NIOConcurrencyHelpers
import NIOCore

/// One client connection: who it is (peer credentials, role after `hello`) and
/// how to reach it. Role, agent and subscriptions are touched only by the engine
/// thread; output accounting only on the channel's event loop.
final class Session: @unchecked Sendable, Hashable {
    let id: Int
    let channel: any Channel
    /// The peer's credentials (SO_PEERCRED) and supplementary groups.
    let uid: UInt32
    let gids: [UInt32]
    let pid: Int32

    // Engine thread only.
    var role: Role?
    var agent: AgentID?
    /// The hash of the agent token this session said hello with (nil: none, a
    /// user trusted by uid): a session whose token was replaced is closed.
    var tokenHash: String?
    var client: String?
    var topics: Set<Topic> = []
    var isOpen = true
    /// The client half-closed: it is closed after its replies, and takes no routes meanwhile.
    var closing = false
    /// A `calls.report` of this session runs off the engine thread.
    var reportRunning = false
    /// Meanwhile, what the session is sent after it, held so that replies stay in
    /// request order (`Outbox`).
    var heldOutput: Delivery?

    /// Hands output to the connection (any thread); see `Delivery`.
    var deliver: @Sendable (Delivery) -> Void = { _ in }

    /// Set by the engine at a successful `hello`; read by the connection's hello deadline.
    let hasSaidHello = NIOLockedValueBox(false)

    // Event loop only.
    var unsentBytes = 0
    /// Of those, bytes of writes that held only events (no reply).
    var unsentEventBytes = 0
    var overflowed = false

    init(id: Int, channel: any Channel, uid: UInt32, gids: [UInt32], pid: Int32) {
        self.id = id
        self.channel = channel
        self.uid = uid
        self.gids = gids
        self.pid = pid
    }

    var context: SessionContext { SessionContext(role: role, agent: agent) }

    /// Who this session is, for the journal's actor column.
    var actor: String {
        guard let role else { return "anonymous" }
        if let agent, role == .agent { return "agent:\(agent)" }
        return role.rawValue
    }

    static func == (lhs: Session, rhs: Session) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
