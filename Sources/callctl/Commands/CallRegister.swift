import ArgumentParser
import CallCenterArchive
import CallCenterClient
import Foundation

extension CallCommand {
    /// `callctl call register CALL --category C --summary S` → `call.register`.
    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register what a call was about: its category and a summary.",
            discussion: "Categories: \(CallCategory.allCases.map(\.rawValue).joined(separator: ", ")). threat and harassment also flag the caller's number.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call id.") var call: String
        @Option(help: ArgumentHelp("The call's category.", valueName: "category")) var category: String
        @Option(help: ArgumentHelp("What the call was about.", valueName: "text")) var summary: String

        func validate() throws {
            guard CallCategory(rawValue: category) != nil else {
                throw ValidationError("--category must be one of \(CallCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            try reportingErrors {
                let r = try global.call("call.register", ["call": call, "category": category, "summary": summary])
                if global.json { return printJSON(r) }
                var line = "call \(call) registered as \(category)"
                if let flagged = r["flagged"] as? [String: Any] { line += "; number \(Format.value(flagged["number"])) flagged \(Format.value(flagged["flag"]))" }
                if let note = r["note"] as? String { line += "; \(note)" }
                print(line)
            }
        }
    }
}
