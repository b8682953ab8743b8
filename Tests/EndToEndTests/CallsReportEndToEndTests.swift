import CallCenterClient
import Foundation
import XCTest

/// `calls.report` and `callctl report calls` against the real daemon: today's
/// figures from the call log agree with the live `stats`, which count the same
/// calls as they happen.
final class CallsReportEndToEndTests: XCTestCase {
    func testTheReportOfTodayAgreesWithTheLiveFigures() throws {
        let daemon = try DaemonProcess(config: "[queues.general]\nwrap_up = 0\n[queues.billing]\nwrap_up = 0\n")
        try daemon.start()
        defer { daemon.stop() }
        let admin = try daemon.session("admin")
        try admin.readyAgent("a1", seat: "201")
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "c1", "from": "13800001111"])
        _ = try pbx.call("call.answered", ["call": "c1", "agent": "a1"])
        _ = try pbx.call("call.offer", ["call": "c2", "from": "13800002222"])  // waits: a1 is busy
        _ = try pbx.call("call.hold", ["call": "c1"])
        Thread.sleep(forTimeInterval: 0.2)
        _ = try pbx.call("call.hangup", ["call": "c2", "by": "caller"])       // a short abandon
        _ = try pbx.call("call.hangup", ["call": "c1", "by": "agent"])
        _ = try pbx.call("call.offer", ["call": "c3", "from": "13800003333", "queue": "billing"])
        _ = try pbx.call("call.hangup", ["call": "c3", "by": "caller"])

        let supervisor = try daemon.session("supervisor")
        let report = try supervisor.call("calls.report", [:])
        XCTAssertEqual(report["by"] as? String, "day")
        let rows = try XCTUnwrap(report["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["queue"] as? String }, ["billing", "general"])
        let totals = try XCTUnwrap(report["totals"] as? [[String: Any]])
        let live = try XCTUnwrap(supervisor.call("stats")["queues"] as? [[String: Any]])
        for queue in ["general", "billing"] {
            let total = try XCTUnwrap(totals.first { $0["queue"] as? String == queue })
            let stats = try XCTUnwrap(live.first { $0["queue"] as? String == queue })
            XCTAssertEqual(total["period"] as? String, "total")
            for key in ["offered", "answered", "abandoned", "short_abandoned", "answered_within_threshold", "abandoned_after_threshold",
                        "handled", "timed_out", "rejected", "service_level", "abandon_rate", "asa", "aht", "service_level_threshold"] {
                XCTAssertEqual("\(total[key] ?? "missing")", "\(stats[key] ?? "missing")", "\(queue) \(key)")
            }
        }
        let general = try XCTUnwrap(rows.first { $0["queue"] as? String == "general" })
        XCTAssertEqual(general["offered"] as? Int, 2)
        XCTAssertEqual(general["short_abandoned"] as? Int, 1)
        XCTAssertGreaterThanOrEqual(general["mean_hold"] as? Double ?? 0, 0.2, "the hold of c1")
        let byAgent = try supervisor.call("calls.report", ["group": "agent"])
        XCTAssertEqual(byAgent["group"] as? String, "agent")
        let a1 = try XCTUnwrap((byAgent["rows"] as? [[String: Any]])?.first)
        XCTAssertEqual(a1["agent"] as? String, "a1")
        XCTAssertEqual(a1["answered"] as? Int, 1)
        XCTAssertEqual(a1["handled"] as? Int, 1)
        XCTAssertNil(a1["offered"], "queue figures do not apply to an agent")
        XCTAssertEqual(supervisor.failure("calls.report", ["group": "team"])?.code, "bad_request")
        XCTAssertEqual(supervisor.failure("calls.report", ["by": "week"])?.code, "bad_request")
        XCTAssertEqual(supervisor.failure("calls.report", ["from": "2026-13-01"])?.code, "bad_request")
        XCTAssertEqual(supervisor.failure("calls.report", ["queue": "nowhere"])?.code, "not_found")
        XCTAssertEqual(try daemon.session("pbx").failure("calls.report", [:])?.code, "forbidden")

        // Pipelined behind a report (which runs off the engine thread), replies keep their order.
        let pipelined = try daemon.session("supervisor")
        for _ in 0..<5 {
            try pipelined.sendRaw(#"{"id":"p0","op":"ping"}"# + "\n" + #"{"id":"r1","op":"calls.report","by":"hour"}"# + "\n"
                                  + #"{"id":"p2","op":"ping"}"# + "\n" + #"{"id":"s3","op":"stats"}"# + "\n"
                                  + #"{"id":"r4","op":"calls.report"}"# + "\n")
            var ids: [String] = []
            while ids.count < 5, let message = try pipelined.next(timeout: 5) {
                if case let .reply(id, _, _) = message { ids.append(id) }
            }
            XCTAssertEqual(ids, ["p0", "r1", "p2", "s3", "r4"])
        }

        let cli = try runCommand(DaemonProcess.callctlBinary, ["report", "calls", "--queue", "billing", "--by", "hour", "--socket", daemon.socketPath])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        let lines = cli.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "period,queue,offered,answered,abandoned,short_abandoned,answered_within_threshold,abandoned_after_threshold,service_level,service_level_threshold,abandon_rate,asa,aht,handled,mean_talk,mean_hold,timed_out,rejected")
        XCTAssertEqual(lines.count, 3, cli.stdout)
        XCTAssertTrue(lines[1].contains("T") && lines[1].hasSuffix(":00,billing,1,0,1,1,0,0,,20,1,,,0,,,0,0"), lines[1])
        XCTAssertEqual(lines[2], "total,billing,1,0,1,1,0,0,,20,1,,,0,,,0,0")
        let agents = try runCommand(DaemonProcess.callctlBinary, ["report", "calls", "--group", "agent", "--socket", daemon.socketPath])
        XCTAssertEqual(agents.status, 0, agents.stderr)
        let agentLines = agents.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(agentLines.first, "period,agent,answered,answered_within_threshold,asa,handled,aht,mean_talk,mean_hold")
        XCTAssertEqual(agentLines.last?.hasPrefix("total,a1,1,1,"), true, agents.stdout)
    }
}
