import ArgumentParser
import CallCenterArchive
import CallCenterClient
import Foundation

/// `callctl customer …`: one customer record.
struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Show or change one customer record.",
        subcommands: [Show.self, Set_.self, Cooperation.self])

    /// `callctl customer show ID` → `caller.profile` (audited).
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a customer's whole record, its last interactions and flags (the read is audited).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's archive id (or use --number / --call).") var id: String?
        @Option(help: ArgumentHelp("Find the customer by a phone number, in any spelling.", valueName: "number")) var number: String?
        @Option(help: ArgumentHelp("Find the customer by a call id.", valueName: "call")) var call: String?

        func validate() throws {
            guard [id, number, call].compactMap({ $0 }).count == 1 else { throw ValidationError("give exactly one of ID, --number or --call") }
        }

        func run() throws {
            var fields: [String: Any] = [:]
            if let id { fields["customer"] = id }
            if let number { fields["number"] = number }
            if let call { fields["call"] = call }
            try reportingErrors {
                let r = try global.call("caller.profile", fields)
                if global.json { return printJSON(r) }
                print(Self.render(r))
            }
        }

        static func render(_ r: [String: Any]) -> String {
            let nested: Set<String> = ["scores", "grade", "interactions", "cooperations", "flag_log"]
            var record = r.filter { !nested.contains($0.key) && !($0.value is NSNull) }
            if let phones = r["phones"] as? [String] { record["phones"] = phones.joined(separator: ", ") }
            if let tags = r["tags"] as? [String] { record["tags"] = tags.joined(separator: ", ") }
            if let flags = r["flags"] as? [String] { record["flags"] = flags.isEmpty ? "-" : flags.joined(separator: ", ") }
            var out = Format.record(record, first: ["id", "name", "company", "tier", "account_manager", "phones", "flags", "open_complaints"])
            let s = r["scores"] as? [String: Any] ?? [:]
            out += "\nscores: R \(Agents.cell(s["r"]))  F \(Agents.cell(s["f"]))  M \(Agents.cell(s["m"]))  custom \(Agents.cell(s["custom"]))"
                + "  → composite \(Agents.cell(s["composite"]))"
            if let grade = r["grade"] as? [String: Any] { out += " (\(Agents.cell(grade["tier"])): \(Agents.cell(grade["reason"])))" }
            let interactions = r["interactions"] as? [[String: Any]] ?? []
            if !interactions.isEmpty {
                var table = Table(["AT", "CALL", "NUMBER", "AGENT", "CATEGORY", "OUTCOME", "SUMMARY"])
                for i in interactions {
                    let at = Format.date(i["at"]).map { Format.localTime($0) } ?? Agents.cell(i["at"])
                    table.append([at, Agents.cell(i["call"]), Agents.cell(i["number"]), Agents.cell(i["agent"]), Agents.cell(i["category"]),
                                  Agents.cell(i["outcome"]), Agents.cell(i["summary"])])
                }
                out += "\n\nlast interactions:\n" + table.render()
            }
            let cooperations = r["cooperations"] as? [[String: Any]] ?? []
            if !cooperations.isEmpty {
                var table = Table(["DATE", "AMOUNT (万元)", "ITEM"], rightAligned: [1])
                for c in cooperations { table.append([Agents.cell(c["date"]), Agents.cell(c["amount"]), Agents.cell(c["item"])]) }
                out += "\n\ncooperations:\n" + table.render()
            }
            return out
        }
    }

    /// `callctl customer set ID field=value …` → `customer.upsert`.
    struct Set_: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Create or change a customer: field=value pairs (an empty value clears the field).",
            discussion: "Fields: \(CustomerField.allCases.map(\.rawValue).joined(separator: ", ")). Lists (phones, tags) separate items with ';'.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's archive id, like C001.") var id: String
        @Argument(help: ArgumentHelp("Fields to set.", valueName: "field=value")) var assignments: [String] = []

        func run() throws {
            var customer: [String: Any] = ["id": id]
            for assignment in assignments {
                guard let eq = assignment.firstIndex(of: "="), CustomerField(rawValue: String(assignment[..<eq])) != nil else {
                    throw ValidationError("'\(assignment)' is not field=value with a customer field: \(CustomerField.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let value = String(assignment[assignment.index(after: eq)...])
                customer[String(assignment[..<eq])] = value.isEmpty ? NSNull() : value
            }
            try reportingErrors {
                let r = try global.call("customer.upsert", ["customer": customer])
                if global.json { return printJSON(r) }
                let c = r["customer"] as? [String: Any] ?? [:]
                print("customer \(id) \(r["created"] as? Bool == true ? "created" : "updated"); tier \(Agents.cell(c["tier"]))")
            }
        }
    }

    /// `callctl customer cooperation ID --date D --amount A` → `customer.cooperation`.
    struct Cooperation: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a cooperation (purchase): its date and amount in 万元.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer's archive id.") var id: String
        @Option(help: ArgumentHelp("The date of the cooperation.", valueName: "YYYY-MM-DD")) var date: String
        @Option(help: ArgumentHelp("The amount, in 万元 (10,000 CNY).", valueName: "amount")) var amount: Double
        @Option(help: ArgumentHelp("What was bought.", valueName: "text")) var item: String?

        func run() throws {
            var fields: [String: Any] = ["customer": id, "date": date, "amount": amount]
            if let item { fields["item"] = item }
            try reportingErrors {
                let r = try global.call("customer.cooperation", fields)
                if global.json { return printJSON(r) }
                print("cooperation of \(id) on \(date) recorded: \(Format.value(r["amount"])) 万元")
            }
        }
    }
}
