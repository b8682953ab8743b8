import ArgumentParser
import CallCenterClient
import Foundation
import Histogram

extension Bench {
    /// `callctl bench replay FILE`: a day of recorded traffic through the daemon's routing.
    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a day of a recorded call center through the daemon, sped up, and compare its waits with the recording's.",
            discussion: """
                Reads a recording in the Anonymous Bank format (the 1999 bank call center in \
                datasets/anonymous_bank_1999; .gz is read through gzip, - is standard input). As \
                admin it creates a queue replay-TYPE per service type (skill TYPE, service level \
                20 recorded seconds) and an agent replay-NAME per agent of the recording, with \
                the skills of the types they served. Each agent is ready while on shift: from \
                the first call they served to the last, broken at gaps of over an hour. As a PBX \
                it offers every call that reached the queue when it arrived, answers each route \
                at once, hangs up after the recorded talk time, and hangs up a caller who hung \
                up in the recording once they have waited as long as they did then. Time runs \
                --speed times faster; figures are in recorded seconds. Run it against a daemon \
                of its own: it adds queues and agents, and the daemon's stats for today count \
                the replayed calls.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The recording (.gz, or - for standard input).", valueName: "file"))
        var file: String

        @Option(help: ArgumentHelp("The day to replay, YYMMDD as recorded (default: the first day of the recording).", valueName: "yymmdd"))
        var day: String?

        @Option(help: ArgumentHelp("How many times faster than recorded.", valueName: "x"))
        var speed = 60.0

        @Option(help: ArgumentHelp("Replay calls arriving from this time of day.", valueName: "hh:mm"))
        var from = "00:00"

        @Option(help: ArgumentHelp("…until this time of day.", valueName: "hh:mm"))
        var to = "23:59"

        @Option(name: .customLong("wrap-up"), help: ArgumentHelp("Recorded seconds of wrap-up after each call.", valueName: "s"))
        var wrapUp = 0.0

        @Option(help: ArgumentHelp("The replay queues' strategy (longest_idle, fewest_calls, least_talk, most_skilled, round_robin, random).", valueName: "name"))
        var strategy = "longest_idle"

        func validate() throws {
            guard (1...1000).contains(speed) else { throw ValidationError("--speed must be from 1 to 1000 (the daemon keeps time to the millisecond)") }
            guard (0...3600).contains(wrapUp) else { throw ValidationError("--wrap-up must be from 0 to 3600 seconds") }
            guard try Self.clock(from, "--from") <= (try Self.clock(to, "--to")) else {
                throw ValidationError("--from \(from) is after --to \(to): the window is one day's hours, from before to")
            }
        }

        static func clock(_ text: String, _ option: String) throws -> Int {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
                throw ValidationError("\(option) wants a time of day like 09:30, got \"\(text)\"")
            }
            return h * 3600 + m * 60
        }

        func run() throws {
            try reportingErrors {
                let plan: ReplayPlan
                do {
                    plan = try ReplayPlan(recording: try ReplayPlan.read(path: file), day: day,
                                          window: try Self.clock(from, "--from")...(try Self.clock(to, "--to") + 59))
                } catch let error as ReplayError {
                    throw ValidationError(error.description)
                }
                var run = try ReplayRun(plan: plan, speed: speed, wrapUp: wrapUp, strategy: strategy, global: global)
                try run.setUp()
                try run.play()
                try run.report(json: global.json)
            }
        }
    }
}

extension ReplayRun {
    /// The recording's figures beside the replay's, per queue and in total, and the
    /// daemon's own `stats` of the replay queues (their times in recorded seconds).
    func report(json: Bool) throws {
        var daemon: [String: [String: Any]] = [:]
        for type in plan.types {
            let stats = try admin.call("stats", ["queue": Self.queue(type)])
            daemon[type] = (stats["queues"] as? [[String: Any]])?.first
        }
        func recordedTime(_ value: Any?) -> Any { Format.seconds(value).map { ($0 * speed * 10).rounded() / 10 } ?? NSNull() }
        func daemonFigures(_ s: [String: Any]?) -> [String: Any] {
            guard let s else { return [:] }
            return ["offered": s["offered"] ?? NSNull(), "answered": s["answered"] ?? NSNull(), "abandoned": s["abandoned"] ?? NSNull(),
                    "service_level": s["service_level"] ?? NSNull(), "asa": recordedTime(s["asa"]), "aht": recordedTime(s["aht"])]
        }
        let rows = plan.types.map { ($0, Self.queue($0), recorded[$0] ?? .init(), replayed[$0] ?? .init()) }
        let totalRecorded = rows.reduce(ReplayFigures()) { $0 + $1.2 }, totalReplayed = rows.reduce(ReplayFigures()) { $0 + $1.3 }
        let callers = ["high_value", "other"].map { ($0, "callers:" + $0) }.map { ($0.0, $0.1, recorded[$0.1] ?? .init(), replayed[$0.1] ?? .init()) }
        let agents = Set(plan.shifts.map(\.agent)).count
        if json {
            printJSON([
                "day": plan.day, "speed": speed, "wrap_up": wrapUp, "strategy": strategy, "calls": plan.calls.count, "agents": agents, "shifts": plan.shifts.count,
                "service_level_threshold": Self.threshold, "errors": errors,
                "queues": rows.map { ["queue": $0.1, "type": $0.0, "recorded": $0.2.json, "replayed": $0.3.json, "daemon": daemonFigures(daemon[$0.0])] },
                "total": ["recorded": totalRecorded.json, "replayed": totalReplayed.json],
                "callers": callers.map { ["tier": $0.0, "recorded": $0.2.json, "replayed": $0.3.json] },
            ])
            return
        }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.0f s", $0) } ?? "-" }
        var table = Table(["queue", "offered", "recorded: answered", "abandoned", "SL 20 s", "ASA",
                           "replayed: answered", "abandoned", "SL 20 s", "ASA", "unserved"], rightAligned: Set(1...10))
        for (_, queue, r, p) in rows + [("", "total", totalRecorded, totalReplayed)] + callers.map({ ("", "callers " + $0.0, $0.2, $0.3) }) {
            table.append([queue, "\(r.offered)", "\(r.answered)", "\(r.abandoned)", Format.percent(r.serviceLevel), seconds(r.asa),
                          "\(p.answered)", "\(p.abandoned)", Format.percent(p.serviceLevel), seconds(p.asa), "\(p.unserved)"])
        }
        print("replay of \(plan.day) at \(Format.number(NSNumber(value: speed)))×, \(strategy), wrap-up \(Format.number(NSNumber(value: wrapUp))) s: \(plan.calls.count) calls, \(agents) agents on \(plan.shifts.count) shifts")
        print(table.render())
        if !errors.isEmpty { print("\(errors.count) requests refused, the first: \(errors[0])") }
    }
}
