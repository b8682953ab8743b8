import CallCenterClient
import Foundation
import XCTest

/// The complaint workflow through the socket: agents take the steps, supervisors watch.
final class ComplaintTests: XCTestCase {
    var daemon: DaemonProcess!
    var tokens: [String: String] = [:]

    override func tearDown() {
        daemon?.stop()
        daemon = nil
    }

    /// Starts the daemon with `config`, creates agents a1 and a2 (tokens kept) and logs them in, not ready.
    func startWithAgents(config: String = "[queues.general]\nwrap_up = 0") throws {
        daemon = try DaemonProcess(config: config)
        try daemon.start()
        let admin = try daemon.session("admin")
        for (agent, seat) in [("a1", "201"), ("a2", "202")] {
            tokens[agent] = try XCTUnwrap(admin.call("agent.upsert", ["agent": agent, "seat": seat])["token"] as? String)
            _ = try admin.call("agent.login", ["agent": agent])
        }
    }

    func agent(_ id: String) throws -> CallCenterConnection {
        try daemon.session("agent", agent: id, token: tokens[id])
    }

    /// Offers `call`, which rings on the only ready agent `agent`, and answers it.
    func connect(_ call: String, to agent: String, pbx: CallCenterConnection) throws {
        _ = try pbx.call("call.offer", ["call": call, "from": "13800001111"])
        let route = try pbx.event(named: "route")
        XCTAssertEqual(route["call"] as? String, call)
        XCTAssertEqual(route["agent"] as? String, agent)
        _ = try pbx.call("call.answered", ["call": call, "agent": agent])
    }

