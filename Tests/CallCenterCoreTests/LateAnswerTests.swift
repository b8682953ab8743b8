import XCTest
import CallCenterCore

/// An answer that races the end of a ring: the PBX says the seat was picked up just
/// as the ring timed out (or as it reported no answer). The PBX knows: the call is
/// that agent's, wherever routing has sent it since.
final class LateAnswerTests: XCTestCase {
    /// a1's ring timed out and the call is back in line: a1's answer connects it.
    func testAnswerAfterTheRingTimedOutConnectsTheCall() throws {
        for var desk in try Self.timedOut(agents: ["a1"]).withRestarted() {
            XCTAssertEqual(desk.call("c1")?.state, .queued)
            let applied = try desk.answer("c1", by: "a1")
            let call = try XCTUnwrap(desk.call("c1"))
            XCTAssertEqual(call.state, .connected)
            XCTAssertEqual(call.agent, "a1")
            XCTAssertEqual(call.routeReason, "answered by a1 as its ring ended")
            XCTAssertEqual(desk.state("a1"), .busy)
            XCTAssertEqual(desk.agent("a1").call, "c1")
            XCTAssertEqual(desk.waiting(), [], "out of the line")
            XCTAssertTrue(applied.cancels.isEmpty)
            XCTAssertEqual(try desk.stats().counters.answered, 1)
        }
    }

    /// The call already rings on a2: a2's ring is cancelled, a2 is ready again (and
    /// takes the next call waiting), the call is a1's.
    func testAnswerAfterTheCallMovedOnCancelsTheOtherRing() throws {
        var desk = try Self.timedOut(agents: ["a1", "a2"])
        XCTAssertEqual(desk.call("c1")?.agent, "a2", "routed on to a2")
        try desk.offer("c2")
        let applied = try desk.answer("c1", by: "a1")
        XCTAssertEqual(applied.cancels.map(\.agent), ["a2"])
        XCTAssertEqual(applied.cancels.first?.reason, "answered_elsewhere")
        XCTAssertEqual(desk.call("c1")?.agent, "a1")
        XCTAssertEqual(desk.call("c1")?.state, .connected)
        XCTAssertEqual(desk.call("c2")?.agent, "a2", "a2, free again, takes the next call")
        XCTAssertEqual(desk.state("a2"), .ringing)
    }

    /// Only the last agent the call rang on may answer late, and only while that
    /// ring's end still leaves them not ready (no answer).
    func testOnlyTheLastRingMayBeAnsweredLate() throws {
        var desk = try Self.timedOut(agents: ["a1", "a2", "a3"])
        XCTAssertEqual(desk.call("c1")?.agent, "a2")
        desk.advance(15)
        try desk.tick()  // a2's ring times out too, and c1 rings on a3
        XCTAssertEqual(desk.call("c1")?.lastRang, "a2")
        XCTAssertEqual(desk.call("c1")?.agent, "a3")
        XCTAssertEqual(desk.refuse(.callAnswered(call: "c1", agent: "a1"))?.code, .conflict, "a1's ring is not the last")
        let applied = try desk.answer("c1", by: "a2")
        XCTAssertEqual(applied.cancels.map(\.agent), ["a3"])
        XCTAssertEqual(desk.call("c1")?.agent, "a2")
    }

    /// Once the agent has moved on (another state, another reason), a late answer is stale.
    func testALateAnswerAfterTheAgentMovedOnIsRefused() throws {
        var desk = try Self.timedOut(agents: ["a1"])
        try desk.notReady("a1", reason: "break")
        XCTAssertEqual(desk.refuse(.callAnswered(call: "c1", agent: "a1"))?.code, .invalidTransition, "not ready for a break, not from c1's ring")
    }

    /// A transfer starts a new leg: no ring of the earlier one can be answered late.
    func testATransferClearsTheLastRing() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 15), QueueConfig(id: "other", skills: ["x": 1])],
                            agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        desk.advance(15)
        try desk.tick()
        try desk.apply(.callTransfer(call: "c1", target: .queue("other")))
        XCTAssertNil(desk.call("c1")?.lastRang)
        XCTAssertEqual(desk.refuse(.callAnswered(call: "c1", agent: "a1"))?.code, .invalidTransition)
    }

    /// a1 logged in and ready; c1 rang on a1 for the queue's ring timeout and went back in line.
    static func timedOut(agents: [AgentID]) throws -> Desk {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 15)], agents: agents.map { profile($0) })
        try desk.loginReady("a1")
        try desk.offer("c1")
        for agent in agents.dropFirst() { try desk.loginReady(agent) }
        desk.advance(15)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .notReady)
        return desk
    }
}
