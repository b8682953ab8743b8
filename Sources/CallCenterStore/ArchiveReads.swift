import CallCenterArchive
import CallCenterCore
import Foundation
import GRDB

/// A call's last life in the call log, as the archive needs it (registration, privacy).
public struct LoggedCall: Sendable, Equatable {
    public var serial: UInt64
    public var from: String
    public var caller: CallerInfo?
    public var offeredAt: Instant
    /// Every agent a leg of this life went to.
    public var agents: [AgentID]

    public init(serial: UInt64, from: String, caller: CallerInfo?, offeredAt: Instant, agents: [AgentID]) {
        self.serial = serial
        self.from = from
        self.caller = caller
        self.offeredAt = offeredAt
        self.agents = agents
    }
}

extension CallCenterStore {
    // MARK: - Screen pop

    /// The screen-pop summary for an E.164 number: the customer it belongs to and
    /// the flags on it, in one indexed query. Nil when neither is known.
    /// Safe from any thread: it reads beside the writer, never waiting for it.
    public func callerInfo(number: String) throws -> CallerInfo? {
        // One statement is consistent by itself: no transaction around it.
        if let lookups {
            return try lookups.rows(binding: number, Self.callerInfo).first ?? nil
        }
        return try writer.unsafeRead { db in  // in memory: the one connection
            var query = FastStatement(try db.cachedStatement(sql: Self.callerInfoSQL))
            query.bind(number)
            return try query.rows(Self.callerInfo).first ?? nil
        }
    }

    /// A row of `callerInfoSQL`, read by position.
    static func callerInfo(_ row: FastStatement.Columns) -> CallerInfo? {
        let flags = flagKinds.indices.compactMap { row.int64(Int32(7 + $0)) == 1 ? flagKinds[$0] : nil }
        let id = row.text(0)
        guard id != nil || !flags.isEmpty else { return nil }
        return CallerInfo(customer: id, name: row.text(1), company: row.text(2), tier: row.text(3).flatMap(CustomerTier.init(rawValue:)),
                          accountManager: row.text(4), language: row.text(5), flags: flags,
                          openComplaints: id == nil ? 0 : Int(row.int64(6) ?? 0))
    }

    /// The flag kinds in the order the screen pop lists them.
    static let flagKinds = NumberFlagKind.allCases.map(\.rawValue).sorted()

    /// The screen pop's statement: the customer who owns the number, their open
    /// complaints (complaints projection, index "v4") and, per flag kind, whether
    /// the number carries it. One `EXISTS` per kind rather than a `DISTINCT` list:
    /// that built a temporary B-tree for every offer (`EXPLAIN QUERY PLAN`).
    static let callerInfoSQL = """
        SELECT c.id, c.name, c.company, c.tier, c.account_manager, c.language,
               (SELECT count(*) FROM complaints k WHERE k.customer = c.id AND k.closed_at IS NULL) AS open_complaints,
               \(flagKinds.map { "EXISTS (SELECT 1 FROM number_flags f WHERE f.number = q.n AND f.flag = '\($0)' AND f.cleared_at IS NULL)" }.joined(separator: ", "))
        FROM (SELECT ? AS n) q
        LEFT JOIN customer_phones p ON p.number = q.n
        LEFT JOIN customers c ON c.id = p.customer
        """

    // MARK: - Customers

    public func customer(id: String) throws -> CustomerRecord? {
        try readOnWriter { db in try ArchiveRows.customers(db, where: "id = ?", [id], limit: 1).first }
    }

