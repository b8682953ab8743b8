import CallCenterCore
import GRDB

/// How long the database keeps history, in days; `nil` keeps it for ever.
///
/// Only history goes: journal entries, ended call legs and audit entries. The
/// live state (calls not ended, agents, queues, open complaints), the customer
/// archive and its interaction history are never pruned.
public struct RetentionPolicy: Equatable, Sendable {
    /// Journal entries (every accepted input). The newest entry always stays: it
    /// carries the sequence number the next start continues from.
    public var journalDays: Int?
    /// Ended legs in the call log (`call.get` of old calls, reports). At least
    /// `minimumCallsDays`: after a restart the daemon learns who last served each
    /// caller from the call log's last 30 days.
    public var callsDays: Int?
    /// Entries of the audit log of customer-record reads.
    public var auditDays: Int?

    /// A day more than the last-agent memory (`LastService.memorySeconds`).
    public static let minimumCallsDays = Int(LastService.memorySeconds / 86_400) + 1

    public init(journalDays: Int? = nil, callsDays: Int? = nil, auditDays: Int? = nil) {
        self.journalDays = journalDays
        self.callsDays = callsDays
        self.auditDays = auditDays
    }

    /// Nothing is ever pruned.
    public var keepsEverything: Bool { journalDays == nil && callsDays == nil && auditDays == nil }

    /// The instant before which rows kept for `days` are old at `now`.
    static func cutoff(_ days: Int?, now: Instant) -> Int64? {
        days.map { now.milliseconds - Int64($0) * 86_400_000 }
    }
}

/// Rows one `prune` deleted, by table.
public struct PruneCount: Equatable, Sendable {
    public var journal = 0
    public var calls = 0
    public var audit = 0

    public init(journal: Int = 0, calls: Int = 0, audit: Int = 0) {
        self.journal = journal
        self.calls = calls
        self.audit = audit
    }

    public var total: Int { journal + calls + audit }

    public static func += (lhs: inout PruneCount, rhs: PruneCount) {
        lhs.journal += rhs.journal
        lhs.calls += rhs.calls
        lhs.audit += rhs.audit
    }
}

/// What one slice of pruning did.
public struct PruneSlice: Equatable, Sendable {
    public var deleted = PruneCount()
    /// More rows past the retention may be left: slice again.
    public var more = false

    public init(deleted: PruneCount = PruneCount(), more: Bool = false) {
        self.deleted = deleted
        self.more = more
    }
}

extension CallCenterStore {
    /// Deletes, in one transaction, at most `limit` rows of each kind that `policy`
    /// no longer keeps at `now`, and says whether more may be left: the engine
    /// slices again when it is idle, so that a large backlog (a retention set on a
    /// database years old) never holds up routing for long.
    public func prune(_ policy: RetentionPolicy, now: Instant, limit: Int) throws -> PruneSlice {
        guard !policy.keepsEverything, limit > 0 else { return PruneSlice() }
        // A slice does not wait for the disk, as an audited read does not: a request
        // arriving meanwhile waits for the slice, and a slice lost to a power cut is
        // simply pruned again. The next change's commit (under `full`) syncs it.
        try writer.writeWithoutTransaction { db in try useSynchronous(.normal, db) }
        return try writer.write { db in
            var slice = PruneSlice()
            if let before = RetentionPolicy.cutoff(policy.journalDays, now: now) {
                // The journal has no index on `at`: a slice looks at the oldest `limit`
                // entries only (by the primary key, never a scan of the rest) and deletes
                // those past the retention. Entries are in time order, so a window with
                // nothing to delete ends the sweep. An entry stamped ahead by a wrong
                // clock (set back across a restart) is kept, and later windows move past
                // it; if `limit` such entries lead the journal, they hold the entries
                // behind them until they too are past the retention, that is for as long
                // as the clock was ahead. The newest entry is never in a window.
                let oldest = "SELECT seq, at FROM journal WHERE seq < (SELECT max(seq) FROM journal) ORDER BY seq LIMIT ?"
                let window = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(oldest))", arguments: [limit]) ?? 0
                try db.execute(sql: "DELETE FROM journal WHERE seq IN (SELECT seq FROM (\(oldest)) WHERE at < ?)", arguments: [limit, before])
                slice.deleted.journal = db.changesCount
                if slice.deleted.journal > 0 && window == limit { slice.more = true }
            }
            if let before = RetentionPolicy.cutoff(policy.callsDays, now: now) {
                // By the offered_at index: a leg ends after it is offered. A leg not
                // ended has no ended_at and stays.
                try db.execute(sql: """
                    DELETE FROM calls WHERE rowid IN (
                        SELECT rowid FROM calls WHERE offered_at < ?1 AND ended_at < ?1 LIMIT ?2
                    )
                    """, arguments: [before, limit])
                slice.deleted.calls = db.changesCount
                if slice.deleted.calls == limit { slice.more = true }
            }
            if let before = RetentionPolicy.cutoff(policy.auditDays, now: now) {
                try db.execute(sql: "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY at LIMIT ?)",
                               arguments: [before, limit])
                slice.deleted.audit = db.changesCount
                if slice.deleted.audit == limit { slice.more = true }
            }
            return slice
        }
    }
}
