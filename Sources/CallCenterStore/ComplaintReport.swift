import CallCenterCore
import GRDB

/// One line of the complaints report: a day, a tier or an agent, and its figures.
///
/// Complaints counted are those opened in the report's range, except `closed` on
/// a `day` line, which counts the complaints closed that day.
public struct ComplaintReportRow: Sendable, Equatable {
    public enum Dimension: String, Sendable, CaseIterable {
        /// A local day (`2026-11-23`).
        case day
        /// A customer tier (`high_value` … `unknown`).
        case tier
        /// The agent holding the complaint.
        case agent
    }

    public var dimension: Dimension
    public var key: String
    public var opened = 0
    public var closed = 0
    /// `action` reached by the due time.
    public var slaMet = 0
    /// The due time passed before `action`.
    public var slaBreached = 0
    /// Neither yet: `action` not reached, the due time not passed.
    public var slaPending = 0
    /// Mean seconds from opening to each later step, over the complaints that reached it.
    public var meanSecondsTo: [ComplaintStep: Double] = [:]

    public init(dimension: Dimension, key: String) {
        self.dimension = dimension
        self.key = key
    }
}

/// The range and local time of a report.
public struct ComplaintReportQuery: Sendable, Equatable {
    /// Opened at or after (ms since the epoch); nil: from the start.
    public var from: Instant?
    /// Opened before; nil: until now.
    public var until: Instant?
    /// Local time's offset from UTC, for days.
    public var utcOffsetSeconds: Int

    public init(from: Instant? = nil, until: Instant? = nil, utcOffsetSeconds: Int = 0) {
        self.from = from
        self.until = until
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}

extension CallCenterStore {
    /// Complaints opened and closed per day, time to each step, SLA met vs breached,
    /// by tier and by agent: computed by SQL on the projections.
    public func complaintReport(_ query: ComplaintReportQuery) throws -> [ComplaintReportRow] {
        try readOnWriter { db in try ComplaintReportSQL.rows(query, db) }
    }
}

enum ComplaintReportSQL {
    static let steps: [ComplaintStep] = [.calm, .solution, .action, .thanks]

    static func rows(_ query: ComplaintReportQuery, _ db: Database) throws -> [ComplaintReportRow] {
        let arguments: StatementArguments = [
            "from": query.from?.milliseconds ?? Int64.min, "until": query.until?.milliseconds ?? Int64.max,
            "offset": query.utcOffsetSeconds,
        ]
        var rows: [ComplaintReportRow] = []
        let keys: [(ComplaintReportRow.Dimension, String)] = [
            (.day, "date(opened_at / 1000 + :offset, 'unixepoch')"), (.tier, "tier"), (.agent, "held_by"),
        ]
        for (dimension, key) in keys {
            var found = try Row.fetchAll(db, sql: grouped(by: key), arguments: arguments).map { row(dimension, $0) }
            if dimension == .day {
                found = try mergeClosedPerDay(into: found, arguments, db)
            }
            rows += found
        }
        return rows
    }

    /// The figures of the complaints opened in range, grouped by `key`.
    static func grouped(by key: String) -> String {
        let stepTimes = steps.map { step in
            "(SELECT at FROM complaint_steps s WHERE s.complaint = k.id AND s.step = '\(step.rawValue)') AS \(step.rawValue)_at"
        }.joined(separator: ",\n")
        let means = steps.map { "avg((\($0.rawValue)_at - opened_at) / 1000.0) AS to_\($0.rawValue)" }.joined(separator: ", ")
        return """
            WITH c AS (
                SELECT k.id, k.tier, k.held_by, k.opened_at, k.closed_at, k.sla_due, k.breached,
                       \(stepTimes)
                FROM complaints k WHERE k.opened_at >= :from AND k.opened_at < :until
            )
            SELECT \(key) AS key, count(*) AS opened, count(closed_at) AS closed,
                   sum(breached = 0 AND action_at IS NOT NULL AND action_at <= sla_due) AS met,
                   sum(breached = 1 OR (action_at IS NOT NULL AND action_at > sla_due)) AS missed,
                   sum(breached = 0 AND action_at IS NULL) AS pending,
                   \(means)
            FROM c GROUP BY key ORDER BY key
            """
    }

    static func row(_ dimension: ComplaintReportRow.Dimension, _ r: Row) -> ComplaintReportRow {
        var row = ComplaintReportRow(dimension: dimension, key: r["key"] ?? "")
        row.opened = r["opened"]
        row.closed = r["closed"]
        row.slaMet = r["met"] ?? 0
        row.slaBreached = r["missed"] ?? 0
        row.slaPending = r["pending"] ?? 0
        for step in steps {
            if let mean: Double = r["to_\(step.rawValue)"] { row.meanSecondsTo[step] = mean }
        }
        return row
    }

    /// On `day` lines, `closed` counts the complaints closed that day (in range).
    static func mergeClosedPerDay(into rows: [ComplaintReportRow], _ arguments: StatementArguments, _ db: Database) throws -> [ComplaintReportRow] {
        let closed = try Row.fetchAll(db, sql: """
            SELECT date(closed_at / 1000 + :offset, 'unixepoch') AS day, count(*) AS n
            FROM complaints WHERE closed_at IS NOT NULL AND closed_at >= :from AND closed_at < :until
            GROUP BY day
            """, arguments: arguments)
        var byDay: [String: ComplaintReportRow] = [:]
        for var row in rows {
            row.closed = 0
            byDay[row.key] = row
        }
        for r in closed {
            let day: String = r["day"]
            byDay[day, default: ComplaintReportRow(dimension: .day, key: day)].closed = r["n"]
        }
        return byDay.values.sorted { $0.key < $1.key }
    }
}
