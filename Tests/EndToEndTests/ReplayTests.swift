import Foundation
import XCTest

/// `callctl bench replay`: a recorded day through the real daemon, its figures beside
/// the recording's, and the daemon's own stats agreeing with what the replay saw.
final class ReplayTests: XCTestCase {
    /// Anonymous Bank format: vru+line call_id customer_id priority type date vru_entry
    /// vru_exit vru_time q_start q_exit q_time outcome ser_start ser_exit ser_time server.
    static let recording = [
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver",
        // ANNA takes c1 at once and c2 after it waited 50 s; the caller of c3 gives up after 10 s.
        "AA0101\t1\t0\t0\tPS\t990301\t7:59:50\t8:00:00\t10\t0:00:00\t0:00:00\t0\tAGENT\t8:00:00\t8:01:00\t60\tANNA",
        "AA0101\t2\t0\t0\tPS\t990301\t8:00:00\t8:00:10\t10\t8:00:10\t8:01:00\t50\tAGENT\t8:01:00\t8:01:30\t30\tANNA",
        "AA0101\t3\t7\t2\tPS\t990301\t8:00:10\t8:00:20\t10\t8:00:20\t8:00:30\t10\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0101\t4\t0\t0\tNW\t990301\t8:00:20\t8:00:30\t10\t0:00:00\t0:00:00\t0\tAGENT\t8:00:30\t8:00:50\t20\tBEN",
        // The recording uses id 4 again while BEN still talks on the first.
        "AA0101\t4\t0\t0\tNW\t990301\t8:00:30\t8:00:40\t10\t8:00:40\t8:00:50\t10\tAGENT\t8:00:50\t8:01:10\t20\tBEN",
        // Not offered: hung up in the voice menu, a phantom, served by no named agent, another day.
        "AA0101\t5\t0\t0\tNW\t990301\t8:04:50\t8:05:00\t10\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0101\t6\t0\t0\tPS\t990301\t8:04:50\t8:05:00\t10\t8:05:00\t8:05:00\t0\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER",
        "AA0101\t8\t0\t0\tPS\t990301\t8:05:50\t8:06:00\t10\t0:00:00\t0:00:00\t0\tAGENT\t8:06:00\t8:06:05\t5\tNO_SERVER",
        "AA0101\t7\t0\t0\tPS\t990302\t9:00:00\t9:00:10\t10\t0:00:00\t0:00:00\t0\tAGENT\t9:00:10\t9:01:00\t50\tCARL",
    ].joined(separator: "\n") + "\n"

    func testReplayOfARecordedDayMatchesItsFiguresAndTheDaemonsStats() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        let file = daemon.directory.appendingPathComponent("day.txt")
        try Self.recording.write(to: file, atomically: true, encoding: .utf8)
        let run = try runCommand(DaemonProcess.callctlBinary, ["bench", "replay", file.path, "--speed", "20", "--json", "--socket", daemon.socketPath])
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertEqual(report["day"] as? String, "990301", "the first day of the recording")
        XCTAssertEqual(report["calls"] as? Int, 5, "calls 1–4 and the second 4 reached the queue")
        XCTAssertEqual(report["agents"] as? Int, 2, "ANNA and BEN worked that day; CARL did not")
        XCTAssertEqual((report["errors"] as? [Any])?.count, 0, "\(report)")
        let queues = try XCTUnwrap(report["queues"] as? [[String: Any]])
        XCTAssertEqual(queues.compactMap { $0["queue"] as? String }, ["replay-nw", "replay-ps"])
        let ps = try XCTUnwrap(queues.last)
        for side in ["recorded", "replayed"] {
            let figures = try XCTUnwrap(ps[side] as? [String: Any])
            XCTAssertEqual(figures["offered"] as? Int, 3, side)
            XCTAssertEqual(figures["answered"] as? Int, 2, side)
            XCTAssertEqual(figures["answered_within_threshold"] as? Int, 1, "\(side): c2 waited 50 s for ANNA")
            XCTAssertEqual(figures["abandoned"] as? Int, 1, "\(side): c3's caller gave up")
            XCTAssertEqual(figures["abandoned_after_threshold"] as? Int, 0, "\(side): after 10 s, within 20")
            XCTAssertEqual(figures["service_level"] as? Double, 0.5, side)
        }
        let replayedWait = try XCTUnwrap((ps["replayed"] as? [String: Any])?["asa"] as? Double)
        XCTAssertEqual(replayedWait, 25, accuracy: 5, "c1 at once, c2 after about 50 recorded seconds")
        // The daemon counted the same calls in its own stats.
        let counted = try XCTUnwrap(ps["daemon"] as? [String: Any])
        XCTAssertEqual(counted["offered"] as? Int, 3)
        XCTAssertEqual(counted["answered"] as? Int, 2)
        XCTAssertEqual(counted["abandoned"] as? Int, 1)
        XCTAssertEqual(counted["service_level"] as? Double, 0.5)
        let nw = try XCTUnwrap(queues.first?["replayed"] as? [String: Any])
        XCTAssertEqual(nw["answered"] as? Int, 2, "both calls with id 4")
        XCTAssertEqual(nw["answered_within_threshold"] as? Int, 2, "the second waited 10 s for BEN")

