import CallCenterCore
import CallCenterWire
import Logging

extension Engine {
    /// Turns a change's effects into pushed events for the right sessions.
    func deliver(_ effects: [Effect], seq: Int64, now: Instant) {
        for effect in effects {
            switch effect {
            case let .route(call, agent, seat):
                logger.debug("route", metadata: ["call": "\(call)", "agent": "\(agent)", "seat": "\(seat)"])
                toPBX(call: call, Encode.event("route", seq: seq, ["call": .string(call), "agent": .string(agent), "seat": .string(seat)]))
            case let .cancelRoute(call, agent, seat, reason):
                logger.debug("route cancelled", metadata: ["call": "\(call)", "agent": "\(agent)", "reason": "\(reason)"])
                toPBX(call: call, Encode.event("route.cancel", seq: seq, [
                    "call": .string(call), "agent": .string(agent), "seat": .string(seat), "reason": .string(reason),
                ]))
            case let .assigned(callID, agent):
                guard let targets = agentSessions[agent], !targets.isEmpty, let call = core.calls[callID] else { continue }
                let line = Encode.event("call.assigned", seq: seq, [
                    "call": .string(callID), "from": .string(call.from), "to": .string(call.to), "queue": .string(call.queue),
                    "agent": .string(agent), "customer": Encode.customer(call.caller), "flags": Encode.flags(call.caller),
                    "attributes": .object(call.attributes.mapValues { .string($0) }),
                ])
                for session in targets { outbox.event(session, line) }
            case let .timeout(call, queue, action, reason):
                logger.info("call timed out", metadata: ["call": "\(call)", "queue": "\(queue)", "action": "\(action.text)"])
                toPBX(call: call, Encode.event("call.timeout", seq: seq, [
                    "call": .string(call), "queue": .string(queue), "action": .string(action.text), "reason": .string(reason),
                ]))
            case let .position(call, queue, position, ewt):
                toPBX(call: call, Encode.event("call.position", seq: seq, [
                    "call": .string(call), "queue": .string(queue), "position": .from(position), "ewt": Encode.seconds(ewt),
                    "at": Encode.time(now),
                ]), keep: false)
            case let .rejected(call, reason):
                logger.notice("call rejected by the flagged-number policy", metadata: ["call": "\(call)", "flag": "\(reason)"])
                toPBX(call: call, Encode.event("call.rejected", seq: seq, ["call": .string(call), "reason": .string(reason)]))
            case let .alert(callID, flag):
                logger.warning("call from a flagged number", metadata: ["call": "\(callID)", "flag": "\(flag)"])
                guard let targets = subscribers[.calls], !targets.isEmpty else { continue }
                var fields: [String: JSONValue] = ["call": .string(callID), "flag": .string(flag), "at": Encode.time(now)]
                if let call = core.calls[callID] { fields["from"] = .string(call.from); fields["queue"] = .string(call.queue) }
                let line = Encode.event("supervisor.alert", seq: seq, fields)
                for session in targets { outbox.event(session, line) }
            case let .notice(notice):
                publish(notice, seq: seq, now: now)
            }
        }
    }

    /// `keep`: with no PBX connected, hold the line for the first that says hello
    /// (a route must not be lost; a position announcement is stale by then).
    private func toPBX(call: CallID, _ line: [UInt8], keep: Bool = true) {
        if let origin = callOrigin[call], takesRoutes(origin) {
            outbox.event(origin, line, keep: keep ? KeptLine(bytes: line, recipients: [origin]) : nil)
        } else if !pbxSessions.isEmpty {
            let kept = keep ? KeptLine(bytes: line, recipients: pbxSessions) : nil
            for session in pbxSessions { outbox.event(session, line, keep: kept) }
        } else if keep {
            passRoutes.append(line)
        }
    }

    /// Rings start only while a PBX can ring the seat: the core hears when the
    /// first PBX comes (the waiting lines are routed then) and when the last goes
    /// (calls wait, agents stay ready, rather than ring on seats nobody dials).
    func syncRoutesTaken(now: Instant, log: inout PassLog) {
        let taken = pbxSessions.contains { takesRoutes($0) }
        guard taken != core.routesTaken else { return }
        applyInput(.routesTaken(taken), now: now, op: taken ? "pbx.routing" : "pbx.none", actor: "daemon", payload: "{}",
                   session: nil, requestID: nil, log: &log)
    }

