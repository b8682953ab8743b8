import CallCenterCore

/// A request, validated and typed: what the engine acts on.
public enum Command: Sendable, Equatable {
    case hello(role: Role, agent: AgentID?, token: String?, client: String?)
    case ping
    /// A state change for the core (journaled).
    case input(Input)
    /// `agent.upsert`: merged with the stored profile by the engine, which also issues tokens.
    case upsertAgent(AgentPatch, rotateToken: Bool)
    /// `queue.upsert`: merged with the stored settings by the engine.
    case upsertQueue(QueuePatch)
    case subscribe([Topic])
    case query(Query)
    /// The customer archive: profiles, registrations, audit, imports (see `ArchiveRequest`).
    case archive(ArchiveRequest)
}

/// Reads that answer from the live state.
public enum Query: Sendable, Equatable {
    case agentList
    case callGet(CallID)
    case stats(QueueID?)
    case queueList
    /// `complaint.list`: open complaints (live), closed ones (the store), or both; closed newest first, at most `limit`.
    case complaintList(state: ComplaintState?, limit: Int)
    /// `complaint.get`: one complaint, open or closed.
    case complaintGet(ComplaintID)
    /// `complaint.report`: figures per day, tier and agent over a range of local days.
    case complaintReport(ComplaintReportRange)
    /// `calls.report`: the call log's figures per queue and day or hour.
    case callsReport(CallsReportRequest)
}

/// The session a request arrived on, as far as decoding needs it.
public struct SessionContext: Sendable, Equatable {
    public var role: Role?
    /// The agent an agent session is bound to.
    public var agent: AgentID?

    public init(role: Role?, agent: AgentID?) {
        self.role = role
        self.agent = agent
    }
}

extension Command {
    /// Decodes a request for a session: authentication first, then authorization
    /// (`forbidden` whatever the fields), then the fields.
    public static func decode(_ request: Request, session: SessionContext) throws(WireError) -> Command {
        guard let op = Operation(rawValue: request.op) else {
            throw WireError(.unknownOp, "unknown op '\(request.op)'; \(session.role.map { "the \($0.rawValue) role may call" } ?? "before hello you may call"): \(Operation.names(for: session.role).joined(separator: ", "))")
        }
        guard let role = session.role else {
            guard op == .hello || op == .ping else {
                throw WireError(.unauthenticated, "say hello first: {\"op\": \"hello\", \"role\": \"pbx\"|\"agent\"|\"supervisor\"|\"admin\"}")
            }
            return try decode(op, request.fields, session: session)
        }
        guard op.roles.contains(role) else {
            throw WireError(.forbidden, "op '\(op.rawValue)' is not allowed for the \(role.rawValue) role; it needs: \(op.roles.map(\.rawValue).sorted().joined(separator: " or "))")
        }
        return try decode(op, request.fields, session: session).attaching(request.caller)
    }

    private static func decode(_ op: Operation, _ f: Fields, session: SessionContext) throws(WireError) -> Command {
        switch op {
        case .hello:
            let role = try f.choice("role", Role.self, among: Role.allCases)
            return .hello(role: role, agent: try f.optionalString("agent"), token: try f.optionalString("token"), client: try f.optionalString("client"))
        case .ping:
            return .ping
        case .callOffer:
            if case .string("")? = f.present("from") {
                throw .badRequest("field 'from' must be a non-empty string, not an empty string: send \"anonymous\" for a caller without a number")
            }
            return .input(.offerCall(
                call: try f.string("call"), from: try f.string("from"), to: try f.optionalString("to") ?? "",
                queue: try f.optionalString("queue"), attributes: try f.optionalStringMap("attributes") ?? [:], caller: nil
            ))
        case .callAnswered:
            return .input(.callAnswered(call: try f.string("call"), agent: try f.string("agent")))
        case .callNoAnswer:
            return .input(.callNoAnswer(call: try f.string("call"), agent: try f.string("agent")))
        case .callHangup:
            let by = try f.choice("by", HangupSide.self, among: HangupSide.allCases)
            return .input(.callHangup(call: try f.string("call"), by: by, cause: try f.optionalText("cause")))
        case .callHold, .callUnhold:
            return .input(.callHold(call: try f.string("call"), onHold: op == .callHold))
        case .callTransfer:
            let call = try f.string("call")
            switch (try f.optionalString("queue"), try f.optionalString("agent")) {
            case let (queue?, nil): return .input(.callTransfer(call: call, target: .queue(queue)))
            case let (nil, agent?): return .input(.callTransfer(call: call, target: .agent(agent)))
            default: throw .badRequest("call.transfer needs exactly one of 'queue' or 'agent'")
            }
        case .agentLogin:
            return .input(.agentLogin(agent: try actingAgent(f, session), seat: try f.optionalIdentifier("seat")))
        case .agentLogout:
            return .input(.agentLogout(agent: try actingAgent(f, session)))
        case .agentState:
            let agent = try actingAgent(f, session)
            let state = try f.choice("state", AgentState.self, among: [.ready, .notReady])
            return .input(.agentSetState(agent: agent, state: state, reason: try f.optionalString("reason")))
        case .subscribe:
            guard let list = f["topics"], case let .array(items) = list, !items.isEmpty else {
                throw .badRequest("field 'topics' must be a non-empty array of topics: \(Topic.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var topics: [Topic] = []
            for item in items {
                guard case let .string(name) = item, let topic = Topic(rawValue: name) else {
                    throw .badRequest("unknown topic \(JSONWriter.string(item)): topics are \(Topic.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !topics.contains(topic) { topics.append(topic) }
            }
            return .subscribe(topics)
        case .stats:
            return .query(.stats(try f.optionalString("queue")))
        case .agentList:
            return .query(.agentList)
        case .callGet:
            return .query(.callGet(try f.string("call")))
        case .queueList:
            return .query(.queueList)
        case .queueUpsert:
            return .upsertQueue(try QueuePatch(f))
        case .agentUpsert:
            return .upsertAgent(try AgentPatch(f), rotateToken: try f.optionalBool("rotate_token") ?? false)
        case .agentRemove:
            return .input(.removeAgent(agent: try f.string("agent")))
        case .queueRemove:
            return .input(.removeQueue(queue: try f.string("queue")))
        case .callsReport:
            return .query(.callsReport(try CallsReportRequest(f)))
        case .complaintOpen, .complaintStep, .complaintList, .complaintGet, .complaintAssign, .complaintReport:
            return try decodeComplaint(op, f, session: session)
        case .callerProfile, .callRegister, .auditList, .customerUpsert, .customerImport, .customerExport, .customerRegrade, .customerCooperation,
             .numberFlags, .numberUnflag:
            return .archive(try ArchiveRequest.decode(op, f))
        }
    }

    /// The agent an agent op acts for: the session's own agent, or for an admin the `agent` field.
    private static func actingAgent(_ f: Fields, _ session: SessionContext) throws(WireError) -> AgentID {
        if session.role == .agent {
            guard let bound = session.agent else { throw WireError(.unauthenticated, "this agent session is not bound to an agent") }
            if let named = try f.optionalString("agent"), named != bound {
                throw WireError(.forbidden, "this session is agent '\(bound)'; it cannot act for agent '\(named)'")
            }
            return bound
        }
        return try f.string("agent")
    }
}