        let supervisor = try daemon.session("supervisor")
        let agents = try XCTUnwrap(try supervisor.call("agent.list")["agents"] as? [[String: Any]])
        let anna = try XCTUnwrap(agents.first { $0["agent"] as? String == "replay-anna" })
        XCTAssertEqual(anna["skills"] as? [String: Int], ["ps": 5])
        XCTAssertTrue(agents.filter { ($0["agent"] as? String)?.hasPrefix("replay-") == true }.allSatisfy { $0["state"] as? String == "logged_out" },
                      "the replay is over: its agents take no calls of another")
        XCTAssertEqual(anna["answered_today"] as? Int, 2)
        let stats = try XCTUnwrap(try supervisor.call("stats")["queues"] as? [[String: Any]])
        XCTAssertEqual(stats.reduce(0) { $0 + ($1["waiting"] as? Int ?? 0) }, 0, "every replayed call ended")
    }

    /// A file that is not the format, or a day it does not hold, is refused before anything is sent.
    func testReplayRefusesABadRecording() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        let file = daemon.directory.appendingPathComponent("bad.txt")
        let lines = Self.recording.split(separator: "\n").map(String.init)
        try (lines[0...1] + [lines[2].replacingOccurrences(of: "8:00:10\t10\t8:00:10", with: "8:00:10\t10\t8h00")]).joined(separator: "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let bad = try runCommand(DaemonProcess.callctlBinary, ["bench", "replay", file.path, "--socket", daemon.socketPath])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains(#"line 3: q_start is "8h00", expected a time of day like 7:02:56"#), bad.stderr)

        try Self.recording.write(to: file, atomically: true, encoding: .utf8)
        let day = try runCommand(DaemonProcess.callctlBinary, ["bench", "replay", file.path, "--day", "990401", "--socket", daemon.socketPath])
        XCTAssertEqual(day.status, 64, day.stderr)
        XCTAssertTrue(day.stderr.contains("no calls on 990401; the recording has 990301…990302 (2 days)"), day.stderr)
        let window = try runCommand(DaemonProcess.callctlBinary, ["bench", "replay", file.path, "--from", "11:00", "--to", "10:00", "--socket", daemon.socketPath])
        XCTAssertEqual(window.status, 64, window.stderr)
        XCTAssertTrue(window.stderr.contains("--from 11:00 is after --to 10:00"), window.stderr)
        try "".write(to: file, atomically: true, encoding: .utf8)
        let empty = try runCommand(DaemonProcess.callctlBinary, ["bench", "replay", file.path, "--day", "990301", "--socket", daemon.socketPath])
        XCTAssertEqual(empty.status, 64, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("the recording holds no calls"), empty.stderr)
        let queues = try XCTUnwrap(try daemon.session("supervisor").call("queue.list")["queues"] as? [[String: Any]])
        XCTAssertFalse(queues.contains { ($0["queue"] as? String)?.hasPrefix("replay-") == true }, "nothing was created")
    }
}
