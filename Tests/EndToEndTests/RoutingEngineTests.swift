import CallCenterClient
import Foundation
import XCTest

/// The routing engine through the socket: skills, language, priority, account
/// manager, no-answer and wrap-up, as a PBX and agents see them.
final class RoutingEngineTests: XCTestCase {
    var daemon: DaemonProcess!
    var admin: CallCenterConnection!
    var pbx: CallCenterConnection!

    override func setUpWithError() throws {
        daemon = try DaemonProcess(config: """
            [routing]
            aging_per_second = 0
            [routing.numbers]
            "4008001234" = "billing"
            [queues.general]
            wrap_up = 0
            [queues.billing]
            skills = { billing = 5 }
            wrap_up = 2
            ring_timeout = 1
            manager_wait = 30
            """)
        try daemon.start()
        admin = try daemon.session("admin")
        pbx = try daemon.session("pbx")
    }

    override func tearDown() {
        daemon.stop()
        daemon = nil
    }

    func agent(_ id: String, skills: [String: Int] = [:], languages: [String] = [], ready: Bool = true) throws {
        _ = try admin.call("agent.upsert", ["agent": id, "seat": "s-\(id)", "skills": skills, "languages": languages])
        _ = try admin.call("agent.login", ["agent": id])
        if ready { _ = try admin.call("agent.state", ["agent": id, "state": "ready"]) }
    }

    func routeOf(_ call: String) throws -> String? {
        while let event = try pbx.nextEvent(timeout: 3) {
            if event["event"] as? String == "route", event["call"] as? String == call { return event["agent"] as? String }
        }
        return nil
    }

    /// Only agents with the queue's skills at the minimum level get its calls; the dialled number picks the queue.
    func testSkillsGateTheQueue() throws {
        try agent("junior", skills: ["billing": 3])
        try agent("senior", skills: ["billing": 7])
        let offer = try pbx.call("call.offer", ["call": "b1", "from": "13800000001", "to": "4008001234"])
        XCTAssertEqual(offer["queue"] as? String, "billing")
        XCTAssertEqual(try routeOf("b1"), "senior")
        let sup = try daemon.session("supervisor")
        let call = try sup.call("call.get", ["call": "b1"])
        XCTAssertTrue((call["route_reason"] as? String ?? "").contains("longest_idle"), "\(call)")
    }

    /// A Cantonese caller reaches the agent who speaks Cantonese.
    func testLanguage() throws {
        try agent("mandarin", languages: ["zh"])
        try agent("cantonese", languages: ["zh", "yue"])
        _ = try pbx.call("call.offer", ["call": "y1", "from": "13800000002", "attributes": ["language": "yue"]])
        XCTAssertEqual(try routeOf("y1"), "cantonese")
    }

    /// With no Cantonese speaker ready, a Cantonese caller reaches a Chinese
    /// speaker before an agent who idled longer; call.get says why.
    func testDialectFallsBackToItsLanguage() throws {
        try agent("english", languages: ["en"])
        try agent("mandarin", languages: ["zh"])
        _ = try pbx.call("call.offer", ["call": "y2", "from": "13800000012", "attributes": ["language": "yue"]])
        XCTAssertEqual(try routeOf("y2"), "mandarin")
        let call = try daemon.session("supervisor").call("call.get", ["call": "y2"])
        XCTAssertEqual(call["route_reason"] as? String, "longest_idle among 2 ready [english,mandarin]; no ready yue speaker, speaks zh")
    }

    /// High-value callers are answered first when agents free up.
    func testPriorityByTier() throws {
        try agent("a1", ready: false)
        for (call, tier) in [("s1", "stable"), ("r1", "risk"), ("h1", "high_value")] {
            _ = try pbx.call("call.offer", ["call": call, "from": "1380000\(call)", "attributes": ["tier": tier]])
        }
        _ = try admin.call("agent.state", ["agent": "a1", "state": "ready"])
        XCTAssertEqual(try routeOf("h1"), "a1")
    }

    /// The account manager gets their customer's call even when another agent idled longer.
    func testAccountManagerFirst() throws {
        try agent("other")
        try agent("manager")
        _ = try pbx.call("call.offer", ["call": "m1", "from": "13800000003", "attributes": ["account_manager": "manager"]])
        XCTAssertEqual(try routeOf("m1"), "manager")
    }

    /// No answer within the ring timeout: route.cancel, the agent goes not_ready (no_answer), the call rings the next agent.
    func testRingTimeoutMovesToTheNextAgent() throws {
        try agent("sleepy", skills: ["billing": 9])
        _ = try pbx.call("call.offer", ["call": "t1", "from": "13800000004", "queue": "billing"])
        XCTAssertEqual(try routeOf("t1"), "sleepy")
        try agent("awake", skills: ["billing": 9], ready: false)
        _ = try admin.call("agent.state", ["agent": "awake", "state": "ready"])
        var cancelled = false
        var next: String?
        while let event = try pbx.nextEvent(timeout: 5), next == nil {
            if event["event"] as? String == "route.cancel" { cancelled = event["reason"] as? String == "ring_timeout" }
            if event["event"] as? String == "route" { next = event["agent"] as? String }
        }
        XCTAssertTrue(cancelled)
        XCTAssertEqual(next, "awake")
        let agents = try admin.call("agent.list")["agents"] as? [[String: Any]] ?? []
        let sleepy = agents.first { $0["agent"] as? String == "sleepy" }
        XCTAssertEqual(sleepy?["state"] as? String, "not_ready")
        XCTAssertEqual(sleepy?["reason"] as? String, "no_answer")
    }

