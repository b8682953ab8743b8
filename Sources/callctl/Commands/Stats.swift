import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl stats`: the numbers supervisors manage by, one row per queue.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show today's queue statistics (service level, abandon rate, ASA, AHT, …).")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Only this queue.", valueName: "queue"))
    var queue: String?

    /// Agent states in the order the AGENTS column lists them.
    static let stateOrder = ["ready", "ringing", "busy", "wrap_up", "not_ready"]

    func run() throws {
        try reportingErrors {
            var fields: [String: Any] = [:]
            if let queue { fields["queue"] = queue }
            let result = try global.call("stats", fields)
            if global.json { return printJSON(result) }
            let queues = result["queues"] as? [[String: Any]] ?? []
            if queues.isEmpty {
                print(queue.map { "no statistics for queue \($0)" } ?? "no queues")
                return
            }
            print(Stats.table(queues).render())
        }
    }

    static func table(_ queues: [[String: Any]]) -> Table {
        var table = Table(
            ["QUEUE", "WAITING", "LONGEST", "AGENTS", "SERVICE LEVEL", "OFFERED", "ANSWERED",
             "ABANDONED", "ABANDON RATE", "ASA", "AHT", "OCCUPANCY"],
            rightAligned: [1, 2, 4, 5, 6, 7, 8, 9, 10, 11])
        for queue in queues {
            table.append([
                Format.value(queue["queue"] ?? "-"),
                count(queue["waiting"]),
                Format.duration(queue["longest_wait"]),
                agents(queue["agents"]),
                serviceLevel(queue),
                count(queue["offered"]),
                count(queue["answered"]),
                count(queue["abandoned"]),
                Format.percent(queue["abandon_rate"]),
                Format.duration(queue["asa"]),
                Format.duration(queue["aht"]),
                Format.percent(queue["occupancy"]),
            ])
        }
        return table
    }

    static func count(_ value: Any?) -> String {
        Format.int(value).map(String.init) ?? "-"
    }

    /// `82% in 20 s`; `- in 20 s` when nothing was counted yet.
    static func serviceLevel(_ queue: [String: Any]) -> String {
        let threshold = Format.seconds(queue["service_level_threshold"]).map { " in " + Format.duration($0) } ?? ""
        return Format.percent(queue["service_level"]) + threshold
    }

    /// `2 ready, 1 busy, 1 wrap_up` from `{state: count}`, zero counts left out.
    static func agents(_ value: Any?) -> String {
        guard let byState = value as? [String: Any] else { return "-" }
        let states = Format.orderedKeys(byState, first: stateOrder, skipping: ["logged_out"])
        let parts = states.compactMap { state -> String? in
            guard let count = Format.int(byState[state]), count > 0 else { return nil }
            return "\(count) \(state)"
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
