import CallCenterClient
import Foundation
import XCTest

/// Nothing acknowledged is lost: `kill -9` and a restart keep every change.
final class RecoveryTests: XCTestCase {
    /// Five waiting calls survive kill -9 in their order; agent states survive too.
    func testFiveWaitingCallsSurviveKill9InOrder() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "a1", "seat": "201"])
        _ = try admin.call("agent.login", ["agent": "a1"])
        _ = try admin.call("agent.state", ["agent": "a1", "state": "not_ready", "reason": "break"])
        let pbx = try daemon.session("pbx")
        for i in 1...5 {
            let offer = try pbx.call("call.offer", ["call": "k\(i)", "from": "1380000000\(i)"])
            XCTAssertEqual(offer["position"] as? Int, i)
        }
        daemon.crash()

        try daemon.start()
        let supervisor = try daemon.session("supervisor")
        let stats = try XCTUnwrap((supervisor.call("stats", ["queue": "general"])["queues"] as? [[String: Any]])?.first)
        XCTAssertEqual(stats["waiting"] as? Int, 5)
        let agent = try XCTUnwrap((supervisor.call("agent.list")["agents"] as? [[String: Any]])?.first)
        XCTAssertEqual(agent["state"] as? String, "not_ready")
        XCTAssertEqual(agent["reason"] as? String, "break")

        // Serve them one by one (no wrap-up: each hangup frees the agent for the next).
        let admin2 = try daemon.session("admin")
        let pbx2 = try daemon.session("pbx")
        var order: [String] = []
        _ = try admin2.call("agent.state", ["agent": "a1", "state": "ready"])
        for _ in 1...5 {
            let route = try pbx2.event(named: "route")
            let call = try XCTUnwrap(route["call"] as? String)
            order.append(call)
            _ = try pbx2.call("call.answered", ["call": call, "agent": "a1"])
            _ = try pbx2.call("call.hangup", ["call": call, "by": "agent"])
        }
        XCTAssertEqual(order, ["k1", "k2", "k3", "k4", "k5"])
        daemon.stop()
    }

    /// Settings given to the default queue with queue.upsert survive a restart when the
    /// config file does not declare that queue (it used to be reset to the defaults).
    func testDefaultQueueSettingsSurviveRestart() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        _ = try daemon.session("admin").call("queue.upsert", ["queue": "general", "ring_timeout": 45, "wrap_up": 12, "skills": ["x": 1]])
        daemon.crash()
        try daemon.start()
        let queues = try XCTUnwrap(daemon.session("admin").call("queue.list")["queues"] as? [[String: Any]])
        let general = try XCTUnwrap(queues.first { $0["queue"] as? String == "general" })
        XCTAssertEqual(general["ring_timeout"] as? Double, 45)
        XCTAssertEqual(general["wrap_up"] as? Double, 12)
        XCTAssertEqual(general["skills"] as? [String: Int], ["x": 1])
        daemon.stop()
    }

    /// `max_wait_no_agent` goes on counting across kill -9: a caller who waited 2
    /// of 3 s in a queue nobody staffs times out about 1 s after the restart, not
    /// 3 s (the moment the queue lost its agents is stored with the queue).
    func testTheWaitWithoutAgentsGoesOnAcrossKill9() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        _ = try daemon.session("admin").call("queue.upsert", ["queue": "night", "max_wait_no_agent": 3, "on_timeout": "voicemail"])
        let offeredAt = Date()
        _ = try daemon.session("pbx").call("call.offer", ["call": "n1", "from": "13800000001", "queue": "night"])
        Thread.sleep(forTimeInterval: 2)
        daemon.crash()

        try daemon.start()
        let restartedAt = Date()
        let pbx = try daemon.session("pbx")
        let timeout = try pbx.event(named: "call.timeout")
        XCTAssertEqual(timeout["call"] as? String, "n1")
        XCTAssertEqual(timeout["reason"] as? String, "no_agent")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(offeredAt), 3)
        XCTAssertLessThan(Date().timeIntervalSince(restartedAt), 2.5, "counted from the offer, not from the restart")
        daemon.stop()
    }

    /// A configuration change that routes a call as the daemon starts does not
    /// reset agents' counters for today, in a time zone whose date is not UTC's
    /// (the local day was read only at the first pass, after the configured queues).
    func testTodaysCountersSurviveARestartWithANewConfiguration() throws {
        let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour ?? 0
        let zone = hour < 12 ? "Etc/GMT+12" : "Etc/GMT-14"  // yesterday or tomorrow, by the local date
        func config(_ level: Int) -> String { "[queues.general]\nskills = { x = \(level) }\nwrap_up = 0\n\n[queues.other]\nwrap_up = 0\n" }
        let daemon = try DaemonProcess(config: config(5))
        try daemon.start(environment: ["TZ": zone])
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "a1", "seat": "201", "skills": ["x": 1]])
        _ = try admin.call("agent.login", ["agent": "a1"])
        _ = try admin.call("agent.state", ["agent": "a1", "state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "c1", "from": "13800000001", "queue": "other"])
        _ = try pbx.event(named: "route")
        _ = try pbx.call("call.answered", ["call": "c1", "agent": "a1"])
        _ = try pbx.call("call.hangup", ["call": "c1", "by": "agent"])
        _ = try pbx.call("call.offer", ["call": "c2", "from": "13800000002", "queue": "general"])  // a1 lacks x = 5: it waits
        func a1() throws -> [String: Any] {
            try XCTUnwrap((try daemon.session("admin").call("agent.list")["agents"] as? [[String: Any]])?.first)
        }
        XCTAssertEqual(try a1()["answered_today"] as? Int, 1)
        daemon.crash()

        try config(1).write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start(environment: ["TZ": zone])
        XCTAssertEqual(try a1()["state"] as? String, "ready", "no PBX yet: nothing rings")
        let pbx2 = try daemon.session("pbx")
        _ = try pbx2.event(named: "route")
        let agent = try a1()
        XCTAssertEqual(agent["state"] as? String, "ringing", "c2 rang a1 under the new configuration once a PBX came")
        XCTAssertEqual(agent["answered_today"] as? Int, 1, "\(agent)")
        daemon.stop()
    }

    /// Two spellings of one id (NFC and NFD) are one agent, in memory and in the
    /// store: an agent removed under one spelling stays removed after a restart.
    func testAnIdInTwoSpellingsIsOneRowInTheStore() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "jos\u{E9}", "seat": "j-1"])
        _ = try admin.call("agent.upsert", ["agent": "jose\u{301}", "name": "Jose"])
        _ = try admin.call("queue.upsert", ["queue": "caf\u{E9}"])
        _ = try admin.call("queue.upsert", ["queue": "cafe\u{301}", "wrap_up": 5])
        XCTAssertEqual(try admin.call("agent.remove", ["agent": "jos\u{E9}"])["removed"] as? Bool, true)
        daemon.crash()
        try daemon.start()
        let again = try daemon.session("admin")
        XCTAssertEqual((try again.call("agent.list")["agents"] as? [[String: Any]])?.count, 0)
        let queues = try XCTUnwrap(again.call("queue.list")["queues"] as? [[String: Any]]).filter { ($0["queue"] as? String)?.hasPrefix("caf") ?? false }
        XCTAssertEqual(queues.count, 1)
        XCTAssertEqual(queues.first?["wrap_up"] as? Double, 5)
        daemon.stop()
    }

    /// A ringing and a connected call are still known after kill -9; the PBX reports their end.
    func testRingingAndConnectedCallsSurviveKill9() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let admin = try daemon.session("admin")
        for (a, seat) in [("a1", "201"), ("a2", "202")] {
            _ = try admin.call("agent.upsert", ["agent": a, "seat": seat])
            _ = try admin.call("agent.login", ["agent": a])
            _ = try admin.call("agent.state", ["agent": a, "state": "ready"])
        }
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "talk", "from": "13800000001"])
        let route = try pbx.event(named: "route")
        _ = try pbx.call("call.answered", ["call": "talk", "agent": route["agent"] as! String])
        _ = try pbx.call("call.offer", ["call": "ring", "from": "13800000002"])
        daemon.crash()

        try daemon.start()
        let pbx2 = try daemon.session("pbx")
        XCTAssertEqual(try pbx2.call("call.get", ["call": "talk"])["state"] as? String, "connected", "a PBX reads its calls to resync")
        let sup = try daemon.session("supervisor")
        XCTAssertEqual(try sup.call("call.get", ["call": "talk"])["state"] as? String, "connected")
        XCTAssertEqual(try sup.call("call.get", ["call": "ring"])["state"] as? String, "ringing")
        let ended = try pbx2.call("call.hangup", ["call": "talk", "by": "caller"])
        XCTAssertEqual(ended["outcome"] as? String, "completed")
        daemon.stop()
    }

    /// A second callcenterd on the same database is refused before it touches it
    /// (it would serve a stale copy of the state and collide with the first's
    /// journal); once the first has stopped, even by `kill -9`, a new one starts.
    func testASecondDaemonOnTheSameDatabaseIsRefused() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let c = try daemon.session("pbx")
        _ = try c.call("call.offer", ["call": "c1", "from": "100", "to": "400"])
        let other = daemon.directory.appendingPathComponent("other.sock").path
        let second = try runCommand(DaemonProcess.daemonBinary, ["--socket", other, "--database", daemon.databasePath])
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains("is in use by another callcenterd"), second.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other), "the refused daemon opened its socket")
        XCTAssertEqual(try daemon.session("admin").call("call.get", ["call": "c1"])["state"] as? String, "queued")

        daemon.crash()
        try daemon.start()
        XCTAssertEqual(try daemon.session("admin").call("call.get", ["call": "c1"])["state"] as? String, "queued")
    }

    /// A database a newer callcenterd migrated is refused with status 65, which
    /// the systemd unit does not restart on, and left as it was.
    func testADatabaseFromANewerVersionIsRefused() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        daemon.stop()
        let sqlite = try runCommand("/usr/bin/env", ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v99: from the future')\"); c.commit(); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')", daemon.databasePath])
        XCTAssertEqual(sqlite.status, 0, sqlite.stderr)
        let before = try Data(contentsOf: URL(fileURLWithPath: daemon.databasePath))
        let refused = try runCommand(DaemonProcess.daemonBinary, ["--socket", daemon.socketPath, "--database", daemon.databasePath])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("was written by a newer callcenterd"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: daemon.databasePath)), before)
    }
}