    /// Accept → thanks over two calls and two agents, with kill -9 restarts between the steps.
    func testComplaintFromAcceptToThanksOverTwoCallsWithRestarts() throws {
        try startWithAgents()
        var a1 = try agent("a1")
        _ = try a1.call("agent.state", ["state": "ready"])
        var pbx = try daemon.session("pbx")
        try connect("c1", to: "a1", pbx: pbx)

        let opened = try a1.call("complaint.open", ["call": "c1", "summary": "billed twice for November"])
        let id = try XCTUnwrap(opened["complaint"] as? String)
        XCTAssertEqual(id, "CP-000001")
        XCTAssertEqual(opened["step"] as? String, "accept")
        XCTAssertNotNil(opened["sla_due"] as? String)
        XCTAssertEqual(opened["tier"] as? String, "unknown")
        _ = try a1.call("complaint.step", ["complaint": id, "step": "calm", "note": "apologised, listened"])
        daemon.crash()

        // The call ends after the restart: its wrap-up waits for `solution`.
        try daemon.start()
        pbx = try daemon.session("pbx")
        _ = try pbx.call("call.hangup", ["call": "c1", "by": "caller"])
        a1 = try agent("a1")
        let refused = try XCTUnwrap(a1.failure("agent.state", ["state": "ready"]))
        XCTAssertEqual(refused.code, "invalid_transition")
        XCTAssertEqual(refused.message, "agent 'a1' is wrapping up call 'c1' of complaint 'CP-000001': the complaint must reach step 'solution' first (its next step is 'solution')")
        let skipped = try XCTUnwrap(a1.failure("complaint.step", ["complaint": id, "step": "action", "note": "refund"]))
        XCTAssertEqual(skipped.code, "invalid_transition")
        XCTAssertEqual(skipped.message, "step 'action' is not allowed now: the next step is 'solution'")
        XCTAssertEqual(a1.failure("complaint.step", ["complaint": id, "step": "solution"])?.code, "bad_request")
        let solved = try a1.call("complaint.step", ["complaint": id, "step": "solution", "note": "refund the second charge"])
        XCTAssertEqual(solved["step"] as? String, "solution")
        var supervisor = try daemon.session("supervisor")
        let a1State = (try supervisor.call("agent.list")["agents"] as? [[String: Any]])?.first { $0["agent"] as? String == "a1" }
        XCTAssertEqual(a1State?["state"] as? String, "ready", "solution ends the held wrap-up")
        _ = try a1.call("agent.state", ["state": "not_ready", "reason": "break"])
        daemon.crash()

        // A follow-up call days later, taken by another agent.
        try daemon.start()
        supervisor = try daemon.session("supervisor")
        let restored = try supervisor.call("complaint.get", ["complaint": id])
        XCTAssertEqual(restored["step"] as? String, "solution")
        XCTAssertEqual((restored["steps"] as? [[String: Any]])?.count, 3)
        let a2 = try agent("a2")
        _ = try a2.call("agent.state", ["state": "ready"])
        pbx = try daemon.session("pbx")
        try connect("c2", to: "a2", pbx: pbx)
        let acted = try a2.call("complaint.step", ["complaint": id, "step": "action", "note": "refund issued by a2, arrives Friday", "call": "c2"])
        XCTAssertEqual(acted["sla_met"] as? Bool, true)
        daemon.crash()

        try daemon.start()
        let a2Again = try agent("a2")
        let closed = try a2Again.call("complaint.step", ["complaint": id, "step": "thanks", "note": "thanked the customer"])
        XCTAssertEqual(closed["state"] as? String, "closed")
        let late = try XCTUnwrap(a2Again.failure("complaint.step", ["complaint": id, "step": "thanks"]))
        XCTAssertEqual(late.code, "invalid_transition")
        XCTAssertEqual(late.message, "step 'thanks' is not allowed now: complaint 'CP-000001' is closed; no step follows 'thanks'")
        daemon.crash()

        try daemon.start()
        supervisor = try daemon.session("supervisor")
        let final = try supervisor.call("complaint.get", ["complaint": id])
        XCTAssertEqual(final["state"] as? String, "closed")
        XCTAssertEqual((final["calls"] as? [[String: Any]])?.compactMap { $0["call"] as? String }, ["c1", "c2"])
        let steps = try XCTUnwrap(final["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.compactMap { $0["step"] as? String }, ["accept", "calm", "solution", "action", "thanks"])
        XCTAssertEqual(steps.compactMap { $0["agent"] as? String }, ["a1", "a1", "a1", "a2", "a2"])
        XCTAssertEqual((try supervisor.call("complaint.list", ["state": "open"])["complaints"] as? [Any])?.count, 0)
        XCTAssertEqual((try supervisor.call("complaint.list", ["state": "closed"])["complaints"] as? [[String: Any]])?.first?["complaint"] as? String, id)
        let report = try XCTUnwrap(supervisor.call("complaint.report")["rows"] as? [[String: Any]])
        let unknown = try XCTUnwrap(report.first { $0["dimension"] as? String == "tier" && $0["key"] as? String == "unknown" })
        XCTAssertEqual(unknown["opened"] as? Int, 1)
        XCTAssertEqual(unknown["closed"] as? Int, 1)
        XCTAssertEqual(unknown["sla_met"] as? Int, 1)
    }

    /// A supervisor gets one snapshot of the open complaints, then every change in journal order; the new holder is told.
    func testSubscriptionGetsTheSnapshotThenEachEventInOrder() throws {
        try startWithAgents()
        let a1 = try agent("a1"), a2 = try agent("a2")
        let pbx = try daemon.session("pbx")
        _ = try a1.call("agent.state", ["state": "ready"])
        try connect("c1", to: "a1", pbx: pbx)
        _ = try a1.call("complaint.open", ["call": "c1", "summary": "rude agent"])

        let supervisor = try daemon.session("supervisor")
        _ = try supervisor.call("subscribe", ["topics": ["complaints"]])
        let snapshot = try XCTUnwrap(supervisor.nextEvent(timeout: 5))
        XCTAssertEqual(snapshot["event"] as? String, "complaint.snapshot")
        let open = try XCTUnwrap(snapshot["complaints"] as? [[String: Any]])
        XCTAssertEqual(open.compactMap { $0["complaint"] as? String }, ["CP-000001"])
        XCTAssertEqual(open.first?["step"] as? String, "accept")

        _ = try a1.call("complaint.step", ["complaint": "CP-000001", "step": "calm"])
        _ = try a1.call("agent.state", ["state": "not_ready"])  // pending: a1 is on c1
        _ = try a2.call("agent.state", ["state": "ready"])
        try connect("c2", to: "a2", pbx: pbx)
        _ = try a2.call("complaint.open", ["call": "c2", "summary": "wrong delivery"])
        let boss = try daemon.session("supervisor")
        let assigned = try boss.call("complaint.assign", ["complaint": "CP-000002", "agent": "a1"])
        XCTAssertEqual(assigned["held_by"] as? String, "a1")
        let told = try a1.event(named: "complaint.assigned")
        XCTAssertEqual(told["complaint"] as? String, "CP-000002")
        XCTAssertEqual(told["held_by"] as? String, "a1")
        for (step, note) in [("solution", "apology and voucher"), ("action", "voucher sent"), ("thanks", "")] {
            _ = try a1.call("complaint.step", ["complaint": "CP-000001", "step": step, "note": note])
        }

        var seen: [String] = []
        var seqs: [Int] = []
        while let event = try supervisor.nextEvent(timeout: 1) {
            seen.append("\(event["event"] as? String ?? "?") \(event["complaint"] as? String ?? "?") \(event["step"] as? String ?? "-")")
            seqs.append(try XCTUnwrap(event["seq"] as? Int))
        }
        XCTAssertEqual(seen, [
            "complaint.step CP-000001 calm", "complaint.opened CP-000002 accept", "complaint.assigned CP-000002 accept",
            "complaint.step CP-000001 solution", "complaint.step CP-000001 action", "complaint.step CP-000001 thanks",
            "complaint.closed CP-000001 thanks",
        ])
        XCTAssertEqual(seqs, seqs.sorted(), "events come in journal order")
        XCTAssertGreaterThan(seqs.first ?? 0, snapshot["seq"] as? Int ?? .max)
    }

    /// With a one-second SLA, `complaint.sla_breached` is pushed about a second after opening, once.
    func testSLABreachIsPushedOnTime() throws {
        try startWithAgents(config: "[queues.general]\nwrap_up = 0\n[complaints.sla]\nunknown = 1")
        let a1 = try agent("a1")
        let pbx = try daemon.session("pbx")
        _ = try a1.call("agent.state", ["state": "ready"])
        try connect("c1", to: "a1", pbx: pbx)
        let supervisor = try daemon.session("supervisor")
        _ = try supervisor.call("subscribe", ["topics": ["complaints"]])
        let opened = try a1.call("complaint.open", ["call": "c1", "summary": "no answer for a week"])
        let openedAt = try XCTUnwrap(Self.date(opened["opened_at"]))
        let breach = try supervisor.event(named: "complaint.sla_breached", timeout: 5)
        let at = try XCTUnwrap(Self.date(breach["at"]))
        XCTAssertEqual(at.timeIntervalSince(openedAt), 1, accuracy: 0.5, "pushed when the SLA runs out")
        XCTAssertEqual(breach["breached"] as? Bool, true)
        XCTAssertEqual(breach["complaint"] as? String, "CP-000001")
        XCTAssertNil(try supervisor.nextEvent(timeout: 1.5).flatMap { $0["event"] as? String == "complaint.sla_breached" ? $0 : nil }, "once")
        let got = try supervisor.call("complaint.get", ["complaint": "CP-000001"])
        XCTAssertEqual(got["breached"] as? Bool, true)
        XCTAssertEqual(got["sla_met"] as? Bool, false)
    }

    /// A complaint opened in the wrap-up of a call whose id the PBX has already offered
    /// again (a new life, another caller) is the wrap-up call's caller's.
    func testComplaintInWrapUpIsTheEndedCallsCallerWhenTheIdIsReused() throws {
        try startWithAgents(config: "[queues.general]\nwrap_up = 30")
        let admin = try daemon.session("admin")
        _ = try admin.call("customer.upsert", ["customer": ["id": "C001", "name": "Zhang Wei", "phones": ["13800001111"],
                                                            "r_score": 90, "f_score": 85, "m_score": 88, "custom_score": 95]])
        _ = try admin.call("customer.upsert", ["customer": ["id": "C002", "name": "Li Si", "phones": ["13900002222"],
                                                            "r_score": 60, "f_score": 70, "m_score": 65, "custom_score": 80]])
        let a1 = try agent("a1")
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        try connect("c1", to: "a1", pbx: pbx)  // from 13800001111: C001
        _ = try pbx.call("call.hangup", ["call": "c1", "by": "caller"])
        let again = try pbx.call("call.offer", ["call": "c1", "from": "13900002222"])  // a new life of c1, waiting: a1 wraps up
        XCTAssertEqual((again["customer"] as? [String: Any])?["id"] as? String, "C002")

        let opened = try a1.call("complaint.open", ["call": "c1", "summary": "charged twice"])
        XCTAssertEqual(opened["customer"] as? String, "C001", "the wrap-up's caller, not the new life's")
        XCTAssertEqual(opened["customer_name"] as? String, "Zhang Wei")
        XCTAssertEqual(opened["tier"] as? String, "high_value")
        daemon.crash()
        try daemon.start()
        let got = try daemon.session("supervisor").call("complaint.get", ["complaint": "CP-000001"])
        XCTAssertEqual(got["customer"] as? String, "C001")
    }

    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
