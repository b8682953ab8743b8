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

    struct LegKey: Hashable {
        var serial: UInt64
        var leg: Int
    }

    // Each row is UPDATEd in place, and INSERTed only when no row was there. An
    // UPSERT (INSERT ... ON CONFLICT DO UPDATE) built and checked the whole row for
    // the insert before updating it: measured at a third more per commit.

    /// The call-log columns a leg changes as it goes (the UPDATE's, and the INSERT's last ones).
    static let legLiveColumns = """
        queue, agent, state, ticket, priority, attempts, ringing_at, answered_at, ended_at, wait, talk, outcome, hangup_by, cause, \
        hold_until, overflow_stage, overflow, route_reason, hold, on_hold_since, last_rang
        """
    static let updateLegSQL = "UPDATE calls SET " + assignments(legLiveColumns) + " WHERE serial = ? AND leg = ?"
    static let insertLegSQL = insertSQL("calls", "serial, leg, call, caller, dialed, attributes, caller_info, offered_at, queued_at, language, account_manager, " + legLiveColumns)

    static let agentColumns = """
        name, seat, skills, languages, tiers, token_hash, state, reason, since, active_seat, call, idle_since, wrap_up, \
        pending_state, pending_reason, answered_today, talk_today, counters_day, handle_today, available_today
        """
    static let updateAgentSQL = "UPDATE agents SET " + assignments(agentColumns) + " WHERE agent = ?"
    static let insertAgentSQL = insertSQL("agents", agentColumns + ", agent")

    static let queueColumns = """
        skills, strategy, wrap_up, ring_timeout, max_wait, service_level, on_timeout, max_attempts, manager_wait, overflow, \
        max_wait_no_agent, last_routed, counters, unstaffed_since
        """
    static let updateQueueSQL = "UPDATE queues SET " + assignments(queueColumns) + " WHERE queue = ?"
    static let insertQueueSQL = insertSQL("queues", queueColumns + ", queue")

    /// "a = ?, b = ?" for a column list.
    static func assignments(_ columns: String) -> String {
        columns.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespacesAndNewlines)) = ?" }.joined(separator: ", ")
    }

    static func insertSQL(_ table: String, _ columns: String) -> String {
        "INSERT INTO \(table) (\(columns)) VALUES (\(Array(repeating: "?", count: columns.split(separator: ",").count).joined(separator: ", ")))"
    }

    static func write(_ batch: CommitBatch, in db: Database, memo: EncodingMemo = EncodingMemo()) throws {
        if !batch.legs.isEmpty {
            var update = FastStatement(try db.cachedStatement(sql: updateLegSQL))
            var insert = FastStatement(try db.cachedStatement(sql: insertLegSQL))
            // A leg written twice in one pass (queued, then ringing) is written once, as it is last.
            var last: [LegKey: Int] = [:]
            for (i, c) in batch.legs.enumerated() { last[LegKey(serial: c.serial, leg: c.leg)] = i }
            for (i, c) in batch.legs.enumerated() where last[LegKey(serial: c.serial, leg: c.leg)] == i {
                let ended = c.endedAt
                let overflow: String? = c.relaxedSkills == nil && c.extraQueues.isEmpty
                    ? nil : try json(OverflowState(relaxedSkills: c.relaxedSkills, extraQueues: c.extraQueues))
                let wait: Double? = c.answeredAt != nil || ended != nil ? c.waitSeconds(now: ended ?? c.queuedAt) : nil
                let talk: Double? = c.answeredAt != nil && ended != nil ? c.talkSeconds(now: ended!) : nil
                func bindLive(_ row: inout FastStatement) {
                    row.bind(c.queue); row.bind(c.agent); row.bind(c.state.rawValue); row.bind(Int64(c.ticket)); row.bind(c.priority)
                    row.bind(c.attempts); row.bind(c.ringingAt?.milliseconds); row.bind(c.answeredAt?.milliseconds); row.bind(ended?.milliseconds)
                    row.bind(wait); row.bind(talk); row.bind(c.outcome?.rawValue); row.bind(c.hangupBy?.rawValue); row.bind(c.cause)
                    row.bind(c.holdUntil?.milliseconds); row.bind(c.overflowStage); row.bind(overflow); row.bind(c.routeReason)
                    row.bind(c.heldBefore); row.bind(c.onHoldSince?.milliseconds); row.bind(c.lastRang)
                }
                bindLive(&update)
                update.bind(Int64(c.serial)); update.bind(c.leg)
                if try update.run(db) > 0 { continue }
                // A new leg: what it was offered with, then where it is now.
                insert.bind(Int64(c.serial)); insert.bind(c.leg); insert.bind(c.id); insert.bind(c.from); insert.bind(c.to)
                insert.bind(c.attributes.isEmpty ? nil : ProjectionJSON.object(c.attributes)); insert.bind(c.caller.map(CallerInfoJSON.encode))
                insert.bind(c.offeredAt.milliseconds); insert.bind(c.queuedAt.milliseconds); insert.bind(c.language); insert.bind(c.accountManager)
                bindLive(&insert)
                try insert.run(db)
            }
        }
        if !batch.wrapUpsEnded.isEmpty {
            var update = FastStatement(try db.cachedStatement(sql: "UPDATE calls SET wrap_up = max(0, (? - ended_at) / 1000.0) WHERE serial = ? AND leg = ?"))
            for w in batch.wrapUpsEnded {
                update.bind(w.at.milliseconds); update.bind(Int64(w.serial)); update.bind(w.leg)
                try update.run(db)
            }
        }
        if !batch.removedQueues.isEmpty {
            var delete = FastStatement(try db.cachedStatement(sql: "DELETE FROM queues WHERE queue = ?"))
            for id in batch.removedQueues {
                delete.bind(id)
                try delete.run(db)
            }
        }
        if !batch.removedAgents.isEmpty {
            var delete = FastStatement(try db.cachedStatement(sql: "DELETE FROM agents WHERE agent = ?"))
            var keep = FastStatement(try db.cachedStatement(sql: "INSERT OR REPLACE INTO removed_agents (agent, removed_at) VALUES (?, ?)"))
            for (id, at) in batch.removedAgents {
                delete.bind(id)
                try delete.run(db)
                keep.bind(id); keep.bind(at.milliseconds)
                try keep.run(db)
            }
        }
        if !batch.agents.isEmpty {
            var update = FastStatement(try db.cachedStatement(sql: updateAgentSQL))
            var insert = FastStatement(try db.cachedStatement(sql: insertAgentSQL))
            for a in batch.agents {
                let profile = try memo.profile(a.profile)
                let wrapUp = try a.wrapUp.map(json)
                func bind(_ row: inout FastStatement) {
                    row.bind(a.profile.name); row.bind(a.profile.seat); row.bind(profile.skills); row.bind(profile.languages)
                    row.bind(profile.tiers); row.bind(a.tokenHash); row.bind(a.state.rawValue); row.bind(a.reason); row.bind(a.since.milliseconds)
                    row.bind(a.activeSeat); row.bind(a.call); row.bind(a.idleSince?.milliseconds); row.bind(wrapUp)
                    row.bind(a.pendingState?.rawValue); row.bind(a.pendingReason); row.bind(a.answeredToday); row.bind(a.talkSecondsToday)
                    row.bind(a.countersDay); row.bind(a.handleSecondsToday); row.bind(a.availableSecondsToday); row.bind(a.id)
                }
                bind(&update)
                if try update.run(db) > 0 { continue }
                bind(&insert)
                try insert.run(db)
            }
        }
        if !batch.queues.isEmpty {
            var update = FastStatement(try db.cachedStatement(sql: updateQueueSQL))
            var insert = FastStatement(try db.cachedStatement(sql: insertQueueSQL))
            for q in batch.queues {
                let c = q.config
                let config = try memo.queue(c)
                let counters = ProjectionJSON.counters(q.counters)
                func bind(_ row: inout FastStatement) {
                    row.bind(config.skills); row.bind(c.strategy.rawValue); row.bind(c.wrapUp); row.bind(c.ringTimeout); row.bind(c.maxWait)
                    row.bind(c.serviceLevel); row.bind(c.onTimeout.text); row.bind(c.maxAttempts); row.bind(c.managerWait); row.bind(config.overflow)
                    row.bind(c.maxWaitNoAgent); row.bind(q.lastRouted); row.bind(counters); row.bind(q.unstaffedSince?.milliseconds); row.bind(c.id)
                }
                bind(&update)
                if try update.run(db) > 0 { continue }
                bind(&insert)
                try insert.run(db)
            }
        }
        var ticket = FastStatement(try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE key = 'next_ticket'"))
        ticket.bind(Int64(batch.nextTicket))
        if try ticket.run(db) == 0 {
            var insert = FastStatement(try db.cachedStatement(sql: "INSERT INTO meta (key, value) VALUES ('next_ticket', ?)"))
            insert.bind(Int64(batch.nextTicket))
            try insert.run(db)
        }
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
            config.maxWaitNoAgent = row["max_wait_no_agent"]
            var queue = Queue(config: config, counters: try decode(QueueCounters.self, row["counters"]) ?? QueueCounters())
            queue.lastRouted = row["last_routed"]
            queue.unstaffedSince = (row["unstaffed_since"] as Int64?).map(Instant.init(milliseconds:))
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
            agent.handleSecondsToday = row["handle_today"]
            agent.availableSecondsToday = row["available_today"]
            return agent
        }
        for row in try Row.fetchAll(db, sql: "SELECT agent, removed_at FROM removed_agents") {
            snapshot.removedAgents[row[0]] = Instant(milliseconds: row[1])
        }
        // A cursor decodes each row in place (no copy of 100,000 rows first).
        let live = try Row.fetchCursor(db, sql: "SELECT \(callColumns) FROM calls WHERE state <> 'ended' ORDER BY ticket")
        while let row = try live.next() { snapshot.calls.append(try logEntry(row).call) }
        // Who last served each caller (`Call.callerKey`: the customer, else the
        // number as sent), from the call log of the core's memory (30 days).
        // The core keeps a caller for 30 days from the end of the call; calls
        // offered up to a day before that window are read (by the offered_at
        // index) in case they ended inside it.
        let latest = try Int64.fetchOne(db, sql: "SELECT max(max(offered_at), coalesce(max(ended_at), 0)) FROM calls") ?? 0
        let since = latest - Int64(LastService.memorySeconds * 1000)
        for row in try Row.fetchAll(db, sql: """
            SELECT coalesce(? || json_extract(caller_info, '$.customer'), ? || caller), agent, ended_at FROM calls
            WHERE offered_at >= ? AND ended_at >= ? AND outcome = 'completed' AND agent IS NOT NULL
            ORDER BY ended_at
            """, arguments: [Call.customerKeyPrefix, Call.numberKeyPrefix, since - 86_400_000, since]) {
            snapshot.lastAgents[row[0]] = LastService(agent: row[1], at: Instant(milliseconds: row[2]))
        }
        return snapshot
    }

    /// The columns `logEntry` reads, in the order it reads them (by position: a
    /// restart loads every waiting call through here, and name lookups cost).
    static let callColumns = """
        call, caller, dialed, queue, attributes, ticket, offered_at, serial, caller_info, language, account_manager, \
        hold_until, overflow_stage, overflow, route_reason, leg, state, agent, priority, attempts, queued_at, ringing_at, \
        answered_at, ended_at, outcome, hangup_by, cause, wrap_up, hold, on_hold_since, last_rang
        """

    /// A call-log row selected with `callColumns`.
    static func logEntry(_ row: Row) throws -> CallLogEntry {
        func instant(_ i: Int) -> Instant? { (row[i] as Int64?).map(Instant.init(milliseconds:)) }
        var call = Call(
            id: row[0], from: row[1], to: row[2], queue: row[3],
            attributes: try decode([String: String].self, row[4]) ?? [:], caller: try decode(CallerInfo.self, row[8]),
            ticket: UInt64(row[5] as Int64), at: Instant(milliseconds: row[6])
        )
        call.serial = UInt64(row[7] as Int64)
        call.language = row[9]
        call.accountManager = row[10]
        call.holdUntil = instant(11)
        call.overflowStage = row[12]
        if let overflow = try decode(OverflowState.self, row[13]) {
            call.relaxedSkills = overflow.relaxedSkills
            call.extraQueues = overflow.extraQueues
        }
        call.routeReason = row[14]
        call.leg = row[15]
        call.state = CallState(rawValue: row[16]) ?? .ended
        call.agent = row[17]
        call.priority = row[18]
        call.attempts = row[19]
        call.queuedAt = Instant(milliseconds: row[20])
        call.ringingAt = instant(21)
        call.answeredAt = instant(22)
        call.endedAt = instant(23)
        call.outcome = (row[24] as String?).flatMap(CallOutcome.init(rawValue:))
        call.hangupBy = (row[25] as String?).flatMap(HangupSide.init(rawValue:))
        call.cause = row[26]
        call.heldBefore = row[28]
        call.onHoldSince = instant(29)
        call.lastRang = row[30]
        return CallLogEntry(call: call, wrapUp: row[27])
    }
}

/// A call's overflow state, as the `calls.overflow` column keeps it.
struct OverflowState: Codable {
    var relaxedSkills: [String: Int]?
    var extraQueues: [QueueID]
}
