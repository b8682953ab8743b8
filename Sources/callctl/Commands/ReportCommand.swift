import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl report …`: reports computed by the daemon from its database, as CSV.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the daemon's database, as CSV on standard output.",
        subcommands: [CallsReport.self, ComplaintsReport.self])
}

/// `callctl report calls [--from DATE] [--to DATE] [--queue Q] [--by day|hour]` → `calls.report`.
struct CallsReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Calls per queue and day (or hour): offered, answered, abandoned, service level, ASA, AHT, talk and hold.",
        discussion: """
            One CSV row per period and queue, then a 'total' row per queue, from the call log: \
            the call legs offered from --from to --to (local days, both included), each in the \
            period of its offer. The figures are those of 'callctl stats' (docs/protocol.md, stats). \
            With --group agent, one row per period and agent: the calls each answered.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("First local day, YYYY-MM-DD (default: the beginning).", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Last local day, YYYY-MM-DD (default: today).", valueName: "date")) var to: String?
    @Option(help: ArgumentHelp("One queue (default: every queue).", valueName: "queue")) var queue: String?
    @Option(help: ArgumentHelp("Periods: day or hour.", valueName: "day|hour")) var by: String = "day"
    @Option(help: ArgumentHelp("Rows per queue, or per agent (the calls each answered).", valueName: "queue|agent")) var group: String = "queue"

    static let columns = [
        "period", "queue", "offered", "answered", "abandoned", "short_abandoned", "answered_within_threshold",
        "abandoned_after_threshold", "service_level", "service_level_threshold", "abandon_rate", "asa", "aht", "handled",
        "mean_talk", "mean_hold", "timed_out", "rejected",
    ]
    static let agentColumns = ["period", "agent", "answered", "answered_within_threshold", "asa", "handled", "aht", "mean_talk", "mean_hold"]

    func validate() throws {
        try ComplaintsReport.validateDates(from: from, to: to)
        guard by == "day" || by == "hour" else { throw ValidationError("--by must be day or hour, not '\(by)'") }
        guard group == "queue" || group == "agent" else { throw ValidationError("--group must be queue or agent, not '\(group)'") }
    }

    func run() throws {
        var fields: [String: Any] = ["by": by, "group": group]
        if let from { fields["from"] = from }
        if let to { fields["to"] = to }
        if let queue { fields["queue"] = queue }
        try reportingErrors {
            let result = try global.call("calls.report", fields, defaultRole: "supervisor")
            if global.json { return printJSON(result) }
            let rows = (result["rows"] as? [[String: Any]] ?? []) + (result["totals"] as? [[String: Any]] ?? [])
            print(ComplaintsReport.csv(rows, columns: group == "agent" ? Self.agentColumns : Self.columns), terminator: "")
        }
    }
}

/// `callctl report complaints [--from DATE] [--to DATE]` → `complaint.report`.
struct ComplaintsReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaints",
        abstract: "Complaints per day, tier and agent: opened, closed, SLA met vs breached, mean time to each step.",
        discussion: """
            One CSV row per day, per tier and per agent (the agent holding the complaint). Counts \
            the complaints opened from --from to --to (local days, both included); on day rows, \
            'closed' counts those closed that day. Times are mean seconds from opening to the step.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("First local day, YYYY-MM-DD (default: the beginning).", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Last local day, YYYY-MM-DD (default: today).", valueName: "date")) var to: String?

    static let columns = [
        "dimension", "key", "opened", "closed", "sla_met", "sla_breached", "sla_pending",
        "mean_to_calm", "mean_to_solution", "mean_to_action", "mean_to_thanks",
    ]

    func validate() throws { try Self.validateDates(from: from, to: to) }

    static func validateDates(from: String?, to: String?) throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            guard let value else { continue }
            let parts = value.split(separator: "-")
            guard parts.count == 3, parts[0].count == 4, parts.allSatisfy({ Int($0) != nil }) else {
                throw ValidationError("\(name) must be a date like 2026-11-23, not '\(value)'")
            }
        }
    }

    func run() throws {
        var fields: [String: Any] = [:]
        if let from { fields["from"] = from }
        if let to { fields["to"] = to }
        try reportingErrors {
            let result = try global.call("complaint.report", fields, defaultRole: "supervisor")
            if global.json { return printJSON(result) }
            print(Self.csv(result["rows"] as? [[String: Any]] ?? [], columns: Self.columns), terminator: "")
        }
    }

    /// The rows as CSV (RFC 4180), header first; seconds with one decimal, empty when unknown.
    static func csv(_ rows: [[String: Any]], columns: [String]) -> String {
        var out = columns.joined(separator: ",") + "\n"
        for row in rows {
            out += columns.map { column -> String in
                let value = row[column]
                if column.hasPrefix("mean_") || column == "asa" || column == "aht" {
                    return Format.seconds(value).map { String(format: "%.1f", $0) } ?? ""
                }
                if value is NSNull { return "" }
                return field(Format.value(value))
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
