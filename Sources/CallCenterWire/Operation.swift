/// Every op of the protocol, with who may call it and whether it changes state.
public enum Operation: String, Sendable, CaseIterable {
    case hello, ping
    // PBX
    case callOffer = "call.offer"
    case callAnswered = "call.answered"
    case callNoAnswer = "call.noanswer"
    case callHangup = "call.hangup"
    case callTransfer = "call.transfer"
    case callHold = "call.hold"
    case callUnhold = "call.unhold"
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
    // Complaints: agents open and step them; supervisors list, read, reassign, report.
    case complaintOpen = "complaint.open"
    case complaintStep = "complaint.step"
    case complaintList = "complaint.list"
    case complaintGet = "complaint.get"
    case complaintAssign = "complaint.assign"
    case complaintReport = "complaint.report"
    case callsReport = "calls.report"
    // Admin
    case queueUpsert = "queue.upsert"
    case queueRemove = "queue.remove"
    case agentUpsert = "agent.upsert"
    case agentRemove = "agent.remove"
    // Customer archive: the screen pop's full record, registrations, the audit log, imports.
    case callerProfile = "caller.profile"
    case callRegister = "call.register"
    case auditList = "audit.list"
    case customerUpsert = "customer.upsert"
    case customerImport = "customer.import"
    case customerExport = "customer.export"
    case customerRegrade = "customer.regrade"
    case customerCooperation = "customer.cooperation"
    // Marks on a number (threat, harassment): read their history, clear them.
    case numberFlags = "number.flags"
    case numberUnflag = "number.unflag"

    /// The roles that may call this op (admin may call every op).
    public var roles: Set<Role> {
        switch self {
        case .hello, .ping: return Set(Role.allCases)
        case .callOffer, .callAnswered, .callNoAnswer, .callHangup, .callTransfer, .callHold, .callUnhold: return [.pbx, .admin]
        case .agentLogin, .agentLogout, .agentState: return [.agent, .admin]
        case .subscribe, .stats, .agentList, .queueList: return [.supervisor, .admin]
        case .callGet: return [.pbx, .supervisor, .admin]  // a PBX resyncs its calls after a reconnect
        case .queueUpsert, .queueRemove, .agentUpsert, .agentRemove: return [.admin]
        case .complaintOpen, .complaintStep: return [.agent, .admin]
        case .complaintList, .complaintGet, .complaintAssign, .complaintReport, .callsReport: return [.supervisor, .admin]
        case .callerProfile: return [.agent, .supervisor, .admin]
        case .callRegister: return [.agent, .admin]
        case .auditList, .numberFlags, .numberUnflag: return [.supervisor, .admin]
        case .customerUpsert, .customerImport, .customerExport, .customerRegrade, .customerCooperation: return [.admin]
        }
    }

    /// Ops that change state: journaled and acknowledged only once durable.
    public var changesState: Bool {
        switch self {
        case .callOffer, .callAnswered, .callNoAnswer, .callHangup, .callTransfer, .callHold, .callUnhold,
             .agentLogin, .agentLogout, .agentState, .queueUpsert, .queueRemove, .agentUpsert, .agentRemove:
            return true
        case .hello, .ping, .subscribe, .stats, .agentList, .callGet, .queueList:
            return false
        case .complaintOpen, .complaintStep, .complaintAssign:
            return true
        case .complaintList, .complaintGet, .complaintReport, .callsReport:
            return false
        // Reads of customer records are audited: the audit entry is journaled and committed first.
        case .callerProfile, .callRegister, .customerUpsert, .customerImport, .customerExport, .customerRegrade, .customerCooperation,
             .numberUnflag:
            return true
        case .auditList, .numberFlags:
            return false
        }
    }

    /// The ops a role may call, for `unknown_op` messages.
    public static func names(for role: Role?) -> [String] {
        allCases.filter { role == nil ? [.hello, .ping].contains($0) : $0.roles.contains(role!) }.map(\.rawValue)
    }
}
