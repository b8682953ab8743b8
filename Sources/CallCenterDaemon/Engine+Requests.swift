import CallCenterCore
import CallCenterStore
import CallCenterWire
import Crypto
import Foundation
import Logging

extension Engine {
    /// Handles one submission of a pass.
    func handle(_ item: Submission, now: Instant, log: inout PassLog) {
        switch item {
        case let .opened(session):
            sessions.insert(session)
        case let .closed(session):
            forget(session)
        case let .rejected(session, failure):
            outbox.reply(session, Encode.error(id: failure.id, failure.error))
        case let .tooLarge(session):
            outbox.reply(session, Encode.error(id: .null, WireError(.tooLarge, "line longer than \(config.maxLineBytes) bytes; the connection is closed (split the data or raise [daemon] max_line_bytes)")))
            outbox.close(session)
        case let .request(session, request):
            handle(request, from: session, now: now, log: &log)
        case let .reload(newConfig, done):
            done(reload(newConfig, now: now, log: &log))
        case .heartbeat:
            break
        case let .deferredReply(session, bytes):
            session.reportRunning = false
            outbox.release(session, reply: bytes)
        case let .inputClosed(session):
            // Its requests are all answered before this (they came first); a
            // subscriber keeps hearing its topics until it closes. A PBX that is
            // leaving gets no more routes: they go to the others.
            if session.topics.isEmpty {
                session.closing = true
                pbxSessions.removeAll { $0 === session }
                outbox.close(session)
            }
        case let .undelivered(session, lines):
            forget(session)  // its connection is gone or going; `.closed` may come later
            reroute(lines, from: session)
        }
    }

    private func handle(_ request: Request, from session: Session, now: Instant, log: inout PassLog) {
        do {
            let command = try Command.decode(request, session: session.context)
            if session.role == .agent, let agent = session.agent {
                // Removed, or its token replaced, earlier in this pass: the close is on its way.
                // The refusal stands or falls with that change (`unavailable` if its commit fails).
                var refusal: String?
                if let record = core.agents[agent] {
                    if let proved = session.tokenHash, proved != record.tokenHash {
                        refusal = "agent '\(agent)' has a new token (agent.upsert with rotate_token); this session is being closed: say hello again with the new token"
                    }
                } else {
                    refusal = "agent '\(agent)' was removed (agent.remove); this session is being closed"
                }
                if let refusal {
                    outbox.reply(session, Encode.error(id: request.id, WireError(.forbidden, refusal)), change: request.id)
                    return
                }
            }
            switch command {
            case .ping:
                outbox.reply(session, Encode.ok(id: request.id, result: .object(["pong": true, "at": Encode.time(now)])))
            case let .hello(role, agent, token, client):
                let result = try hello(session, role: role, agent: agent, token: token, client: client)
                outbox.reply(session, Encode.ok(id: request.id, result: result))
                if role == .pbx {
                    // Routes that found no PBX go to the first one that says hello, after its reply;
                    // those of this pass's changes only if they are committed.
                    for line in pendingRoutes { outbox.event(session, line, causedByChange: false, keep: KeptLine(bytes: line, recipients: [session])) }
                    for line in passRoutes { outbox.event(session, line, keep: KeptLine(bytes: line, recipients: [session])) }
                    pendingRoutes = []
                    passRoutes = []
                }
            case let .input(decoded):
                if case let .removeQueue(queue) = decoded, queue != core.settings.defaultQueue, config.queues.contains(where: { $0.id == queue }) {
                    throw WireError(.conflict, "queue '\(queue)' is declared in the config file ([queues.\(queue)]), which would bring it back: remove it there, reload (SIGHUP), then remove it")
                }
                let input = try prepareComplaintInput(decoded, pending: log)
                applyInput(input, now: now, op: request.op, actor: session.actor, payload: request.raw ?? JSONWriter.string(.object(request.fields.values)),
                           session: session, requestID: request.id, callerNumber: request.callerNumber, log: &log)
            case let .upsertAgent(patch, rotate):
                let existing = core.agents[patch.agent]
                let profile = try patch.applied(to: existing?.profile)
                var token: String?
                if existing == nil || rotate || existing?.tokenHash == nil { token = Self.newToken() }
                let hash = token.map(Self.hash)
                let payload = JSONWriter.string(.object([
                    "agent": .string(profile.id), "name": .string(profile.name), "seat": .string(profile.seat),
                    "skills": .object(profile.skills.mapValues { .from($0) }), "languages": .array(profile.languages.map { .string($0) }),
                    "tiers": .array(profile.tiers.map { .string($0.rawValue) }), "token_hash": .from(hash),
                ]))
                applyInput(.upsertAgent(profile, tokenHash: hash), now: now, op: request.op, actor: session.actor, payload: payload,
                           session: session, requestID: request.id, token: token, log: &log)
            case let .upsertQueue(patch):
                let config = patch.applied(to: core.queues[patch.queue]?.config)
                if let (field, message) = config.queueReferenceProblem(exists: { core.queues[$0] != nil }, notDefinedIn: "yet") {
                    throw WireError(.badRequest, "field '\(field)' of queue '\(config.id)' \(message)")
                }
                applyInput(.upsertQueue(config), now: now, op: request.op, actor: session.actor, payload: JSONWriter.string(.object(Encode.queue(config))),
                           session: session, requestID: request.id, log: &log)
            case let .subscribe(topics):
                for topic in topics {
                    session.topics.insert(topic)
                    subscribers[topic, default: []].insert(session)
                }
                outbox.reply(session, Encode.ok(id: request.id, result: .object(["subscribed": .array(session.topics.map(\.rawValue).sorted().map { .string($0) })])))
                if topics.contains(.complaints) { pushComplaintSnapshot(to: session, now: now) }
            case let .query(.callsReport(report)):
                try startCallsReport(report, for: session, id: request.id)
            case let .query(query):
                outbox.reply(session, Encode.ok(id: request.id, result: try withRegistration(query, answer(query, now: now, pending: log), pending: log)))
            case let .archive(op):
                try handleArchive(op, request, from: session, now: now, log: &log)
            }
        } catch {
            // A failed import drops the rows staged before it (docs/protocol.md), whatever
            // failed: its fields, its rows or their commit.
            if request.op == Operation.customerImport.rawValue { archive.staged[ObjectIdentifier(session)] = nil }
            switch error {
            case let error as WireError:
                outbox.reply(session, Encode.error(id: request.id, error))
            case let error as CoreError:
                outbox.reply(session, Encode.error(id: request.id, WireError(ErrorCode(rawValue: error.code.rawValue) ?? .badRequest, error.message)))
            default:
                logger.error("internal error handling a request", metadata: ["op": "\(request.op)", "error": "\(error)"])
                outbox.reply(session, Encode.error(id: request.id, WireError(.internal, "internal error: \(error)")))
            }
        }
    }

