import CallCenterCore
import GRDB

/// The complaints projection: one row per complaint, one per step taken, one per
/// linked call. Written in the same transaction as the journal; open complaints
/// are loaded back at start, closed ones are read from here.
enum ComplaintProjection {
    /// Migration "v3: complaints", registered after the earlier ones.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: complaints") { db in
            try db.execute(sql: """
                CREATE TABLE complaints (
                    id            TEXT    PRIMARY KEY CHECK (id <> ''),
                    number        INTEGER NOT NULL UNIQUE CHECK (number > 0),
                    customer      TEXT,                            -- archive id; NULL: unknown caller
                    customer_name TEXT,
                    tier          TEXT    NOT NULL CHECK (tier IN ('high_value','potential','stable','risk','unknown')),
                    summary       TEXT    NOT NULL CHECK (summary <> ''),
                    step          TEXT    NOT NULL CHECK (step IN ('accept','calm','solution','action','thanks')),
                    opened_by     TEXT    NOT NULL,
                    held_by       TEXT    NOT NULL,
                    assigned_at   INTEGER,
                    opened_at     INTEGER NOT NULL,                -- ms since the epoch, UTC
                    closed_at     INTEGER,
                    sla_due       INTEGER NOT NULL,                -- when `action` is due
                    breached      INTEGER NOT NULL DEFAULT 0 CHECK (breached IN (0, 1)),
                    breached_at   INTEGER,
                    CHECK ((step = 'thanks') = (closed_at IS NOT NULL)),
                    CHECK ((breached = 1) = (breached_at IS NOT NULL)),
                    CHECK (sla_due >= opened_at)
                );
                CREATE INDEX complaints_open ON complaints(number) WHERE closed_at IS NULL;
                CREATE INDEX complaints_by_opened ON complaints(opened_at);
                CREATE INDEX complaints_by_closed ON complaints(closed_at) WHERE closed_at IS NOT NULL;
                -- The step log: who took which step, when, saying what, on which call.
                CREATE TABLE complaint_steps (
                    complaint TEXT    NOT NULL REFERENCES complaints(id),
                    step      TEXT    NOT NULL CHECK (step IN ('accept','calm','solution','action','thanks')),
                    agent     TEXT    NOT NULL,
                    at        INTEGER NOT NULL,
                    note      TEXT,
                    call      TEXT,
                    PRIMARY KEY (complaint, step)
                );
                -- The calls a complaint came from (follow_up = 0) and later follow-up calls.
                CREATE TABLE complaint_calls (
                    complaint TEXT    NOT NULL REFERENCES complaints(id),
                    serial    INTEGER NOT NULL,                    -- calls.serial
                    call      TEXT    NOT NULL,
                    agent     TEXT    NOT NULL,
                    at        INTEGER NOT NULL,
                    follow_up INTEGER NOT NULL CHECK (follow_up IN (0, 1)),
                    PRIMARY KEY (complaint, serial)
                );
                CREATE INDEX complaint_calls_by_call ON complaint_calls(call);
                """)
        }
    }

    // MARK: - Writing

    /// Writes complaints as they are now (the last version of each wins).
    static func write(_ complaints: [Complaint], in db: Database) throws {
        guard !complaints.isEmpty else { return }
        var latest: [ComplaintID: Complaint] = [:]
        for c in complaints { latest[c.id] = c }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO complaints (id, number, customer, customer_name, tier, summary, step, opened_by, held_by, assigned_at,
                                    opened_at, closed_at, sla_due, breached, breached_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                step = excluded.step, held_by = excluded.held_by, assigned_at = excluded.assigned_at,
                closed_at = excluded.closed_at, breached = excluded.breached, breached_at = excluded.breached_at
            """)
        let step = try db.cachedStatement(sql: "INSERT OR IGNORE INTO complaint_steps (complaint, step, agent, at, note, call) VALUES (?, ?, ?, ?, ?, ?)")
        let call = try db.cachedStatement(sql: "INSERT OR IGNORE INTO complaint_calls (complaint, serial, call, agent, at, follow_up) VALUES (?, ?, ?, ?, ?, ?)")
        for c in latest.values.sorted(by: { $0.number < $1.number }) {
            try upsert.execute(arguments: [
                c.id, c.number, c.customer, c.customerName, c.tierName, c.summary, c.step.rawValue, c.openedBy, c.heldBy,
                c.assignedAt?.milliseconds, c.openedAt.milliseconds, c.closedAt?.milliseconds, c.slaDue.milliseconds,
                c.breached ? 1 : 0, c.breachedAt?.milliseconds,
            ])
            for s in c.steps {
                try step.execute(arguments: [c.id, s.step.rawValue, s.agent, s.at.milliseconds, s.note, s.call])
            }
            for link in c.calls {
                try call.execute(arguments: [c.id, Int64(link.serial), link.call, link.agent, link.at.milliseconds, link.followUp ? 1 : 0])
            }
        }
    }

    // MARK: - Reading

    /// Complaints matching a condition on `complaints` (alias `k`), with their steps and calls.
    static func load(_ db: Database, where condition: String, _ arguments: StatementArguments = [], order: String = "k.number", limit: Int? = nil) throws -> [Complaint] {
        let sql = "SELECT k.* FROM complaints k WHERE \(condition) ORDER BY \(order)" + (limit.map { " LIMIT \($0)" } ?? "")
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in try complaint(row, db) }
    }

    static func complaint(_ row: Row, _ db: Database) throws -> Complaint {
        func instant(_ column: String) -> Instant? { (row[column] as Int64?).map(Instant.init(milliseconds:)) }
        let id: String = row["id"]
        let calls = try Row.fetchAll(db, sql: "SELECT * FROM complaint_calls WHERE complaint = ? ORDER BY at, serial", arguments: [id]).map {
            ComplaintCall(call: $0["call"], serial: UInt64($0["serial"] as Int64), agent: $0["agent"],
                          at: Instant(milliseconds: $0["at"]), followUp: ($0["follow_up"] as Int) == 1)
        }
        let order = "CASE step WHEN 'accept' THEN 0 WHEN 'calm' THEN 1 WHEN 'solution' THEN 2 WHEN 'action' THEN 3 ELSE 4 END"
        let steps = try Row.fetchAll(db, sql: "SELECT * FROM complaint_steps WHERE complaint = ? ORDER BY \(order)", arguments: [id]).map {
            ComplaintStepRecord(step: ComplaintStep(rawValue: $0["step"]) ?? .accept, agent: $0["agent"],
                                at: Instant(milliseconds: $0["at"]), note: $0["note"], call: $0["call"])
        }
        guard let first = calls.first(where: { !$0.followUp }) ?? calls.first else {
            throw DatabaseError(message: "complaint \(id) has no linked call")
        }
        var c = Complaint(
            id: id, number: row["number"], customer: row["customer"], customerName: row["customer_name"],
            tier: CustomerTier(rawValue: row["tier"]), summary: row["summary"], call: first,
            openedAt: Instant(milliseconds: row["opened_at"]), slaDue: Instant(milliseconds: row["sla_due"])
        )
        c.calls = calls
        c.steps = steps
        c.openedBy = row["opened_by"]
        c.heldBy = row["held_by"]
        c.assignedAt = instant("assigned_at")
        c.step = ComplaintStep(rawValue: row["step"]) ?? .accept
        c.closedAt = instant("closed_at")
        c.breached = (row["breached"] as Int) == 1
        c.breachedAt = instant("breached_at")
        return c
    }

    /// Open complaints and the next complaint number, for the snapshot.
    static func loadIntoSnapshot(_ snapshot: inout Snapshot, _ db: Database) throws {
        snapshot.complaints = try load(db, where: "k.closed_at IS NULL")
        snapshot.nextComplaintNumber = (try Int.fetchOne(db, sql: "SELECT max(number) FROM complaints") ?? 0) + 1
    }
}

extension CallCenterStore {
    /// One complaint, open or closed.
    public func complaint(id: ComplaintID) throws -> Complaint? {
        try readOnWriter { db in try ComplaintProjection.load(db, where: "k.id = ?", [id]).first }
    }

    /// Complaints in a state, newest first, at most `limit` (nil state: any).
    public func complaints(state: ComplaintState?, limit: Int) throws -> [Complaint] {
        let condition: String
        switch state {
        case .open: condition = "k.closed_at IS NULL"
        case .closed: condition = "k.closed_at IS NOT NULL"
        case nil: condition = "1"
        }
        return try readOnWriter { db in try ComplaintProjection.load(db, where: condition, order: "k.number DESC", limit: limit) }
    }
}
