import CallCenterCore

/// How the core's values look on the wire.
public enum Encode {
    public static func time(_ instant: Instant?) -> JSONValue { instant.map { .string(RFC3339.format($0)) } ?? .null }

    /// Seconds rounded to the millisecond.
    public static func seconds(_ value: Double?) -> JSONValue {
        value.map { .number(($0 * 1000).rounded() / 1000) } ?? .null
    }

    public static func call(_ c: Call, now: Instant) -> [String: JSONValue] {
        var o: [String: JSONValue] = [
            "call": .string(c.id), "leg": .from(c.leg), "state": .string(c.state.rawValue),
            "queue": .string(c.queue), "from": .string(c.from), "to": .string(c.to),
            "agent": .from(c.agent), "priority": .from(c.priority), "attempts": .from(c.attempts),
            "offered_at": time(c.offeredAt), "queued_at": time(c.queuedAt), "ringing_at": time(c.ringingAt),
            "answered_at": time(c.answeredAt), "ended_at": time(c.endedAt),
            "outcome": .from(c.outcome?.rawValue), "hangup_by": .from(c.hangupBy?.rawValue), "cause": .from(c.cause),
            "wait": seconds(c.waitSeconds(now: now)), "talk": seconds(c.talkSeconds(now: now)),
            "hold": seconds(c.holdSeconds(now: now)), "on_hold_since": time(c.onHoldSince),
            "tier": .from(c.tier?.rawValue), "language": .from(c.language), "account_manager": .from(c.accountManager),
            "route_reason": .from(c.routeReason),
        ]
        if let hold = c.holdUntil { o["hold_until"] = time(hold) }
        if c.overflowStage > 0 {
            o["overflow_stage"] = .from(c.overflowStage)
            if let relaxed = c.relaxedSkills { o["relaxed_skills"] = .object(relaxed.mapValues { .from($0) }) }
            if !c.extraQueues.isEmpty { o["extra_queues"] = .array(c.extraQueues.map { .string($0) }) }
        }
        if !c.attributes.isEmpty { o["attributes"] = .object(c.attributes.mapValues { .string($0) }) }
        if let caller = c.caller {
            o["customer"] = customer(caller)
            o["flags"] = flags(caller)
        }
        return o
    }

    /// An agent; `work` is its handle and available seconds today as
    /// `CallCenter.workToday` counts them at the moment of encoding.
    public static func agent(_ a: Agent, work: (handle: Double, available: Double)) -> [String: JSONValue] {
        [
            "handle_today": seconds(work.handle), "available_today": seconds(work.available),
            "occupancy_today": work.handle + work.available > 0 ? .number((work.handle / (work.handle + work.available) * 10_000).rounded() / 10_000) : .null,
            "agent": .string(a.id), "name": .string(a.profile.name), "seat": .string(a.seat),
            "state": .string(a.state.rawValue), "reason": .from(a.reason), "since": time(a.since),
            "call": .from(a.call), "idle_since": time(a.state == .ready ? a.idleSince : nil),
            "skills": .object(a.profile.skills.mapValues { .from($0) }),
            "languages": .array(a.profile.languages.map { .string($0) }),
            "tiers": .array(a.profile.tiers.map { .string($0.rawValue) }),
            "talk_today": seconds(a.talkSecondsToday),
            "pending_state": .from(a.pendingState?.rawValue),
            "wrap_up_until": time(a.state == .wrapUp ? a.wrapUp?.until : nil),
            "answered_today": .from(a.answeredToday),
        ]
    }

    public static func queue(_ q: QueueConfig) -> [String: JSONValue] {
        [
            "queue": .string(q.id), "skills": .object(q.skills.mapValues { .from($0) }),
            "strategy": .string(q.strategy.rawValue), "wrap_up": seconds(q.wrapUp),
            "ring_timeout": seconds(q.ringTimeout), "max_wait": seconds(q.maxWait),
            "service_level": seconds(q.serviceLevel),
            "on_timeout": .string(q.onTimeout.text), "max_attempts": .from(q.maxAttempts), "manager_wait": seconds(q.managerWait),
            "max_wait_no_agent": seconds(q.maxWaitNoAgent),
            "overflow": .array(q.overflow.map { step in
                var o: [String: JSONValue] = ["after": seconds(step.after)]
                if let relax = step.relaxSkills { o["relax_skills"] = .object(relax.mapValues { .from($0) }) }
                if let add = step.addQueue { o["add_queue"] = .string(add) }
                return .object(o)
            }),
        ]
    }