    /// Applies a state change: on success journal it, queue its reply and effects.
    func applyInput(_ input: Input, now: Instant, op: String, actor: String, payload: String, session: Session?,
                    requestID: JSONValue?, token: String? = nil, callerNumber: String? = nil, log: inout PassLog) {
        readMemo = ReadMemo()
        switch core.apply(input, at: now) {
        case let .failure(error):
            if let session, let requestID {
                outbox.reply(session, Encode.error(id: requestID, WireError(ErrorCode(rawValue: error.code.rawValue) ?? .badRequest, error.message)))
            }
        case let .success(applied):
            if session == nil && applied.changes.isEmpty && applied.effects.allSatisfy(\.isAnnouncement) {
                // A tick with nothing due, or that only tells waiting calls their place: not journaled.
                deliver(applied.effects, seq: nextSeq - 1, now: now)
                return
            }
            let seq = nextSeq
            nextSeq += 1
            log.entries.append(JournalEntry(seq: seq, at: now, op: op, actor: actor, payload: payload))
            log.changes.legs.append(contentsOf: applied.changes.legs)
            log.changes.wrapUpsEnded.append(contentsOf: applied.changes.wrapUpsEnded)
            log.changes.agents.formUnion(applied.changes.agents)
            log.changes.queues.formUnion(applied.changes.queues)
            log.changes.complaints.append(contentsOf: applied.changes.complaints)
            archiveAccepted(input, callerNumber: callerNumber, now: now, log: &log)
            if let session, let requestID {
                if case .offerCall(let call, _, _, _, _, _) = input, session.role == .pbx { callOrigin[call] = session }
                outbox.reply(session, Encode.ok(id: requestID, result: Encode.outcome(applied.outcome, now: now, token: token, work: { self.core.workToday(of: $0, now: now) })), change: requestID)
            }
            deliver(applied.effects, seq: seq, now: now)
        }
    }

