import ArgumentParser
import CallCenterClient
import Foundation
import Histogram

extension Bench {
    /// `callctl bench routes`: offer-to-route latency at a steady call rate.
    struct Routes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer calls at a steady rate to ready agents and measure offer → route latency.",
            discussion: """
                Creates --agents agents (bench-a1…), logs them in and makes them ready (as admin), \
                then offers --rate calls per second for --seconds as a PBX. Each pushed route is \
                timed from the moment its call.offer was sent; the call is then answered and hung \
                up at once so the agent is free again (use a queue without wrap-up).
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Calls per second.", valueName: "n"))
        var rate = 1000

        @Option(help: ArgumentHelp("How long to offer calls.", valueName: "s"))
        var seconds = 10

        @Option(help: ArgumentHelp("Agents to create and make ready.", valueName: "n"))
        var agents = 200

        func run() throws {
            try reportingErrors {
                var admin = global
                admin.role = "admin"
                let (control, _) = try admin.connect(timeout: 30)
                defer { control.close() }
                for i in 1...agents {
                    _ = try control.send("agent.upsert", ["agent": "bench-a\(i)", "seat": "bench-s\(i)"])
                    _ = try control.send("agent.login", ["agent": "bench-a\(i)"])
                    _ = try control.send("agent.state", ["agent": "bench-a\(i)", "state": "ready"])
                }
                var pendingReplies = agents * 3
                while pendingReplies > 0, let message = try control.next(timeout: 30) {
                    if case .reply = message { pendingReplies -= 1 }
                }

                var pbxOptions = global
                pbxOptions.role = "pbx"
                let (pbx, _) = try pbxOptions.connect(timeout: 30)
                defer { pbx.close() }
                let prefix = "route-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
                var sentAt: [String: UInt64] = [:]
                var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
                let total = rate * seconds
                let start = monotonicNow()
                var sent = 0, routed = 0, errors = 0
                func drain(until deadline: UInt64) throws {
                    while true {
                        let now = monotonicNow()
                        let wait = deadline > now ? Double(deadline - now) / 1e9 : 0
                        guard let message = try pbx.next(timeout: wait) else { return }
                        switch message {
                        case let .event(name, body) where name == "route":
                            guard let call = body["call"] as? String, let agent = body["agent"] as? String,
                                  let t0 = sentAt.removeValue(forKey: call) else { continue }
                            latency.record(max(1, (monotonicNow() - t0) / 1000))
                            routed += 1
                            _ = try pbx.send("call.answered", ["call": call, "agent": agent])
                            _ = try pbx.send("call.hangup", ["call": call, "by": "caller"])
                        case let .reply(_, ok, _):
                            if !ok { errors += 1 }
                        default:
                            continue
                        }
                        if wait == 0 { return }
                    }
                }
                while sent < total {
                    let due = start + UInt64(Double(sent) / Double(rate) * 1e9)
                    try drain(until: due)
                    let call = "\(prefix)-\(sent)"
                    sentAt[call] = monotonicNow()
                    _ = try pbx.send("call.offer", ["call": call, "from": String(format: "+1555%07d", sent % 10_000_000), "to": "+15550100"])
                    sent += 1
                }
                let elapsed = Double(monotonicNow() - start) / 1e9  // the offers' time, not the last routes' wait
                try drain(until: monotonicNow() + 2_000_000_000)
                func us(_ q: Double) -> String { String(format: "%.0f µs", Double(latency.valueAtPercentile(q))) }
                if global.json {
                    let percentiles: [String: Any] = [
                        "p50": latency.valueAtPercentile(50), "p90": latency.valueAtPercentile(90), "p99": latency.valueAtPercentile(99),
                        "p99_9": latency.valueAtPercentile(99.9), "max": latency.max,
                    ]
                    return print(Format.compactJSON([
                        "sent": sent, "rate": rate, "seconds": elapsed, "agents": agents, "routed": routed, "errors": errors,
                        "latency_us": percentiles,  // offer → route
                    ]))
                }
                print("""
                    offers sent   \(sent) at \(rate)/s over \(String(format: "%.1f", elapsed)) s, \(agents) agents
                    routed        \(routed) (\(sent - routed) not routed: no agent free), errors \(errors)
                    offer → route p50 \(us(50))  p90 \(us(90))  p99 \(us(99))  p99.9 \(us(99.9))  max \(latency.max) µs
                    """)
            }
        }
    }
}
