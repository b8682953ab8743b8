import ArgumentParser
import CallCenterArchive
import CallCenterClient
import Foundation

/// `callctl number flags|unflag`: marks on a calling number (threat, harassment).
struct NumberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "number",
        abstract: "Marks on a calling number: list them, clear one set by mistake.",
        subcommands: [Flags.self, Unflag.self]
    )

    /// `callctl number flags NUMBER` → `number.flags`.
    struct Flags: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a number's flags, newest first, cleared ones too (number.flags).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The number, in any usual spelling.") var number: String

        func run() throws {
            try reportingErrors {
                let r = try global.call("number.flags", ["number": number], defaultRole: "supervisor")
                if global.json { return printJSON(r) }
                let flags = r["flags"] as? [[String: Any]] ?? []
                if flags.isEmpty { return print("\(Format.value(r["number"])) has no flags") }
                print(NumberCommand.table(flags).render())
            }
        }
    }

    /// `callctl number unflag NUMBER [--flag F] --reason TEXT` → `number.unflag`.
    struct Unflag: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a number's flags (number.unflag): later calls from it are routed like anyone's.",
            discussion: "Without --flag, every flag of the number is cleared. Who cleared it, when and why are kept beside who set it.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The number, in any usual spelling.") var number: String
        @Option(help: ArgumentHelp("Only this flag: \(NumberFlagKind.allCases.map(\.rawValue).joined(separator: " or ")).", valueName: "flag"))
        var flag: String?
        @Option(help: ArgumentHelp("Why the flag is cleared.", valueName: "text")) var reason: String

        func validate() throws {
            if let flag, NumberFlagKind(rawValue: flag) == nil {
                throw ValidationError("--flag must be one of \(NumberFlagKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            try reportingErrors {
                var fields: [String: Any] = ["number": number, "reason": reason]
                if let flag { fields["flag"] = flag }
                let r = try global.call("number.unflag", fields, defaultRole: "supervisor")
                if global.json { return printJSON(r) }
                let cleared = (r["cleared"] as? [[String: Any]] ?? []).map { Format.value($0["flag"]) }
                print("\(Format.value(r["number"])): cleared \(cleared.joined(separator: ", "))")
            }
        }
    }

    static func table(_ flags: [[String: Any]]) -> Table {
        var table = Table(["FLAG", "AT", "BY", "REASON", "CALL", "CLEARED", "CLEARED BY", "WHY"])
        func time(_ value: Any?) -> String { Format.date(value).map { Format.localTime($0) } ?? Agents.cell(value) }
        for f in flags {
            let cleared = f["cleared"] as? [String: Any]
            table.append([Agents.cell(f["flag"]), time(f["at"]), Agents.cell(f["by"]), Agents.cell(f["reason"]), Agents.cell(f["call"]),
                          cleared.map { time($0["at"]) } ?? "-", Agents.cell(cleared?["by"]), Agents.cell(cleared?["reason"])])
        }
        return table
    }
}
