import CallCenterClient
import Foundation
import XCTest

/// `callctl` for complaints against the real daemon: tail, list, show, step, assign, report.
final class ComplaintCallctlTests: XCTestCase {
    /// Runs callctl on the daemon's socket; NO_COLOR so the text is plain.
    func callctl(_ daemon: DaemonProcess, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        return try runCommand(DaemonProcess.callctlBinary, arguments + ["--socket", daemon.socketPath], environment: environment)
    }

    /// One line per complaint event with customer, tier, step, agent and SLA; the commands print what a person needs.
    func testCallctlTailListShowStepAssignReport() throws {
        let daemon = try DaemonProcess(config: "[queues.general]\nwrap_up = 0")
        try daemon.start()
        defer { daemon.stop() }
        let admin = try daemon.session("admin")
        for (agent, seat) in [("a1", "201"), ("a2", "202")] {
            _ = try admin.call("agent.upsert", ["agent": agent, "seat": seat])
            _ = try admin.call("agent.login", ["agent": agent])
        }
        _ = try admin.call("agent.state", ["agent": "a1", "state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "c1", "from": "13800001111"])
        _ = try pbx.call("call.answered", ["call": "c1", "agent": "a1"])

        // tail complaints, running while the complaint is opened and stepped.
        let tail = Process()
        tail.executableURL = URL(fileURLWithPath: DaemonProcess.callctlBinary)
        tail.arguments = ["tail", "complaints", "--socket", daemon.socketPath]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        tail.environment = environment
        let output = Pipe()
        tail.standardOutput = output
        try tail.run()
        Thread.sleep(forTimeInterval: 0.5)

        let opened = try callctl(daemon, ["complaints", "open", "c1", "--summary", "billed twice", "--agent", "a1"])
        XCTAssertEqual(opened.status, 0, opened.stderr)
        XCTAssertTrue(opened.stdout.hasPrefix("CP-000001 opened (step accept); SLA 4") && opened.stdout.hasSuffix(" left\n"), opened.stdout)
        let skipped = try callctl(daemon, ["complaints", "step", "CP-000001", "action", "--note", "refund", "--agent", "a1"])
        XCTAssertEqual(skipped.status, 1)
        XCTAssertEqual(skipped.stderr, "callctl: invalid_transition: step 'action' is not allowed now: the next step is 'calm'\n")
        let calm = try callctl(daemon, ["complaints", "step", "CP-000001", "calm", "--agent", "a1"])
        XCTAssertEqual(calm.stdout, "CP-000001: calm recorded; next: solution\n")
        XCTAssertEqual(try callctl(daemon, ["complaints", "assign", "CP-000001", "a2"]).stdout, "CP-000001 is now held by a2\n")

        Thread.sleep(forTimeInterval: 0.5)
        tail.terminate()
        tail.waitUntilExit()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, lines.joined(separator: "\n"))
        XCTAssertTrue(lines[0].contains("complaint.snapshot     0 open"), lines[0])
        let opening = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(Array(opening.dropFirst()), ["complaint.opened", "CP-000001", "unknown", "caller", "(unknown)", "accept", "a1", "SLA", "48h", "00m", "left"])
        XCTAssertTrue(lines[2].contains("complaint.step") && lines[2].contains(" calm ") && lines[2].contains("SLA 4"), lines[2])
        XCTAssertTrue(lines[3].contains("complaint.assigned") && lines[3].contains(" a2 "), lines[3])

        let list = try callctl(daemon, ["complaints", "list"])
        XCTAssertTrue(list.stdout.hasPrefix("COMPLAINT  CUSTOMER  TIER     STEP  HELD BY"), list.stdout)
        XCTAssertTrue(list.stdout.contains("CP-000001  -         unknown  calm  a2"), list.stdout)
        let show = try callctl(daemon, ["complaints", "show", "CP-000001"])
        XCTAssertTrue(show.stdout.contains("held_by:       a2"), show.stdout)
        XCTAssertTrue(show.stdout.contains("\nsteps:\nSTEP    AGENT"), show.stdout)

        let report = try callctl(daemon, ["report", "complaints"])
        let csv = report.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(csv.first, "dimension,key,opened,closed,sla_met,sla_breached,sla_pending,mean_to_calm,mean_to_solution,mean_to_action,mean_to_thanks")
        XCTAssertEqual(csv.filter { $0.hasPrefix("tier,") }.first?.hasPrefix("tier,unknown,1,0,0,0,1,"), true, report.stdout)
        XCTAssertEqual(csv.filter { $0.hasPrefix("agent,") }.first?.hasPrefix("agent,a2,1,0,0,0,1,"), true, report.stdout)
        XCTAssertEqual(try callctl(daemon, ["report", "complaints", "--from", "23/11/2026"]).status, 64)
    }
}
