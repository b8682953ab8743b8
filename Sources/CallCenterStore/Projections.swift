import CallCenterCore
import Foundation
import GRDB

/// Writes and reads the projections: the call log, agents, queues.
enum Projections {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return e
    }()
    static let decoder = JSONDecoder()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }

    static func write(_ batch: CommitBatch, in db: Database) throws {
        if !batch.legs.isEmpty {
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO calls (serial, leg, call, caller, dialed, queue, agent, state, ticket, priority, attempts, attributes, caller_info,
                                   offered_at, queued_at, ringing_at, answered_at, ended_at, wait, talk, outcome, hangup_by, cause,
                                   language, account_manager, hold_until, overflow_stage, overflow, route_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (serial, leg) DO UPDATE SET
                    queue = excluded.queue, agent = excluded.agent, state = excluded.state, ticket = excluded.ticket,
                    priority = excluded.priority, attempts = excluded.attempts, ringing_at = excluded.ringing_at,
                    answered_at = excluded.answered_at, ended_at = excluded.ended_at, wait = excluded.wait,
                    talk = excluded.talk, outcome = excluded.outcome, hangup_by = excluded.hangup_by, cause = excluded.cause,
                    hold_until = excluded.hold_until, overflow_stage = excluded.overflow_stage, overflow = excluded.overflow,
                    route_reason = excluded.route_reason
                """)
            for c in batch.legs {
                let ended = c.endedAt
                let attributes: String? = c.attributes.isEmpty ? nil : try json(c.attributes)
                let callerInfo: String? = try c.caller.map(json)
                let overflow: String? = c.relaxedSkills == nil && c.extraQueues.isEmpty
                    ? nil : try json(OverflowState(relaxedSkills: c.relaxedSkills, extraQueues: c.extraQueues))
                let wait: Double? = c.answeredAt != nil || ended != nil ? c.waitSeconds(now: ended ?? c.queuedAt) : nil
                let talk: Double? = c.answeredAt != nil && ended != nil ? c.talkSeconds(now: ended!) : nil
                try upsert.execute(arguments: [
                    Int64(c.serial), c.leg, c.id, c.from, c.to, c.queue, c.agent, c.state.rawValue, Int64(c.ticket), c.priority,
                    c.attempts, attributes, callerInfo, c.offeredAt.milliseconds, c.queuedAt.milliseconds, c.ringingAt?.milliseconds,
                    c.answeredAt?.milliseconds, ended?.milliseconds, wait, talk, c.outcome?.rawValue, c.hangupBy?.rawValue, c.cause,
                    c.language, c.accountManager, c.holdUntil?.milliseconds, c.overflowStage, overflow, c.routeReason,
                ])
            }
        }
        if !batch.wrapUpsEnded.isEmpty {
            let update = try db.cachedStatement(sql: "UPDATE calls SET wrap_up = max(0, (? - ended_at) / 1000.0) WHERE serial = ? AND leg = ?")
            for w in batch.wrapUpsEnded {
                try update.execute(arguments: [w.at.milliseconds, Int64(w.serial), w.leg])
            }
        }
        if !batch.agents.isEmpty {
            let upsert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO agents (agent, name, seat, skills, languages, tiers, token_hash, state, reason, since, active_seat,
                                               call, idle_since, wrap_up, pending_state, pending_reason, answered_today, talk_today, counters_day)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for a in batch.agents {
                try upsert.execute(arguments: [
                    a.id, a.profile.name, a.profile.seat, try json(a.profile.skills), try json(a.profile.languages), try json(a.profile.tiers), a.tokenHash,
                    a.state.rawValue, a.reason, a.since.milliseconds, a.activeSeat, a.call, a.idleSince?.milliseconds,
                    try a.wrapUp.map(json), a.pendingState?.rawValue, a.pendingReason, a.answeredToday, a.talkSecondsToday, a.countersDay,
                ])
            }
        }
        if !batch.queues.isEmpty {
            let upsert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO queues (queue, skills, strategy, wrap_up, ring_timeout, max_wait, service_level,
                                               on_timeout, max_attempts, manager_wait, overflow, last_routed, counters)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for q in batch.queues {
                let c = q.config
                try upsert.execute(arguments: [
                    c.id, try json(c.skills), c.strategy.rawValue, c.wrapUp, c.ringTimeout, c.maxWait, c.serviceLevel,
                    c.onTimeout.text, c.maxAttempts, c.managerWait, try json(c.overflow), q.lastRouted, try json(q.counters),
                ])
            }
        }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_ticket', ?)")
            .execute(arguments: [Int64(batch.nextTicket)])
    }

    static func loadSnapshot(_ db: Database) throws -> Snapshot {
        var snapshot = Snapshot()
        snapshot.nextTicket = UInt64(try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'next_ticket'") ?? 1)
        snapshot.queues = try Row.fetchAll(db, sql: "SELECT * FROM queues ORDER BY queue").map { row in
            var config = QueueConfig(id: row["queue"])
            config.skills = try decode([String: Int].self, row["skills"]) ?? [:]
            config.strategy = RoutingStrategy(rawValue: row["strategy"]) ?? .longestIdle
            config.wrapUp = row["wrap_up"]
            config.ringTimeout = row["ring_timeout"]
            config.maxWait = row["max_wait"]
            config.serviceLevel = row["service_level"]
            config.onTimeout = TimeoutAction(text: row["on_timeout"]) ?? .voicemail
            config.maxAttempts = row["max_attempts"]
            config.managerWait = row["manager_wait"]
            config.overflow = try decode([OverflowStep].self, row["overflow"]) ?? []
            var queue = Queue(config: config, counters: try decode(QueueCounters.self, row["counters"]) ?? QueueCounters())
            queue.lastRouted = row["last_routed"]
            return queue
        }
        snapshot.agents = try Row.fetchAll(db, sql: "SELECT * FROM agents ORDER BY agent").map { row in
            let profile = AgentProfile(
                id: row["agent"], name: row["name"], seat: row["seat"],
                skills: try decode([String: Int].self, row["skills"]) ?? [:],
                languages: try decode([String].self, row["languages"]) ?? [],
                tiers: try decode([CustomerTier].self, row["tiers"]) ?? []
            )
            var agent = Agent(profile: profile, tokenHash: row["token_hash"], since: Instant(milliseconds: row["since"]))
            agent.state = AgentState(rawValue: row["state"]) ?? .loggedOut
            agent.reason = row["reason"]
            agent.activeSeat = row["active_seat"]
            agent.call = row["call"]
            agent.idleSince = (row["idle_since"] as Int64?).map(Instant.init(milliseconds:))
            agent.wrapUp = try decode(WrapUp.self, row["wrap_up"])
            agent.pendingState = (row["pending_state"] as String?).flatMap(AgentState.init(rawValue:))
            agent.pendingReason = row["pending_reason"]
            agent.answeredToday = row["answered_today"]
            agent.talkSecondsToday = row["talk_today"]
            agent.countersDay = row["counters_day"]
            return agent
        }
        snapshot.calls = try Row.fetchAll(db, sql: "SELECT * FROM calls WHERE state <> 'ended' ORDER BY ticket").map { try logEntry($0).call }
        return snapshot
    }

    static func logEntry(_ row: Row) throws -> CallLogEntry {
        func instant(_ column: String) -> Instant? { (row[column] as Int64?).map(Instant.init(milliseconds:)) }
        var call = Call(
            id: row["call"], from: row["caller"], to: row["dialed"], queue: row["queue"],
            attributes: try decode([String: String].self, row["attributes"]) ?? [:],
            ticket: UInt64(row["ticket"] as Int64), at: Instant(milliseconds: row["offered_at"])
        )
        call.serial = UInt64(row["serial"] as Int64)
        call.caller = try decode(CallerInfo.self, row["caller_info"])
        call.language = row["language"]
        call.accountManager = row["account_manager"]
        call.holdUntil = instant("hold_until")
        call.overflowStage = row["overflow_stage"]
        if let overflow = try decode(OverflowState.self, row["overflow"]) {
            call.relaxedSkills = overflow.relaxedSkills
            call.extraQueues = overflow.extraQueues
        }
        call.routeReason = row["route_reason"]
        call.leg = row["leg"]
        call.state = CallState(rawValue: row["state"]) ?? .ended
        call.agent = row["agent"]
        call.priority = row["priority"]
        call.attempts = row["attempts"]
        call.queuedAt = Instant(milliseconds: row["queued_at"])
        call.ringingAt = instant("ringing_at")
        call.answeredAt = instant("answered_at")
        call.endedAt = instant("ended_at")
        call.outcome = (row["outcome"] as String?).flatMap(CallOutcome.init(rawValue:))
        call.hangupBy = (row["hangup_by"] as String?).flatMap(HangupSide.init(rawValue:))
        call.cause = row["cause"]
        return CallLogEntry(call: call, wrapUp: row["wrap_up"])
    }
}

/// A call's overflow state, as the `calls.overflow` column keeps it.
struct OverflowState: Codable {
    var relaxedSkills: [String: Int]?
    var extraQueues: [QueueID]
}
