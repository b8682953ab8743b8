/// Every op of the protocol, with who may call it and whether it changes state.
public enum Operation: String, Sendable, CaseIterable {
    case hello, ping
    // PBX
    case callOffer = "call.offer"
    case callAnswered = "call.answered"
    case callNoAnswer = "call.noanswer"
    case callHangup = "call.hangup"
    case callTransfer = "call.transfer"
    // Agent
    case agentLogin = "agent.login"
    case agentLogout = "agent.logout"
    case agentState = "agent.state"
    // Supervisor
    case subscribe
    case stats
    case agentList = "agent.list"
    case callGet = "call.get"
    case queueList = "queue.list"
    // Admin
    case queueUpsert = "queue.upsert"
    case agentUpsert = "agent.upsert"

    /// The roles that may call this op (admin may call every op).
    public var roles: Set<Role> {
        switch self {
        case .hello, .ping: return Set(Role.allCases)
        case .callOffer, .callAnswered, .callNoAnswer, .callHangup, .callTransfer: return [.pbx, .admin]
        case .agentLogin, .agentLogout, .agentState: return [.agent, .admin]
        case .subscribe, .stats, .agentList, .callGet, .queueList: return [.supervisor, .admin]
        case .queueUpsert, .agentUpsert: return [.admin]
        }
    }

    /// Ops that change state: journaled and acknowledged only once durable.
    public var changesState: Bool {
        switch self {
        case .callOffer, .callAnswered, .callNoAnswer, .callHangup, .callTransfer,
             .agentLogin, .agentLogout, .agentState, .queueUpsert, .agentUpsert:
            return true
        case .hello, .ping, .subscribe, .stats, .agentList, .callGet, .queueList:
            return false
        }
    }

    /// The ops a role may call, for `unknown_op` messages.
    public static func names(for role: Role?) -> [String] {
        allCases.filter { role == nil ? [.hello, .ping].contains($0) : $0.roles.contains(role!) }.map(\.rawValue)
    }
}
