import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl audit`: who read which customer record, when, through which call.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List reads of customer records (audit.list), newest first.")
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only reads of this customer.", valueName: "id")) var customer: String?
    @Option(name: .customLong("by"), help: ArgumentHelp("Only reads by this agent.", valueName: "agent")) var byAgent: String?
    @Option(help: ArgumentHelp("At most this many entries.", valueName: "n")) var limit = 100

    func run() throws {
        var fields: [String: Any] = ["limit": limit]
        if let customer { fields["customer"] = customer }
        if let byAgent { fields["agent"] = byAgent }
        try reportingErrors {
            let r = try global.call("audit.list", fields, defaultRole: "supervisor")
            if global.json { return printJSON(r) }
            let entries = r["entries"] as? [[String: Any]] ?? []
            if entries.isEmpty { return print("no reads recorded") }
            var table = Table(["AT", "ROLE", "AGENT", "CUSTOMER", "CALL", "ACTION", "DETAIL"])
            for e in entries {
                let at = Format.date(e["at"]).map { Format.localTime($0) } ?? Agents.cell(e["at"])
                table.append([at, Agents.cell(e["role"]), Agents.cell(e["agent"]), Agents.cell(e["customer"]), Agents.cell(e["call"]),
                              Agents.cell(e["action"]), Agents.cell(e["detail"])])
            }
            print(table.render())
        }
    }
}
