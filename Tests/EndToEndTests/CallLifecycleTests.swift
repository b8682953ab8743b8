import CallCenterClient
import Foundation
import XCTest

/// A call's life through the socket, as a PBX, an agent and a supervisor see it.
final class CallLifecycleTests: XCTestCase {
    var daemon: DaemonProcess!

    override func setUpWithError() throws {
        daemon = try DaemonProcess(config: """
            [queues.general]
            wrap_up = 0
            [queues.billing]
            skills = { billing = 3 }
            wrap_up = 30
            """)
        try daemon.start()
    }

    override func tearDown() {
        daemon.stop()
        daemon = nil
    }

    /// Offer → route pushed to the PBX → answered → hangup; the call log and stats agree.
    func testCallFromOfferToHangup() throws {
        let admin = try daemon.session("admin")
        let token = try XCTUnwrap(admin.call("agent.upsert", ["agent": "a1", "seat": "201", "skills": ["billing": 5]])["token"] as? String)
        let agent = try daemon.session("agent", agent: "a1", token: token)
        _ = try agent.call("agent.login", [:])
        _ = try agent.call("agent.state", ["state": "ready"])
        let supervisor = try daemon.session("supervisor")
        _ = try supervisor.call("subscribe", ["topics": ["calls", "agents"]])

        let pbx = try daemon.session("pbx")
        let offer = try pbx.call("call.offer", ["call": "c1", "from": "+86 138-0000-1111", "to": "4008001234", "queue": "billing"])
        XCTAssertEqual(offer["queue"] as? String, "billing")
        XCTAssertEqual(offer["position"] as? Int, 0)
        XCTAssertTrue(offer["flags"] is [Any])

        let route = try pbx.event(named: "route")
        XCTAssertEqual(route["call"] as? String, "c1")
        XCTAssertEqual(route["agent"] as? String, "a1")
        XCTAssertEqual(route["seat"] as? String, "201")
        XCTAssertNotNil(route["seq"] as? Int)

        let assigned = try agent.event(named: "call.assigned")
        XCTAssertEqual(assigned["call"] as? String, "c1")
        XCTAssertEqual(assigned["from"] as? String, "+86 138-0000-1111")

        _ = try pbx.call("call.answered", ["call": "c1", "agent": "a1"])
        let ended = try pbx.call("call.hangup", ["call": "c1", "by": "caller"])
        XCTAssertEqual(ended["outcome"] as? String, "completed")

        // The agent wraps up for the queue's 30 s.
        let agents = try supervisor.call("agent.list")["agents"] as? [[String: Any]]
        XCTAssertEqual(agents?.first?["state"] as? String, "wrap_up")
        // Supervisors saw the call go through its states, in journal order.
        var seen: [String] = []
        var lastSeq = 0
        while let event = try supervisor.nextEvent(timeout: 1) {
            let name = event["event"] as? String ?? ""
            if name.hasPrefix("call.") { seen.append(name) }
            let seq = event["seq"] as? Int ?? 0
            XCTAssertGreaterThanOrEqual(seq, lastSeq)
            lastSeq = seq
        }
        XCTAssertEqual(seen, ["call.offered", "call.queued", "call.ringing", "call.connected", "call.ended"])

        let logged = try supervisor.call("call.get", ["call": "c1"])
        XCTAssertEqual(logged["state"] as? String, "ended")
        XCTAssertEqual(logged["agent"] as? String, "a1")
        XCTAssertEqual(logged["hangup_by"] as? String, "caller")
        let stats = try XCTUnwrap((supervisor.call("stats", ["queue": "billing"])["queues"] as? [[String: Any]])?.first)
        XCTAssertEqual(stats["offered"] as? Int, 1)
        XCTAssertEqual(stats["answered"] as? Int, 1)
        XCTAssertEqual(stats["waiting"] as? Int, 0)
    }

    /// A call that finds no eligible agent waits; the first agent to become ready gets it.
    func testWaitingCallGoesToTheFirstReadyAgent() throws {
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "a2", "seat": "202"])
        let pbx = try daemon.session("pbx")
        let offer = try pbx.call("call.offer", ["call": "w1", "from": "13800002222"])
        XCTAssertEqual(offer["position"] as? Int, 1)
        XCTAssertEqual(offer["queue"] as? String, "general")
        _ = try admin.call("agent.login", ["agent": "a2"])
        _ = try admin.call("agent.state", ["agent": "a2", "state": "ready"])
        let route = try pbx.event(named: "route")
        XCTAssertEqual(route["call"] as? String, "w1")
        XCTAssertEqual(route["agent"] as? String, "a2")
    }

    /// call.noanswer puts the agent in not_ready (no_answer) and the call back in line;
    /// an answer from that seat after it is still taken (it raced the no-answer).
    func testNoAnswerRequeuesTheCall() throws {
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "a3", "seat": "203"])
        _ = try admin.call("agent.login", ["agent": "a3"])
        _ = try admin.call("agent.state", ["agent": "a3", "state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "n1", "from": "13800003333"])
        _ = try pbx.event(named: "route")
        let call = try pbx.call("call.noanswer", ["call": "n1", "agent": "a3"])
        XCTAssertEqual(call["state"] as? String, "queued")
        XCTAssertEqual(call["attempts"] as? Int, 1)
        let agent = try XCTUnwrap((admin.call("agent.list")["agents"] as? [[String: Any]])?.first)
        XCTAssertEqual(agent["state"] as? String, "not_ready")
        XCTAssertEqual(agent["reason"] as? String, "no_answer")
        // The seat picked up as the PBX gave up on it: the late answer is taken.
        let late = try pbx.call("call.answered", ["call": "n1", "agent": "a3"])
        XCTAssertEqual(late["state"] as? String, "connected")
        XCTAssertEqual(late["agent"] as? String, "a3")
        XCTAssertEqual(pbx.failure("call.answered", ["call": "n1", "agent": "a3"])?.code, "invalid_transition", "connected already")
        XCTAssertEqual(try pbx.call("call.get", ["call": "n1"])["state"] as? String, "connected", "a PBX reads its call to resync")
    }

    /// With no PBX connected nothing rings (no seat would): the call waits, the agent
    /// stays ready, and the call is routed when the next PBX says hello.
    func testRouteWaitsForAPBX() throws {
        let admin = try daemon.session("admin")
        _ = try admin.call("agent.upsert", ["agent": "a4", "seat": "204"])
        _ = try admin.call("agent.login", ["agent": "a4"])
        _ = try admin.call("agent.state", ["agent": "a4", "state": "ready"])
        do {
            let pbx = try daemon.session("pbx")
            _ = try pbx.call("call.offer", ["call": "r1", "from": "13800004444"])
            _ = try pbx.event(named: "route")
            _ = try pbx.call("call.noanswer", ["call": "r1", "agent": "a4"])
            pbx.close()
        }
        Thread.sleep(forTimeInterval: 0.2)
        _ = try admin.call("agent.state", ["agent": "a4", "state": "ready"])
        let a4 = try XCTUnwrap((try admin.call("agent.list")["agents"] as? [[String: Any]])?.first { $0["agent"] as? String == "a4" })
        XCTAssertEqual(a4["state"] as? String, "ready", "no PBX to ring the seat: r1 waits, a4 is not rung")
        XCTAssertEqual(try admin.call("call.get", ["call": "r1"])["state"] as? String, "queued")
        let late = try daemon.session("pbx")
        let route = try late.event(named: "route")
        XCTAssertEqual(route["call"] as? String, "r1")
        XCTAssertEqual(route["agent"] as? String, "a4")
    }
}