    // MARK: - hello

    private func hello(_ session: Session, role: Role, agent: AgentID?, token: String?, client: String?) throws -> JSONValue {
        if let current = session.role {
            throw WireError(.conflict, "this session already said hello as \(current.rawValue); open a new connection for another role")
        }
        guard config.access.allows(role, uid: session.uid, gids: session.gids, daemonUID: daemonUID) else {
            throw WireError(.forbidden, "uid \(session.uid) may not take the \(role.rawValue) role; grant it in the [access] section of the config")
        }
        var boundAgent: AgentID?
        if role == .agent {
            guard let agent else {
                throw WireError(.badRequest, "field 'agent' is missing: an agent session names its agent id (and its token)")
            }
            let trustedUser = session.uid == 0 || session.uid == daemonUID || config.access.agentsByUID[session.uid] == agent
            guard let record = core.agents[agent] else {
                // Only trusted users learn whether an agent id exists.
                if trustedUser { throw WireError(.notFound, "agent '\(agent)' is not known; an admin creates it with agent.upsert") }
                throw WireError(.forbidden, "agent '\(agent)' and this token do not match; ask an admin for the agent's token")
            }
            if let token {
                guard let expected = record.tokenHash, Self.constantTimeEqual(Self.hash(token), expected) else {
                    throw WireError(.forbidden, "the token does not match agent '\(agent)'; ask an admin for a new one (agent.upsert with rotate_token)")
                }
                session.tokenHash = expected
            } else if !trustedUser {
                throw WireError(.forbidden, "agent '\(agent)' must prove who it is: send its 'token', or map this uid to it in [access.agent_uids]")
            }
            boundAgent = agent
            if session.isOpen { agentSessions[agent, default: []].append(session) }
        }
        session.role = role
        session.agent = boundAgent
        session.client = client
        logger.info("hello", metadata: ["session": "\(session.id)", "role": "\(role.rawValue)", "uid": "\(session.uid)", "agent": "\(boundAgent ?? "-")", "client": "\(client ?? "-")"])
        if role == .pbx && session.isOpen { pbxSessions.append(session) }
        session.hasSaidHello.withLockedValue { $0 = true }
        var result: [String: JSONValue] = [
            "server": "callcenterd", "version": .string(DaemonVersion.string), "protocol": 1, "role": .string(role.rawValue),
            "session": .from(session.id),
        ]
        if let boundAgent { result["agent"] = .string(boundAgent) }
        return .object(result)
    }

    private func forget(_ session: Session) {
        session.isOpen = false
        sessions.remove(session)
        pbxSessions.removeAll { $0 === session }
        if let agent = session.agent {
            agentSessions[agent]?.removeAll { $0 === session }
            if agentSessions[agent]?.isEmpty == true { agentSessions[agent] = nil }
        }
        for topic in session.topics { subscribers[topic]?.remove(session) }
    }

    // MARK: - Queries

    /// `core.stats`, once per state (`ReadMemo`).
    func stats(queue: QueueID?, now: Instant) throws -> [QueueStats] {
        if let known = readMemo.stats[queue ?? ""] { return known }
        let stats = try core.stats(queue: queue, now: now)
        readMemo.stats[queue ?? ""] = stats
        return stats
    }

    /// A waiting call's place in its line, from one walk of the line per state (`ReadMemo`).
    private func placeInLine(of call: Call, now: Instant) -> (position: Int, ewt: Double)? {
        guard call.state == .queued else { return nil }
        if readMemo.places[call.queue] == nil {
            var places: [CallID: (position: Int, ewt: Double)] = [:]
            for place in core.placesInLine(of: call.queue, now: now) { places[place.call] = (place.position, place.ewt) }
            readMemo.places[call.queue] = places
        }
        return readMemo.places[call.queue]?[call.id]
    }

