import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl call …`: look at a call, or offer one as a PBX would (for demos).
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Show a call, or offer one as the PBX would.",
        subcommands: [Get.self, Offer.self, Register.self])

    /// `callctl call get CALL` → `call.get`.
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a call: state, queue, agent, timestamps, outcome.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The PBX's call id.") var call: String

        func run() throws {
            try reportingErrors {
                let result = try global.call("call.get", ["call": call])
                if global.json { return printJSON(result) }
                let record = result["call"] as? [String: Any] ?? result
                print(Format.record(record, first: ["call", "state", "from", "to", "queue", "agent", "customer",
                                                    "flags", "category", "outcome"]))
            }
        }
    }

    /// `callctl call offer CALL --from N --to N …` → `call.offer`, as the PBX.
    struct Offer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer a call as the PBX would (call.offer; role pbx unless --role is given).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A unique call id.") var call: String
        @Option(help: ArgumentHelp("The caller's number as the PBX saw it.", valueName: "number")) var from: String
        @Option(help: ArgumentHelp("The number dialled (optional, as in call.offer; it may choose the queue: [routing.numbers]).", valueName: "number")) var to: String?
        @Option(help: ArgumentHelp("The queue to enter (default: the daemon chooses).", valueName: "queue")) var queue: String?
        @Option(name: .customLong("attr"), help: ArgumentHelp(
            "A call attribute such as language=fr or intent=billing (repeatable).", valueName: "key=value"))
        var attributes: [String] = []

        func validate() throws {
            _ = try KeyValue.attributes(attributes)
        }

        func run() throws {
            var fields: [String: Any] = ["call": call, "from": from]
            if let to { fields["to"] = to }
            if let queue { fields["queue"] = queue }
            if !attributes.isEmpty { fields["attributes"] = try KeyValue.attributes(attributes) }
            try reportingErrors {
                let result = try global.call("call.offer", fields, defaultRole: "pbx")
                if global.json { return printJSON(result) }
                print(Format.record(result, first: ["call", "queue", "position", "ewt", "priority", "customer", "flags"]))
            }
        }
    }
}