    /// The stored records of these ids (those that exist).
    public func customers(ids: [String]) throws -> [String: CustomerRecord] {
        try readOnWriter { db in
            var out: [String: CustomerRecord] = [:]
            let unique = Array(Set(ids))
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for r in try ArchiveRows.customers(db, where: "id IN (\(marks))", chunk, limit: chunk.count, cached: false) {
                    out[r.id] = r
                }
            }
            return out
        }
    }

    public func customerID(number: String) throws -> String? {
        try readOnWriter { db in
            var query = FastStatement(try db.cachedStatement(sql: "SELECT customer FROM customer_phones WHERE number = ?"))
            query.bind(number)
            return try query.rows { $0.string(0) }.first
        }
    }

    /// number → customer, for the numbers that belong to someone.
    public func phoneOwners(_ numbers: [String]) throws -> [String: String] {
        try readOnWriter { db in
            var out: [String: String] = [:]
            let statement = try db.cachedStatement(sql: "SELECT customer FROM customer_phones WHERE number = ?")
            for n in Set(numbers) {
                if let owner = try String.fetchOne(statement, arguments: [n]) { out[n] = owner }
            }
            return out
        }
    }

    public func customerCount() throws -> Int {
        try readOnWriter { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM customers") ?? 0 }
    }

    /// The whole record with the newest `interactions` interactions and cooperations,
    /// the flags on its numbers and its open complaints.
    public func profile(customer id: String, interactions limit: Int = 10) throws -> CustomerProfile? {
        try readOnWriter { db in
            guard let record = try ArchiveRows.customers(db, where: "id = ?", [id], limit: 1).first else { return nil }
            var profile = CustomerProfile(record: record)
            var interactions = FastStatement(try db.cachedStatement(sql: """
                SELECT \(ArchiveRows.interactionColumns) FROM interactions i
                LEFT JOIN calls l ON l.serial = i.serial AND l.leg = (SELECT max(leg) FROM calls WHERE serial = i.serial)
                WHERE i.customer = ? ORDER BY i.at DESC, i.id DESC LIMIT ?
                """))
            interactions.bind(id); interactions.bind(limit)
            profile.interactions = try interactions.rows(ArchiveRows.interaction)
            var cooperations = FastStatement(try db.cachedStatement(
                sql: "SELECT customer, on_date, amount, item, recorded_at, recorded_by FROM cooperations WHERE customer = ? ORDER BY on_date DESC, id DESC LIMIT ?"))
            cooperations.bind(id); cooperations.bind(limit)
            profile.cooperations = try cooperations.rows {
                Cooperation(customer: $0.string(0), date: CalendarDate($0.string(1))!, amount: $0.double(2) ?? 0,
                            item: $0.text(3), recordedAt: Instant(milliseconds: $0.int64(4) ?? 0), recordedBy: $0.string(5))
            }
            profile.flags = try Self.flags(numbers: record.phones, db)
            var open = FastStatement(try db.cachedStatement(sql: "SELECT count(*) FROM complaints WHERE customer = ? AND closed_at IS NULL"))
            open.bind(id)
            profile.openComplaints = Int(try open.rows { $0.int64(0) ?? 0 }.first ?? 0)
            return profile
        }
    }

    /// Flags on a number, newest first, those cleared too (`NumberFlag.cleared`).
    public func flags(number: String) throws -> [NumberFlag] {
        try flags(numbers: [number])
    }

    /// Flags on any of these numbers, newest first, those cleared too.
    public func flags(numbers: [String]) throws -> [NumberFlag] {
        try readOnWriter { db in try Self.flags(numbers: numbers, db) }
    }

    static func flags(numbers: [String], _ db: Database) throws -> [NumberFlag] {
        guard !numbers.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: numbers.count).joined(separator: ",")
        var flags = FastStatement(try db.cachedStatement(
            sql: "SELECT \(ArchiveRows.flagColumns) FROM number_flags WHERE number IN (\(marks)) ORDER BY flagged_at DESC, id DESC"))
        for number in numbers { flags.bind(number) }
        return try flags.rows(ArchiveRows.flag)
    }

    // MARK: - Audit, export, regrade

    /// Audit entries, newest first.
    public func auditEntries(customer: String? = nil, agent: AgentID? = nil, limit: Int = 100) throws -> [AuditEntry] {
        try readOnWriter { db in
            var conditions: [String] = []
            var values: [String] = []
            if let customer { conditions.append("customer = ?"); values.append(customer) }
            if let agent { conditions.append("agent = ?"); values.append(agent) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            var query = FastStatement(try db.cachedStatement(sql: "SELECT \(ArchiveRows.auditColumns) FROM audit_log \(filter) ORDER BY at DESC, id DESC LIMIT ?"))
            for value in values { query.bind(value) }
            query.bind(max(0, limit))
            return try query.rows(ArchiveRows.audit)
        }
    }

    /// A page of customers by id (after `after`), for export.
    public func exportCustomers(after: String?, limit: Int) throws -> [CustomerRecord] {
        try readOnWriter { db in try ArchiveRows.customers(db, where: "id > ?", [after ?? ""], limit: limit) }
    }

    /// A page of customers by id with what their cooperation records say as of `date`
    /// (nil history: no records, so their scores are kept as imported).
    public func regradePage(after: String?, limit: Int, asOf date: CalendarDate) throws -> [(CustomerRecord, CooperationHistory?)] {
        try readOnWriter { db in
            let records = try ArchiveRows.customers(db, where: "id > ?", [after ?? ""], limit: limit)
            let statement = try db.cachedStatement(sql: """
                SELECT max(on_date) AS last, count(*) AS n, total(amount) AS amount,
                       (SELECT count(*) FROM cooperations c2 WHERE c2.customer = ?1) AS any
                FROM cooperations WHERE customer = ?1 AND on_date > ?2 AND on_date <= ?3
                """)
            let from = date.monthsBefore(12).description
            return try records.map { r in
                let row = try Row.fetchOne(statement, arguments: [r.id, from, date.description])!
                guard (row["any"] as Int) > 0 else { return (r, nil) }
                let last = try String.fetchOne(db.cachedStatement(sql: "SELECT max(on_date) FROM cooperations WHERE customer = ? AND on_date <= ?"),
                                               arguments: [r.id, date.description]).flatMap(CalendarDate.init)
                let latest = [last, r.lastCooperation.flatMap { $0 <= date ? $0 : nil }].compactMap { $0 }.max()
                return (r, CooperationHistory(lastCooperation: latest, countLast12Months: row["n"], amountLast12Months: row["amount"]))
            }
        }
    }

    // MARK: - Calls

    /// The last life of a call id in the call log.
    public func loggedCall(_ call: CallID) throws -> LoggedCall? {
        try readOnWriter { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT serial, caller, caller_info, offered_at FROM calls WHERE call = ? ORDER BY serial DESC, leg DESC LIMIT 1"),
                                             arguments: [call]) else { return nil }
            let serial: Int64 = row["serial"]
            let agents = try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT agent FROM calls WHERE serial = ? AND agent IS NOT NULL"), arguments: [serial])
            let caller = try (row["caller_info"] as String?).map { try JSONDecoder().decode(CallerInfo.self, from: Data($0.utf8)) }
            return LoggedCall(serial: UInt64(serial), from: row["caller"], caller: caller, offeredAt: Instant(milliseconds: row["offered_at"]), agents: agents)
        }
    }

    /// The registration of a call's life (by serial), if it has one.
    public func registration(serial: UInt64) throws -> Interaction? {
        try readOnWriter { db in
            var query = FastStatement(try db.cachedStatement(sql: """
                SELECT \(ArchiveRows.interactionColumns) FROM interactions i LEFT JOIN calls l ON 0
                WHERE i.serial = ? AND i.category IS NOT NULL
                """))
            query.bind(Int64(serial))
            return try query.rows(ArchiveRows.interaction).first
        }
    }

    // MARK: - Direct writes (tests and tools; the daemon commits through `commit`)

    /// Applies archive changes in a transaction of their own.
    public func applyArchive(_ changes: [ArchiveChange]) throws {
        try writer.write { db in try ArchiveWriter.apply(changes, in: db) }
    }
}