    /// Answers a read from the live state (and, for ended calls, the call log,
    /// including what this pass is about to commit).
    private func answer(_ query: Query, now: Instant, pending: PassLog) throws -> JSONValue {
        switch query {
        case .agentList:
            return .object(["agents": .array(core.agents.values.sorted { $0.id < $1.id }.map {
                .object(Encode.agent($0, work: core.workToday(of: $0, now: now)))
            })])
        case let .callGet(id):
            if let call = core.calls[id] {
                var o = Encode.call(call, now: now)
                if let place = placeInLine(of: call, now: now) {
                    o["position"] = .from(place.position)
                    o["ewt"] = Encode.seconds(place.ewt)
                }
                return .object(o)
            }
            if let leg = pending.changes.legs.last(where: { $0.id == id }) {
                return .object(Encode.call(leg, now: leg.endedAt ?? now))
            }
            guard let entry = try store.callLog(call: id).last else {
                throw WireError(.notFound, "call '\(id)' is not known")
            }
            var o = Encode.call(entry.call, now: entry.call.endedAt ?? now)
            o["wrap_up"] = Encode.seconds(entry.wrapUp)
            return .object(o)
        case let .stats(queue):
            return .object(["queues": .array(try stats(queue: queue, now: now).map { .object(Encode.stats($0)) })])
        case .queueList:
            return .object(["queues": .array(core.queues.values.sorted { $0.id < $1.id }.map { .object(Encode.queue($0.config)) })])
        case .complaintList, .complaintGet, .complaintReport:
            return try answerComplaintQuery(query, now: now, pending: pending)
        case .callsReport:
            throw WireError(.internal, "calls.report is answered off the engine thread")
        }
    }

    // MARK: - Configuration

    /// Creates or updates the queues the config file declares (journaled like any change).
    /// The configured queues that differ from the core's. The default queue, when
    /// the file does not declare it, only if missing: `queue.upsert` may have
    /// changed it since, and that acknowledged change must survive a restart.
    func queuesFromConfig() -> [QueueConfig] {
        config.queues.filter { queue in
            guard let current = core.queues[queue.id]?.config else { return true }
            return queue.id != config.createdIfMissing && current != queue
        }
    }

    func applyConfiguredQueues(actor: String) throws {
        var log = PassLog()
        let now = tickClock()  // the local day's offset too: a queue routing calls here rolls agents' daily counters
        for queue in queuesFromConfig() {
            applyInput(.upsertQueue(queue), now: now, op: "queue.upsert", actor: actor, payload: JSONWriter.string(.object(Encode.queue(queue))),
                       session: nil, requestID: nil, log: &log)
        }
        guard !log.entries.isEmpty else { return }
        try store.commit(commitBatch(log))
        sendCommitted()
    }

    private func reload(_ newConfig: DaemonConfig, now: Instant, log: inout PassLog) -> [String] {
        var notes: [String] = []
        if newConfig.socket != config.socket || newConfig.database != config.database || newConfig.synchronous != config.synchronous
            || newConfig.maxLineBytes != config.maxLineBytes || newConfig.core.defaultQueue != config.core.defaultQueue
            || newConfig.socketMode != config.socketMode || newConfig.logLevel != config.logLevel {
            notes.append("socket, socket_mode, database, synchronous, max_line_bytes, log_level and default_queue change only at restart")
        }
        if newConfig.archive != config.archive { notes.append("[archive] changes only at restart") }
        if newConfig.retention != config.retention {
            retentionDue = newConfig.retention.keepsEverything ? nil : clock()
            sweep = PruneCount()
            notes.append(newConfig.retention.keepsEverything ? "history is kept for ever" : "history past the new [retention] is pruned from now on")
        }
        config = config.reloadable(from: newConfig)
        outbox.heldLimit = Self.heldLimit(config)
        readMemo = ReadMemo()
        core.settings.shortAbandon = config.core.shortAbandon
        core.settings.defaultHandleTime = config.core.defaultHandleTime
        core.setRoutingPolicy(config.core.routing)  // a new aging rebuilds the waiting lines
        core.armAnnouncements(now: now)
        core.settings.complaintSLA = config.core.complaintSLA  // applies to complaints opened from now on
        for queue in queuesFromConfig() {
            applyInput(.upsertQueue(queue), now: now, op: "queue.upsert", actor: "config", payload: JSONWriter.string(.object(Encode.queue(queue))),
                       session: nil, requestID: nil, log: &log)
            notes.append("queue \(queue.id) updated")
        }
        return notes
    }

    // MARK: - Tokens

    /// 256 random bits as 64 hex digits: four 64-bit draws from the system's
    /// generator (one `getrandom` each; a byte at a time was 32 system calls).
    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(rng.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