    /// The seat was picked up as its ring timed out: the PBX's late call.answered
    /// connects the call to that agent, cancelling the ring it moved on to, and a
    /// restart in between changes nothing.
    func testAnAnswerThatRacedTheRingTimeoutIsTaken() throws {
        try agent("slow", skills: ["billing": 9])
        _ = try pbx.call("call.offer", ["call": "t2", "from": "13800000005", "queue": "billing"])
        XCTAssertEqual(try routeOf("t2"), "slow")
        try agent("next", skills: ["billing": 9], ready: false)
        _ = try admin.call("agent.state", ["agent": "next", "state": "ready"])
        XCTAssertEqual(try routeOf("t2"), "next", "the ring timed out and moved on")
        _ = try admin.call("queue.upsert", ["queue": "billing", "ring_timeout": 60])  // next's ring outlasts the restart
        daemon.crash()
        try daemon.start()
        pbx = try daemon.session("pbx")
        let answered = try pbx.call("call.answered", ["call": "t2", "agent": "slow"])
        XCTAssertEqual(answered["state"] as? String, "connected")
        XCTAssertEqual(answered["agent"] as? String, "slow")
        let agents = try daemon.session("admin").call("agent.list")["agents"] as? [[String: Any]] ?? []
        XCTAssertEqual(agents.first { $0["agent"] as? String == "slow" }?["state"] as? String, "busy")
        XCTAssertEqual(agents.first { $0["agent"] as? String == "next" }?["state"] as? String, "ready")
    }

    /// A queue nobody staffs (its only agent on a break) sends its caller on after
    /// `max_wait_no_agent`, with a pushed call.timeout; a staffed one keeps them.
    func testAQueueNobodyStaffsSendsCallersOn() throws {
        let night = try admin.call("queue.upsert", ["queue": "night", "skills": ["night": 1], "max_wait_no_agent": 0.5, "on_timeout": "callback"])
        XCTAssertEqual(night["max_wait_no_agent"] as? Double, 0.5)
        try agent("owl", skills: ["night": 1], ready: false)  // logged in, not_ready: nobody staffs "night"
        let offeredAt = Date()
        _ = try pbx.call("call.offer", ["call": "n1", "from": "13800000006", "queue": "night"])
        var timeout: [String: Any]?
        while timeout == nil, let event = try pbx.nextEvent(timeout: 5) {
            if event["event"] as? String == "call.timeout" { timeout = event }
        }
        XCTAssertEqual(timeout?["call"] as? String, "n1")
        XCTAssertEqual(timeout?["reason"] as? String, "no_agent")
        XCTAssertEqual(timeout?["action"] as? String, "callback")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(offeredAt), 0.5)
        let ended = try daemon.session("supervisor").call("call.get", ["call": "n1"])
        XCTAssertEqual(ended["outcome"] as? String, "timed_out")
        XCTAssertEqual(ended["cause"] as? String, "no_agent: callback")

        // With the agent working (busy on another call), a caller waits for them.
        _ = try admin.call("agent.state", ["agent": "owl", "state": "ready"])
        _ = try pbx.call("call.offer", ["call": "n2", "from": "13800000007", "queue": "night"])
        XCTAssertEqual(try routeOf("n2"), "owl")
        _ = try pbx.call("call.answered", ["call": "n2", "agent": "owl"])
        _ = try pbx.call("call.offer", ["call": "n3", "from": "13800000008", "queue": "night"])
        while let event = try pbx.nextEvent(timeout: 1) {
            XCTAssertNotEqual(event["event"] as? String, "call.timeout", "\(event)")
        }
        let waiting = try daemon.session("supervisor").call("call.get", ["call": "n3"])
        XCTAssertEqual(waiting["state"] as? String, "queued")

        // null clears the setting.
        let cleared = try admin.call("queue.upsert", ["queue": "night", "max_wait_no_agent": NSNull()])
        XCTAssertTrue(cleared["max_wait_no_agent"] is NSNull, "\(cleared)")
    }

    /// After a call the agent wraps up for the queue's time, then is ready again by itself.
    func testWrapUpEndsByItself() throws {
        try agent("w", skills: ["billing": 9])
        _ = try pbx.call("call.offer", ["call": "w1", "from": "13800000005", "queue": "billing"])
        XCTAssertEqual(try routeOf("w1"), "w")
        _ = try pbx.call("call.answered", ["call": "w1", "agent": "w"])
        _ = try pbx.call("call.hangup", ["call": "w1", "by": "agent"])
        func state() throws -> String? {
            (try admin.call("agent.list")["agents"] as? [[String: Any]])?.first { $0["agent"] as? String == "w" }?["state"] as? String
        }
        XCTAssertEqual(try state(), "wrap_up")
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertEqual(try state(), "ready")

        // Occupancy (DOMAIN.md §8): the 2 s wrap-up (and the brief talk) over the time logged in and not "not ready".
        let w = try XCTUnwrap((try admin.call("agent.list")["agents"] as? [[String: Any]])?.first { $0["agent"] as? String == "w" })
        let handle = try XCTUnwrap(w["handle_today"] as? Double), available = try XCTUnwrap(w["available_today"] as? Double)
        XCTAssertGreaterThanOrEqual(handle, 2, "the wrap-up's 2 s at least")
        XCTAssertGreaterThan(available, 0, "ready since the wrap-up ended")
        let occupancy = try XCTUnwrap(w["occupancy_today"] as? Double)
        XCTAssertEqual(occupancy, handle / (handle + available), accuracy: 0.001)
        let stats = try XCTUnwrap((try admin.call("stats", ["queue": "billing"])["queues"] as? [[String: Any]])?.first)
        XCTAssertNotNil(stats["occupancy"] as? Double, "\(stats)")
    }
}
