import CallCenterCore
import GRDB

/// What `calls.report` covers: call legs offered in a range, by queue, in slots
/// of a local day or hour.
public struct CallsReportQuery: Sendable, Equatable {
    /// Offered at or after; nil: from the start.
    public var from: Instant?
    /// Offered before; nil: until now.
    public var until: Instant?
    /// Local time's offset from UTC, for days and hours.
    public var utcOffsetSeconds: Int
    /// The slot length: 86,400 (days) or 3,600 (hours).
    public var slotSeconds: Int
    /// One queue, or every queue (nil).
    public var queue: QueueID?
    /// Abandons within this many seconds are `short_abandoned` too.
    public var shortAbandon: Double
    /// Rows per agent (the legs each answered) instead of per queue.
    public var byAgent: Bool

    public init(from: Instant? = nil, until: Instant? = nil, utcOffsetSeconds: Int = 0, slotSeconds: Int = 86_400,
                queue: QueueID? = nil, shortAbandon: Double = 5, byAgent: Bool = false) {
        self.byAgent = byAgent
        self.from = from
        self.until = until
        self.utcOffsetSeconds = utcOffsetSeconds
        self.slotSeconds = slotSeconds
        self.queue = queue
        self.shortAbandon = shortAbandon
    }
}

/// One queue's (or agent's) figures over one slot, by the definitions of
/// `DOMAIN.md` §8 (the live counters' own, `QueueCounters`, applied to the call log).
public struct CallsReportRow: Sendable, Equatable {
    /// The slot's start, in local seconds since 1970 (local midnight or the hour).
    public var slot: Int64
    /// The queue, or with `byAgent` the agent.
    public var key: String
    /// The queue's service-level threshold T now (20 s for a queue that no longer
    /// exists); 0 per agent (each leg is measured against its own queue's).
    public var serviceLevelThreshold: Double
    public var counters: QueueCounters
    /// Answered legs that have ended, and their talk and hold seconds.
    public var talkedLegs: Int
    public var talkSeconds: Double
    public var holdSeconds: Double
}

extension CallCenterStore {
    /// Whether any leg in the call log was in this queue (a queue since removed).
    public func callLogHasQueue(_ queue: QueueID) throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM calls WHERE queue = ?)", arguments: [queue]) ?? false }
    }

    /// Call legs offered in the range, per slot and queue: each leg counts where
    /// it was offered (a transfer's new leg in its new queue), in the slot of its
    /// first offer. With `byAgent`, the legs answered, per slot and agent. Computed by SQL on the call log (index `calls_by_offered`), on a
    /// reader connection: safe to call from any thread.
    public func callsReport(_ query: CallsReportQuery) throws -> [CallsReportRow] {
        // A reader connection of the pool: the writer (the engine) is not held up.
        try writer.read { db in
            let abandoned = "(c.outcome = 'abandoned' AND c.hangup_by = 'caller')"
            let answered = "c.answered_at IS NOT NULL"
            let handled = "(c.answered_at IS NOT NULL AND c.wrap_up IS NOT NULL)"
            let talked = "(c.answered_at IS NOT NULL AND c.talk IS NOT NULL)"  // answered and ended
            // A timeout sent on to another queue closes the leg `transferred` by the system.
            let timedOut = "(c.outcome = 'timed_out' OR (c.outcome = 'transferred' AND c.hangup_by = 'system'))"
            let threshold = "coalesce(q.service_level, 20)"
            // Per agent, each leg is measured against its own queue's T; no one T stands for the row.
            let rowThreshold = query.byAgent ? "NULL" : threshold
            // Counts are `coalesce(sum(…), 0)`: a comparison with a live leg's NULL
            // outcome is NULL, and a period of live legs only would sum to NULL.
            func count(_ condition: String) -> String { "coalesce(sum(\(condition)), 0)" }
            let key = query.byAgent ? "c.agent" : "c.queue"
            var sql = """
                SELECT (c.offered_at / 1000 + ?) / ? AS slot, \(key), \(rowThreshold),
                  count(*), \(count(answered)), \(count("\(answered) AND c.wait <= \(threshold)")),
                  \(count(abandoned)), \(count("\(abandoned) AND c.wait <= ?")), \(count("\(abandoned) AND c.wait > \(threshold)")),
                  total(CASE WHEN \(answered) THEN c.wait END),
                  \(count(handled)), total(CASE WHEN \(handled) THEN coalesce(c.talk, 0) + c.hold + c.wrap_up END),
                  \(count(timedOut)), \(count("c.outcome = 'rejected'")),
                  \(count(talked)), total(CASE WHEN \(talked) THEN c.talk END), total(CASE WHEN \(talked) THEN c.hold END)
                FROM calls c LEFT JOIN queues q ON q.queue = c.queue
                WHERE c.offered_at >= ? AND c.offered_at < ?
                """
            var arguments: StatementArguments = [
                query.utcOffsetSeconds, query.slotSeconds, query.shortAbandon,
                query.from?.milliseconds ?? Int64.min, query.until?.milliseconds ?? Int64.max,
            ]
            if let queue = query.queue {
                sql += " AND c.queue = ?"
                arguments += [queue]
            }
            if query.byAgent { sql += " AND \(answered) AND c.agent IS NOT NULL" }
            sql += " GROUP BY slot, \(key) ORDER BY slot, \(key)"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                var counters = QueueCounters()
                counters.offered = row[3]
                counters.answered = row[4]
                counters.answeredWithinThreshold = row[5]
                counters.abandoned = row[6]
                counters.shortAbandoned = row[7]
                counters.abandonedAfterThreshold = row[8]
                counters.answeredWaitSeconds = row[9]
                counters.handled = row[10]
                counters.handleSeconds = row[11]
                counters.timedOut = row[12]
                counters.rejected = row[13]
                return CallsReportRow(slot: (row[0] as Int64) * Int64(query.slotSeconds), key: row[1], serviceLevelThreshold: row[2] ?? 0,
                                      counters: counters, talkedLegs: row[14], talkSeconds: row[15], holdSeconds: row[16])
            }
        }
    }
}
