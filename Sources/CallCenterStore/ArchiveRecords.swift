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
    /// Marks on the customer's numbers, newest first, cleared ones too (`NumberFlag.cleared`).
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
    /// From the call log: the last leg's outcome, talk and hold seconds.
    public var outcome: String?
    public var talk: Double?
    public var hold: Double?

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

/// Rows of the archive tables as values, read by column position through
/// SQLite's C API (`FastStatement`): GRDB's `Row` looks each column up by a
/// lowercased name, which cost more than the query itself for a profile.
enum ArchiveRows {
    static let decoder = JSONDecoder()

    /// The columns `customer(_:phones:)` reads, in order.
    static let customerColumns = """
        id, name, company, industry, size, contact, address, birthday, language, needs, decision_chain, last_feedback,
        last_cooperation, amount, tags, notes, account_manager, r_score, f_score, m_score, custom_score, tier, tier_manual
        """

    static func customer(_ row: FastStatement.Columns, phones: [String]) throws -> CustomerRecord {
        var r = CustomerRecord(id: row.string(0), name: row.string(1))
        r.company = row.text(2)
        r.industry = row.text(3)
        r.size = row.text(4)
        r.contact = row.text(5)
        r.phones = phones
        r.address = row.text(6)
        r.birthday = row.text(7).flatMap(CalendarDate.init)
        r.language = row.text(8)
        r.needs = row.text(9)
        r.decisionChain = row.text(10)
        r.lastFeedback = row.text(11)
        r.lastCooperation = row.text(12).flatMap(CalendarDate.init)
        r.amount = row.double(13)
        let tags = row.string(14)
        r.tags = tags == "[]" ? [] : try decoder.decode([String].self, from: Data(tags.utf8))
        r.notes = row.text(15)
        r.accountManager = row.text(16)
        r.scores = Scores(r: row.double(17), f: row.double(18), m: row.double(19), custom: row.double(20))
        r.tier = row.text(21).flatMap(CustomerTier.init(rawValue:))
        r.tierIsManual = row.int64(22) == 1
        return r
    }

    /// Customers whose ids are selected by `condition` (on `customers`, ordered by id), with their phones.
    /// Statements are cached (compiled once per connection) unless `condition`
    /// varies with its arguments (`IN (?, ?, …)` lists): pass `cached: false` then.
    static func customers(_ db: Database, where condition: String, _ arguments: [String], limit: Int,
                          cached: Bool = true) throws -> [CustomerRecord] {
        let sql = "SELECT \(customerColumns) FROM customers WHERE \(condition) ORDER BY id LIMIT ?"
        var query = FastStatement(cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql))
        for argument in arguments { query.bind(argument) }
        query.bind(limit)
        // The rows first, then their phones (one statement at a time).
        var records = try query.rows { try customer($0, phones: []) }
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.id)
        var phones: [String: [String]] = [:]
        if ids.count == 1 {
            var statement = FastStatement(try db.cachedStatement(sql: "SELECT number FROM customer_phones WHERE customer = ? ORDER BY position"))
            statement.bind(ids[0])
            phones[ids[0]] = try statement.rows { $0.string(0) }
        } else {
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                var statement = FastStatement(try db.makeStatement(
                    sql: "SELECT customer, number FROM customer_phones WHERE customer IN (\(marks)) ORDER BY customer, position"))
                for id in chunk { statement.bind(id) }
                try statement.forEachRow { phones[$0.string(0), default: []].append($0.string(1)) }
            }
        }
        for i in records.indices { records[i].phones = phones[records[i].id] ?? [] }
        return records
    }

    /// The columns `interaction(_:)` reads, in order (`i` is `interactions`, `l` the call's last leg).
    static let interactionColumns = """
        i.kind, i.call, i.serial, i.number, i.at, i.category, i.summary, i.agent, i.registered_by, i.registered_at,
        l.outcome, l.talk, l.agent, l.hold
        """

    static func interaction(_ row: FastStatement.Columns) -> Interaction {
        var i = Interaction(
            kind: row.string(0), call: row.text(1), serial: row.int64(2).map(UInt64.init), number: row.string(3),
            at: Instant(milliseconds: row.int64(4) ?? 0), category: row.text(5).flatMap(CallCategory.init(rawValue:)),
            summary: row.text(6), agent: row.text(7), registeredBy: row.text(8), registeredAt: row.int64(9).map(Instant.init(milliseconds:))
        )
        i.outcome = row.text(10)
        i.talk = row.double(11)
        if i.agent == nil { i.agent = row.text(12) }
        i.hold = row.double(13)
        return i
    }

    /// The columns `flag(_:)` reads, in order.
    static let flagColumns = "number, flag, flagged_by, flagged_at, reason, call, cleared_at, cleared_by, cleared_reason"

    static func flag(_ row: FastStatement.Columns) -> NumberFlag {
        NumberFlag(number: row.string(0), flag: row.text(1).flatMap(NumberFlagKind.init(rawValue:)) ?? .threat, by: row.string(2),
                   at: Instant(milliseconds: row.int64(3) ?? 0), reason: row.string(4), call: row.text(5),
                   cleared: row.int64(6).map { NumberFlag.Clearing(by: row.text(7) ?? "", at: Instant(milliseconds: $0), reason: row.text(8) ?? "") })
    }

    /// The columns `audit(_:)` reads, in order.
    static let auditColumns = "at, role, agent, customer, call, action, detail"

    static func audit(_ row: FastStatement.Columns) -> AuditEntry {
        AuditEntry(at: Instant(milliseconds: row.int64(0) ?? 0), role: row.string(1), agent: row.text(2), customer: row.string(3), call: row.text(4),
                   action: row.text(5).flatMap(AuditEntry.Action.init(rawValue:)) ?? .profile, detail: row.text(6))
    }
}
