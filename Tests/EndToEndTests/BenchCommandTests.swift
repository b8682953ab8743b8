import Foundation
import XCTest

/// `callctl bench ping` against the real daemon: every ping answered, the figures in the JSON report.
final class BenchCommandTests: XCTestCase {
    func testBenchPingTimesEveryRoundTrip() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        let run = try runCommand(DaemonProcess.callctlBinary, ["bench", "ping", "--count", "50", "--window", "4", "--json", "--socket", daemon.socketPath])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["op"] as? String, "ping")
        XCTAssertEqual(report["count"] as? Int, 50)
        XCTAssertEqual(report["ok"] as? Int, 50)
        XCTAssertEqual((report["errors"] as? [String: Any])?.count, 0)
        let latency = try XCTUnwrap(report["latency_us"] as? [String: Any])
        let p50 = try XCTUnwrap(latency["p50"] as? Int), max = try XCTUnwrap(latency["max"] as? Int)
        XCTAssertGreaterThan(p50, 0)
        XCTAssertLessThanOrEqual(p50, max)

        let text = try runCommand(DaemonProcess.callctlBinary, ["bench", "ping", "--count", "5", "--socket", daemon.socketPath])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("ping × 5, window 1\n"), text.stdout)
        XCTAssertFalse(text.stdout.contains("routes pushed"), "a bench that offers no calls shows no routes")

        let refused = try runCommand(DaemonProcess.callctlBinary, ["bench", "ping", "--count", "0", "--socket", daemon.socketPath])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--count and --window must be at least 1"), refused.stderr)
        let role = try runCommand(DaemonProcess.callctlBinary, ["ping", "--role", "bogus", "--socket", daemon.socketPath])
        XCTAssertEqual(role.status, 64, "a usage error, found before connecting")
        XCTAssertTrue(role.stderr.contains(#"--role must be admin, supervisor, pbx or agent, not "bogus""#), role.stderr)
    }

    /// `bench reads`: every read answered while the calls waited, and the calls hung up after.
    func testBenchReadsTimesABurstWhileCallsWait() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        for op in ["call.get", "stats"] {
            let run = try runCommand(DaemonProcess.callctlBinary, ["bench", "reads", "--op", op, "--waiting", "30", "--count", "100", "--window", "50",
                                                                   "--json", "--socket", daemon.socketPath])
            XCTAssertEqual(run.status, 0, run.stderr)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
            XCTAssertEqual(report["op"] as? String, op)
            XCTAssertEqual(report["ok"] as? Int, 100)
            XCTAssertEqual(report["hung_up"] as? Int, 30, "\(report)")
        }
        let stats = try daemon.session("supervisor").call("stats", ["queue": "general"])
        XCTAssertEqual((stats["queues"] as? [[String: Any]])?.first?["waiting"] as? Int, 0, "the bench's calls are gone")
    }

    /// `bench routes --json`: every offer routed, the offer → route figures, and
    /// the offers' own duration (not the wait for the last routes after them).
    func testBenchRoutesReportsInJSON() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        let run = try runCommand(DaemonProcess.callctlBinary, ["bench", "routes", "--rate", "50", "--seconds", "1", "--agents", "5", "--json",
                                                               "--socket", daemon.socketPath])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertEqual(report["sent"] as? Int, 50)
        XCTAssertEqual(report["routed"] as? Int, 50)
        XCTAssertEqual(report["errors"] as? Int, 0)
        XCTAssertLessThan(try XCTUnwrap(report["seconds"] as? Double), 1.9)
        let latency = try XCTUnwrap(report["latency_us"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(latency["p50"] as? Int), 0)
    }
}
