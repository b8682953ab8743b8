import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl complaints …`: the complaint queue, one complaint, and the workflow's steps.
struct ComplaintsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaints",
        abstract: "List, show and reassign complaints; open them and take their steps.",
        discussion: """
            Steps go strictly in order: accept (complaint open) → calm → solution → action → thanks. \
            solution and action need --note. See docs/complaints.md.
            """,
        subcommands: [List.self, Show.self, Assign.self, Open.self, Step.self],
        defaultSubcommand: List.self)

    /// `callctl complaints list [--state open|closed|all]` → `complaint.list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List complaints: open ones oldest first, closed ones newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("open, closed or all.", valueName: "state")) var state = "open"
        @Option(help: ArgumentHelp("At most this many closed complaints.", valueName: "n")) var limit = 100

        func validate() throws {
            guard ["open", "closed", "all"].contains(state) else { throw ValidationError("--state must be open, closed or all, not '\(state)'") }
        }

        func run() throws {
            var fields: [String: Any] = ["limit": limit]
            if state != "all" { fields["state"] = state }
            try reportingErrors {
                let result = try global.call("complaint.list", fields, defaultRole: "supervisor")
                if global.json { return printJSON(result) }
                let complaints = result["complaints"] as? [[String: Any]] ?? []
                if complaints.isEmpty { return print("no \(state == "all" ? "" : state + " ")complaints") }
                print(List.table(complaints).render())
            }
        }

        static func table(_ complaints: [[String: Any]], now: Date = Date()) -> Table {
            var table = Table(["COMPLAINT", "CUSTOMER", "TIER", "STEP", "HELD BY", "OPENED", "SLA", "SUMMARY"])
            let line = ComplaintLine(colored: false)
            for c in complaints {
                table.append([
                    Agents.cell(c["complaint"]), Agents.cell(c["customer"]), Agents.cell(c["tier"]), Agents.cell(c["step"]),
                    Agents.cell(c["held_by"]), Agents.since(c["opened_at"], now: now),
                    c["state"] as? String == "closed" && c["sla_met"] as? Bool != false ? "SLA met" : line.sla(c, at: now),
                    Agents.cell(c["summary"]),
                ])
            }
            return table
        }
    }

    /// `callctl complaints show ID` → `complaint.get`: the record, its calls and its step log.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a complaint: its record, calls and every step taken.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The complaint id (CP-000001).") var complaint: String

        func run() throws {
            try reportingErrors {
                let result = try global.call("complaint.get", ["complaint": complaint], defaultRole: "supervisor")
                if global.json { return printJSON(result) }
                var record = result
                let steps = record.removeValue(forKey: "steps") as? [[String: Any]] ?? []
                let calls = record.removeValue(forKey: "calls") as? [[String: Any]] ?? []
                record["sla"] = ComplaintLine(colored: false).sla(result, at: Date())
                print(Format.record(record, first: ["complaint", "state", "step", "next_step", "customer", "customer_name", "tier",
                                                    "summary", "opened_by", "held_by", "sla", "sla_due", "breached"]))
                print("\ncalls:")
                var callTable = Table(["CALL", "AGENT", "LINKED", "KIND"])
                for c in calls {
                    callTable.append([Agents.cell(c["call"]), Agents.cell(c["agent"]), Agents.since(c["at"], now: Date()),
                                      c["follow_up"] as? Bool == true ? "follow-up" : "origin"])
                }
                print(callTable.render())
                print("\nsteps:")
                var stepTable = Table(["STEP", "AGENT", "AT", "CALL", "NOTE"])
                for s in steps {
                    let at = Format.date(s["at"]).map { Format.localTime($0) } ?? "-"
                    stepTable.append([Agents.cell(s["step"]), Agents.cell(s["agent"]), at, Agents.cell(s["call"]), Agents.cell(s["note"])])
                }
                print(stepTable.render())
            }
        }
    }

    /// `callctl complaints assign ID AGENT` → `complaint.assign`.
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hand a complaint to another agent (the agent is notified).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The complaint id.") var complaint: String
        @Argument(help: "The agent who holds it from now on.") var holder: String

        func run() throws {
            try reportingErrors {
                let result = try global.call("complaint.assign", ["complaint": complaint, "agent": holder], defaultRole: "supervisor")
                if global.json { return printJSON(result) }
                print("\(complaint) is now held by \(Agents.cell(result["held_by"]))")
            }
        }
    }

    /// `callctl complaints open CALL --summary TEXT` → `complaint.open` (as an agent, or an admin with --agent).
    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a complaint on a call you are on or wrapping up (records step accept).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call id.") var call: String
        @Option(help: ArgumentHelp("What the customer complains about.", valueName: "text")) var summary: String

        func run() throws {
            var fields: [String: Any] = ["call": call, "summary": summary]
            if let agent = global.agent { fields["agent"] = agent }
            try reportingErrors {
                let result = try global.call("complaint.open", fields)
                if global.json { return printJSON(result) }
                print("\(Agents.cell(result["complaint"])) opened (step accept); \(ComplaintLine(colored: false).sla(result, at: Date()))")
            }
        }
    }

    /// `callctl complaints step ID STEP [--note TEXT] [--call CALL]` → `complaint.step`.
    struct Step: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a complaint's next step: calm, solution, action or thanks.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The complaint id.") var complaint: String
        @Argument(help: "calm, solution, action or thanks.") var step: String
        @Option(help: ArgumentHelp("What was said or done (needed for solution and action).", valueName: "text")) var note: String?
        @Option(help: ArgumentHelp("A follow-up call this step is taken on.", valueName: "call")) var call: String?

        func run() throws {
            var fields: [String: Any] = ["complaint": complaint, "step": step]
            if let note { fields["note"] = note }
            if let call { fields["call"] = call }
            if let agent = global.agent { fields["agent"] = agent }
            try reportingErrors {
                let result = try global.call("complaint.step", fields)
                if global.json { return printJSON(result) }
                let next = (result["next_step"] as? String).map { "next: \($0)" } ?? "closed"
                print("\(complaint): \(step) recorded; \(next)")
            }
        }
    }
}