    /// A PBX session still taking route commands (not closed, not closing after a half-close).
    func takesRoutes(_ session: Session) -> Bool {
        session.isOpen && !session.closing && pbxSessions.contains { $0 === session }
    }

    /// Committed lines a PBX connection (`from`) could not take: once every
    /// session a line was given to has handed it back (none wrote it), to every
    /// PBX connected now, else to the next that says hello. A line one of them
    /// wrote is never sent again.
    func reroute(_ lines: [KeptLine], from: Session) {
        var sent = 0
        for line in lines where line.cameBack(from: from) {
            sent += 1
            let targets = pbxSessions.filter { takesRoutes($0) && !line.recipients.contains($0) }
            if targets.isEmpty {
                pendingRoutes.append(line.bytes)
            } else {
                let kept = KeptLine(bytes: line.bytes, recipients: targets)
                for session in targets { outbox.event(session, line.bytes, causedByChange: false, keep: kept) }
            }
        }
        guard sent > 0 else { return }
        logger.notice("PBX lines not delivered to their connection: sent to another PBX or kept for the next", metadata: [
            "lines": "\(sent)", "session": "\(from.id)", "pbx_sessions": "\(pbxSessions.count)",
        ])
    }

    /// After the commit: the pass's routes that found no PBX wait for the next one,
    /// and what the pass produced is sent; lines for a PBX whose session closed
    /// during the pass go to another.
    func sendCommitted() {
        pendingRoutes += passRoutes
        passRoutes = []
        var orphans = outbox.send()
        while !orphans.isEmpty {
            for orphan in orphans { reroute([orphan.line], from: orphan.from) }
            orphans = outbox.send()
        }
    }

    private func publish(_ notice: Notice, seq: Int64, now: Instant) {
        switch notice {
        case let .call(event, call, reason):
            if event == "call.ended" { callOrigin[call.id] = nil }
            guard let targets = subscribers[.calls], !targets.isEmpty else { return }
            var fields = Encode.call(call, now: now)
            fields["at"] = Encode.time(now)
            if let reason { fields["reason"] = .string(reason) }
            let line = Encode.event(event, seq: seq, fields)
            for session in targets { outbox.event(session, line) }
        case let .agent(agent):
            // A new token (a leaked one replaced) closes the sessions that proved
            // themselves with the old one; those trusted by uid stay.
            for session in agentSessions[agent.id] ?? [] where session.tokenHash != nil && session.tokenHash != agent.tokenHash {
                outbox.event(session, Encode.event("agent.token_rotated", seq: seq, ["agent": .string(agent.id), "at": Encode.time(now)]))
                outbox.close(session, causedByChange: true)
            }
            guard let targets = subscribers[.agents], !targets.isEmpty else { return }
            var fields = Encode.agent(agent, work: core.workToday(of: agent, now: now))
            fields["at"] = Encode.time(now)
            let line = Encode.event("agent.state", seq: seq, fields)
            for session in targets { outbox.event(session, line) }
        case let .agentRemoved(id):
            // The agent's own sessions hear it and are closed: a softphone of someone
            // who left keeps no access (the token went with the record). If the
            // commit fails, the event and the close are dropped with the change.
            let line = Encode.event("agent.removed", seq: seq, ["agent": .string(id), "at": Encode.time(now)])
            for session in subscribers[.agents] ?? [] { outbox.event(session, line) }
            for session in agentSessions[id] ?? [] {
                outbox.event(session, line)
                outbox.close(session, causedByChange: true)
            }
        case let .queue(id):
            changedQueues.insert(id)
        case let .queueRemoved(id):
            changedQueues.remove(id)
            let line = Encode.event("queue.removed", seq: seq, ["queue": .string(id), "at": Encode.time(now)])
            for session in subscribers[.queues] ?? [] { outbox.event(session, line) }
        case let .complaint(event, complaint):
            publishComplaint(event, complaint, seq: seq, now: now)
        }
    }

    /// One `queue.changed` per changed queue per pass, with its live figures.
    func publishQueueChanges(seq: Int64) {
        defer { changedQueues = [] }
        guard let targets = subscribers[.queues], !targets.isEmpty, !changedQueues.isEmpty else { return }
        let now = lastNow
        for id in changedQueues.sorted() {
            guard let stats = try? stats(queue: id, now: now).first else { continue }
            var fields = Encode.stats(stats)
            fields["at"] = Encode.time(now)
            let line = Encode.event("queue.changed", seq: seq, fields)
            for session in targets { outbox.event(session, line) }
        }
    }
}