    public static func stats(_ s: QueueStats) -> [String: JSONValue] {
        var agents: [String: JSONValue] = [:]
        for state in AgentState.allCases where state != .loggedOut { agents[state.rawValue] = .from(s.agents[state] ?? 0) }
        var o = counters(s.counters, threshold: s.serviceLevelThreshold)
        o["queue"] = .string(s.queue)
        o["waiting"] = .from(s.waiting)
        o["longest_wait"] = seconds(s.longestWait)
        o["agents"] = .object(agents)
        o["ewt"] = seconds(s.ewt)
        o["occupancy"] = ratio(s.occupancy)
        return o
    }

    /// A queue's counters and the figures computed from them (`DOMAIN.md` §8), as
    /// in `stats` and `calls.report`.
    public static func counters(_ c: QueueCounters, threshold: Double) -> [String: JSONValue] {
        [
            "service_level": ratio(c.serviceLevel), "service_level_threshold": seconds(threshold),
            "offered": .from(c.offered), "answered": .from(c.answered), "abandoned": .from(c.abandoned),
            "short_abandoned": .from(c.shortAbandoned), "abandoned_after_threshold": .from(c.abandonedAfterThreshold),
            "answered_within_threshold": .from(c.answeredWithinThreshold),
            "abandon_rate": ratio(c.abandonRate),
            "asa": seconds(c.asa), "aht": seconds(c.aht), "handled": .from(c.handled),
            "timed_out": .from(c.timedOut), "rejected": .from(c.rejected),
        ]
    }

    /// A ratio to four decimals, or null.
    static func ratio(_ value: Double?) -> JSONValue {
        value.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null
    }

    /// The screen-pop summary of a caller: null for an unknown number.
    public static func customer(_ c: CallerInfo?) -> JSONValue {
        guard let c, let id = c.customer else { return .null }
        return .object([
            "id": .string(id), "name": .from(c.name), "company": .from(c.company), "tier": .from(c.tier?.rawValue),
            "account_manager": .from(c.accountManager), "language": .from(c.language),
            "flags": .array(c.flags.map { .string($0) }), "open_complaints": .from(c.openComplaints),
        ])
    }

    /// Marks on the caller's number.
    public static func flags(_ c: CallerInfo?) -> JSONValue { .array((c?.flags ?? []).map { .string($0) }) }

    public static func offer(_ r: OfferResult) -> [String: JSONValue] {
        [
            "call": .string(r.call), "customer": customer(r.caller), "flags": flags(r.caller), "queue": .string(r.queue),
            "priority": .from(r.priority), "position": .from(r.position), "ewt": seconds(r.ewt),
        ]
    }

    /// The `result` of an accepted change; `work` gives an agent's time today (`CallCenter.workToday`).
    public static func outcome(_ outcome: Outcome, now: Instant, token: String? = nil,
                               work: (Agent) -> (handle: Double, available: Double)) -> JSONValue {
        switch outcome {
        case .none: return .object([:])
        case let .offered(r): return .object(offer(r))
        case let .call(c): return .object(call(c, now: now))
        case let .agent(a): return .object(agent(a, work: work(a)))
        case let .queue(q): return .object(queue(q.config))
        case let .agentSaved(a):
            var o = agent(a, work: work(a))
            if let token { o["token"] = .string(token) }
            return .object(o)
        case let .complaint(c): return .object(complaint(c, now: now))
        case let .agentRemoved(id): return .object(["agent": .string(id), "removed": true])
        case let .queueRemoved(id): return .object(["queue": .string(id), "removed": true])
        }
    }

    // MARK: - Envelopes

    public static func ok(id: JSONValue, result: JSONValue) -> [UInt8] {
        JSONWriter.line(.object(["id": id, "ok": true, "result": result]))
    }

    public static func error(id: JSONValue, _ error: WireError) -> [UInt8] {
        JSONWriter.line(.object(["id": id, "ok": false, "error": .object(["code": .string(error.code.rawValue), "message": .string(error.message)])]))
    }

    /// A pushed event: `{"event": name, "seq": seq, ...fields}`.
    public static func event(_ name: String, seq: Int64, _ fields: [String: JSONValue]) -> [UInt8] {
        var o = fields
        o["event"] = .string(name)
        o["seq"] = .number(Double(seq))
        return JSONWriter.line(.object(o))
    }
}
