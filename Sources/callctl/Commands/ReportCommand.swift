import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl report …`: reports computed by the daemon from its database, as CSV.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the daemon's database, as CSV on standard output.",
        subcommands: [ComplaintsReport.self])
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

    func validate() throws {
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
            print(Self.csv(result["rows"] as? [[String: Any]] ?? []), terminator: "")
        }
    }

    /// The rows as CSV (RFC 4180), header first; seconds with one decimal, empty when unknown.
    static func csv(_ rows: [[String: Any]]) -> String {
        var out = columns.joined(separator: ",") + "\n"
        for row in rows {
            out += columns.map { column -> String in
                let value = row[column]
                if column.hasPrefix("mean_to_") {
                    return Format.seconds(value).map { String(format: "%.1f", $0) } ?? ""
                }
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
