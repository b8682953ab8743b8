import CallCenterArchive
import CallCenterCore
import Foundation
import GRDB

/// A customer's whole record as `caller.profile` returns it.
public struct CustomerProfile: Sendable, Equatable {
    public var record: CustomerRecord
    /// Newest first.
    public var interactions: [Interaction]
    /// Newest first.
    public var cooperations: [Cooperation]
    /// Marks on the customer's numbers.
    public var flags: [NumberFlag]
    public var openComplaints: Int

    public init(record: CustomerRecord, interactions: [Interaction] = [], cooperations: [Cooperation] = [], flags: [NumberFlag] = [], openComplaints: Int = 0) {
        self.record = record
        self.interactions = interactions
        self.cooperations = cooperations
        self.flags = flags
        self.openComplaints = openComplaints
    }
}

/// One entry of the interaction history: a call, with its registration and, from
/// the call log, how it went.
public struct Interaction: Sendable, Equatable {
    public var kind: String
    public var call: CallID?
    public var serial: UInt64?
    public var number: String
    public var at: Instant
    public var category: CallCategory?
    public var summary: String?
    public var agent: AgentID?
    public var registeredBy: String?
    public var registeredAt: Instant?
    /// From the call log: the last leg's outcome and talk seconds.
    public var outcome: String?
    public var talk: Double?

    public init(kind: String = "call", call: CallID?, serial: UInt64?, number: String, at: Instant, category: CallCategory? = nil,
                summary: String? = nil, agent: AgentID? = nil, registeredBy: String? = nil, registeredAt: Instant? = nil) {
        self.kind = kind
        self.call = call
        self.serial = serial
        self.number = number
        self.at = at
        self.category = category
        self.summary = summary
        self.agent = agent
        self.registeredBy = registeredBy
        self.registeredAt = registeredAt
    }
}

/// Rows of the archive tables as values.
enum ArchiveRows {
    static let decoder = JSONDecoder()

    static func customer(_ row: Row, phones: [String]) throws -> CustomerRecord {
        var r = CustomerRecord(id: row["id"], name: row["name"])
        r.company = row["company"]
        r.industry = row["industry"]
        r.size = row["size"]
        r.contact = row["contact"]
        r.phones = phones
        r.address = row["address"]
        r.birthday = (row["birthday"] as String?).flatMap(CalendarDate.init)
        r.language = row["language"]
        r.needs = row["needs"]
        r.decisionChain = row["decision_chain"]
        r.lastFeedback = row["last_feedback"]
        r.lastCooperation = (row["last_cooperation"] as String?).flatMap(CalendarDate.init)
        r.amount = row["amount"]
        r.tags = try decoder.decode([String].self, from: Data((row["tags"] as String).utf8))
        r.notes = row["notes"]
        r.accountManager = row["account_manager"]
        r.scores = Scores(r: row["r_score"], f: row["f_score"], m: row["m_score"], custom: row["custom_score"])
        r.tier = (row["tier"] as String?).flatMap(CustomerTier.init(rawValue:))
        r.tierIsManual = (row["tier_manual"] as Int) == 1
        return r
    }

    /// Customers whose ids are selected by `condition` (on `customers`, ordered by id), with their phones.
    /// Statements are cached (compiled once per connection) unless `condition`
    /// varies with its arguments (`IN (?, ?, …)` lists): pass `cached: false` then.
    static func customers(_ db: Database, where condition: String, _ arguments: StatementArguments, limit: Int,
                          cached: Bool = true) throws -> [CustomerRecord] {
        let sql = "SELECT * FROM customers WHERE \(condition) ORDER BY id LIMIT ?"
        let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        var all = arguments
        _ = all.append(contentsOf: [limit])
        let rows = try Row.fetchAll(statement, arguments: all)
        guard !rows.isEmpty else { return [] }
        var phones: [String: [String]] = [:]
        if rows.count == 1 {
            let id: String = rows[0]["id"]
            let statement = try db.cachedStatement(sql: "SELECT number FROM customer_phones WHERE customer = ? ORDER BY position")
            phones[id] = try String.fetchAll(statement, arguments: [id])
        } else {
            let ids = rows.map { $0["id"] as String }
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT customer, number FROM customer_phones WHERE customer IN (\(marks)) ORDER BY customer, position",
                                            arguments: StatementArguments(chunk)) {
                    phones[row["customer"], default: []].append(row["number"])
                }
            }
        }
        return try rows.map { try customer($0, phones: phones[$0["id"] as String] ?? []) }
    }

    static func interaction(_ row: Row) -> Interaction {
        var i = Interaction(
            kind: row["kind"], call: row["call"], serial: (row["serial"] as Int64?).map(UInt64.init), number: row["number"],
            at: Instant(milliseconds: row["at"]), category: (row["category"] as String?).flatMap(CallCategory.init(rawValue:)),
            summary: row["summary"], agent: row["agent"], registeredBy: row["registered_by"],
            registeredAt: (row["registered_at"] as Int64?).map(Instant.init(milliseconds:))
        )
        i.outcome = row["outcome"]
        i.talk = row["talk"]
        if i.agent == nil { i.agent = row["call_agent"] }
        return i
    }

    static func flag(_ row: Row) -> NumberFlag {
        NumberFlag(number: row["number"], flag: NumberFlagKind(rawValue: row["flag"]) ?? .threat, by: row["flagged_by"],
                   at: Instant(milliseconds: row["flagged_at"]), reason: row["reason"], call: row["call"])
    }

    static func audit(_ row: Row) -> AuditEntry {
        AuditEntry(at: Instant(milliseconds: row["at"]), role: row["role"], agent: row["agent"], customer: row["customer"], call: row["call"],
                   action: AuditEntry.Action(rawValue: row["action"]) ?? .profile, detail: row["detail"])
    }
}
