import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl agents`: every agent and what they are doing.
struct Agents: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List agents with their state, seat and call.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reportingErrors {
            let result = try global.call("agent.list")
            if global.json { return printJSON(result) }
            let agents = result["agents"] as? [[String: Any]] ?? []
            if agents.isEmpty { return print("no agents") }
            print(Agents.table(agents).render())
        }
    }

    static func table(_ agents: [[String: Any]], now: Date = Date()) -> Table {
        var table = Table(["AGENT", "NAME", "STATE", "REASON", "SEAT", "CALL", "SINCE", "OCCUPANCY"])
        for agent in agents {
            table.append([
                cell(agent["agent"]), cell(agent["name"]), cell(agent["state"]), cell(agent["reason"]),
                cell(agent["seat"]), cell(agent["call"]), since(agent["since"], now: now), Format.percent(agent["occupancy_today"]),
            ])
        }
        return table
    }

    static func cell(_ value: Any?) -> String {
        if value == nil || value is NSNull { return "-" }
        let text = Format.value(value)
        return text.isEmpty ? "-" : text
    }

    /// `18:05:00 (4m 12s)`: local time and how long ago.
    static func since(_ value: Any?, now: Date) -> String {
        guard let date = Format.date(value) else { return cell(value) }
        let age = max(0, now.timeIntervalSince(date))
        return "\(Format.localTime(date, now: now)) (\(Format.duration(age.rounded())))"
    }
}
