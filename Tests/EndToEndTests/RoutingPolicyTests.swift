import CallCenterClient
import CallCenterStore
import Foundation
import XCTest

/// Flagged numbers, estimated waits and agent CSV imports through the real daemon.
final class RoutingPolicyTests: XCTestCase {
    var daemon: DaemonProcess!

    override func setUpWithError() throws {
        daemon = try DaemonProcess(config: """
            [routing.flags]
            threat = "reject"
            harassment = "queue:security"
            [queues.general]
            wrap_up = 0
            [queues.security]
            """)
        try daemon.start()
    }

    override func tearDown() {
        daemon.stop()
        daemon = nil
    }

    /// A number registered as a threat is rejected next time (call.rejected to the PBX); harassment goes to its queue.
    func testFlaggedNumbersFollowThePolicy() throws {
        let admin = try daemon.session("admin")
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "t1", "from": "13800009999"])
        _ = try admin.call("call.register", ["call": "t1", "category": "threat", "summary": "threatened the agent"])
        _ = try pbx.call("call.hangup", ["call": "t1", "by": "caller"])
        _ = try pbx.call("call.offer", ["call": "h1", "from": "13900008888"])
        _ = try admin.call("call.register", ["call": "h1", "category": "harassment", "summary": "repeated abuse"])
        _ = try pbx.call("call.hangup", ["call": "h1", "by": "caller"])

        let again = try pbx.call("call.offer", ["call": "t2", "from": "+86 138-0000-9999"])
        XCTAssertEqual(again["flags"] as? [String], ["threat"])
        let rejected = try pbx.event(named: "call.rejected")
        XCTAssertEqual(rejected["call"] as? String, "t2")
        let sup = try daemon.session("supervisor")
        XCTAssertEqual(try sup.call("call.get", ["call": "t2"])["outcome"] as? String, "rejected")

        let harasser = try pbx.call("call.offer", ["call": "h2", "from": "13900008888"])
        XCTAssertEqual(harasser["queue"] as? String, "security")
        XCTAssertEqual(harasser["flags"] as? [String], ["harassment"])
    }

    /// queue.upsert refuses a timeout or an overflow step into a queue that does not
    /// exist (the PBX would be told the call moved while it ended) and changes nothing.
    func testQueueUpsertRefusesUnknownQueues() throws {
        let admin = try daemon.session("admin")
        let timeout = try XCTUnwrap(admin.failure("queue.upsert", ["queue": "x", "max_wait": 3, "on_timeout": "queue:nonexist"]))
        XCTAssertEqual(timeout.code, "bad_request")
        XCTAssertEqual(timeout.message, "field 'on_timeout' of queue 'x' names queue 'nonexist', which is not defined yet; define it first, or name another queue")
        let overflow = try XCTUnwrap(admin.failure("queue.upsert", ["queue": "general", "overflow": [["after": 10, "add_queue": "nope"]]]))
        XCTAssertEqual(overflow.message, "field 'overflow[0].add_queue' of queue 'general' names queue 'nope', which is not defined yet; define it first, or name another queue")
        let itself = try XCTUnwrap(admin.failure("queue.upsert", ["queue": "security", "on_timeout": "queue:security"]))
        XCTAssertTrue(itself.message.contains("names queue 'security' itself"), itself.message)
        let ownAgents = try XCTUnwrap(admin.failure("queue.upsert", ["queue": "general", "overflow": [["after": 10, "add_queue": "general"]]]))
        XCTAssertEqual(ownAgents.message, "field 'overflow[0].add_queue' of queue 'general' names queue 'general' itself, whose agents already take its calls: name another queue, or use relax_skills")
        let queues = try XCTUnwrap(try admin.call("queue.list")["queues"] as? [[String: Any]])
        XCTAssertEqual(queues.compactMap { $0["queue"] as? String }, ["general", "security"])
        XCTAssertEqual((queues.first?["overflow"] as? [Any])?.count, 0, "general's overflow is unchanged")
        // Once the queue exists, it may be named.
        _ = try admin.call("queue.upsert", ["queue": "x", "max_wait": 3, "on_timeout": "queue:general"])
    }

    /// call.offer, stats and call.get carry the estimated wait of waiting calls.
    func testEstimatedWaits() throws {
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "a1", "seat": "201"])
        _ = try admin.call("agent.login", ["agent": "a1"])
        _ = try admin.call("agent.state", ["agent": "a1", "state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "e0", "from": "13800000000"])  // takes a1
        let first = try pbx.call("call.offer", ["call": "e1", "from": "13800000001"])
        let second = try pbx.call("call.offer", ["call": "e2", "from": "13800000002"])
        XCTAssertEqual(first["position"] as? Int, 1)
        XCTAssertEqual(second["position"] as? Int, 2)
        // One staffed agent, 180 s assumed handle time before any call was handled.
        XCTAssertEqual((first["ewt"] as? NSNumber)?.doubleValue, 180)
        XCTAssertEqual((second["ewt"] as? NSNumber)?.doubleValue, 360)
        let sup = try daemon.session("supervisor")
        let call = try sup.call("call.get", ["call": "e2"])
        XCTAssertEqual(call["position"] as? Int, 2)
        let stats = try XCTUnwrap((sup.call("stats", ["queue": "general"])["queues"] as? [[String: Any]])?.first)
        XCTAssertEqual((stats["ewt"] as? NSNumber)?.doubleValue, 540)
    }

    /// `callctl agent import` loads agents from CSV; a file with a bad row changes nothing and names the row and field.
    func testAgentCSVImport() throws {
        let good = daemon.directory.appendingPathComponent("agents.csv").path
        try """
            agent,name,seat,skills,languages,tiers
            a21,Li Na,221,billing:5;sales:3,zh;yue,high_value
            a22,Zhang Wei,222,billing:2,zh,
            """.write(toFile: good, atomically: true, encoding: .utf8)
        let bad = daemon.directory.appendingPathComponent("bad.csv").path
        try """
            agent,seat,skills
            a31,231,billing:4
            a32,232,billing:eleven
            """.write(toFile: bad, atomically: true, encoding: .utf8)
        let s = ["--socket", daemon.socketPath]
        let refused = try runCommand(DaemonProcess.callctlBinary, ["agent", "import", bad] + s)
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderr, "callctl: \(bad): row 3, field 'skills': 'billing:eleven' is not skill:level with a level from 1 to 10 (e.g. billing:5), or - to clear\n")
        let ok = try runCommand(DaemonProcess.callctlBinary, ["agent", "import", good] + s)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let agents = try daemon.session("supervisor").call("agent.list")["agents"] as? [[String: Any]] ?? []
        XCTAssertEqual(agents.compactMap { $0["agent"] as? String }.sorted(), ["a21", "a22"])
        let liNa = agents.first { $0["agent"] as? String == "a21" }
        XCTAssertEqual(liNa?["languages"] as? [String], ["zh", "yue"])
        XCTAssertEqual(liNa?["tiers"] as? [String], ["high_value"])

        // An empty cell keeps the stored value; "-" clears the list.
        let again = daemon.directory.appendingPathComponent("again.csv").path
        try "agent,seat,skills,languages,tiers\na21,221,,-,-\n".write(toFile: again, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runCommand(DaemonProcess.callctlBinary, ["agent", "import", again] + s).status, 0)
        let changed = (try daemon.session("supervisor").call("agent.list")["agents"] as? [[String: Any]])?.first { $0["agent"] as? String == "a21" }
        XCTAssertEqual(changed?["skills"] as? [String: Int], ["billing": 5, "sales": 3])
        XCTAssertEqual(changed?["languages"] as? [String], [])
        XCTAssertEqual(changed?["tiers"] as? [String], [])

        // The journal records each change whole: the tiers too.
        XCTAssertEqual(daemon.stop(), 0)
        let journal = try CallCenterStore(path: daemon.databasePath).journal().filter { $0.op == "agent.upsert" }
        let first = try XCTUnwrap(journal.first { $0.payload.contains("\"a21\"") })
        XCTAssertTrue(first.payload.contains("\"tiers\":[\"high_value\"]"), first.payload)
    }
}
