import XCTest
import CallCenterCore

/// Who gets which call: longest idle, skills, first come first served.
final class RoutingTests: XCTestCase {
    /// Of several ready agents, the one ready the longest gets the call.
    func testLongestIdleReadyAgentGetsTheCall() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2"), profile("a3")])
        try desk.login("a1"); try desk.login("a2"); try desk.login("a3")
        try desk.ready("a3")
        desk.advance(1)
        try desk.ready("a1")
        desk.advance(1)
        try desk.ready("a2")

        try desk.offer("c1")
        XCTAssertEqual(desk.call("c1")?.agent, "a3")
        try desk.offer("c2")
        XCTAssertEqual(desk.call("c2")?.agent, "a1")
        try desk.offer("c3")
        XCTAssertEqual(desk.call("c3")?.agent, "a2")
    }

    /// Agents ready since the same instant are taken in agent id order.
    func testIdleTiesGoToTheLowerAgentID() throws {
        var desk = try Desk(agents: [profile("b"), profile("a"), profile("c")])
        try desk.login("c"); try desk.login("b"); try desk.login("a")
        try desk.ready("c"); try desk.ready("b"); try desk.ready("a")

        try desk.offer("c1")
        XCTAssertEqual(desk.call("c1")?.agent, "a")
        try desk.offer("c2")
        XCTAssertEqual(desk.call("c2")?.agent, "b")
    }

    /// An agent below a queue's minimum skill level is passed over, even when idle longest.
    func testSkillMinimumLevelsGateEligibility() throws {
        var desk = try Desk(
            queues: [QueueConfig(id: "billing", skills: ["billing": 5, "zh": 1])],
            agents: [profile("low", skills: ["billing": 4, "zh": 9]),
                     profile("nolang", skills: ["billing": 9]),
                     profile("ok", skills: ["billing": 5, "zh": 1])]
        )
        try desk.loginReady("low")
        desk.advance(1)
        try desk.loginReady("nolang")
        desk.advance(1)
        try desk.loginReady("ok")

        try desk.offer("c1", queue: "billing")
        XCTAssertEqual(desk.call("c1")?.agent, "ok")

        try desk.offer("c2", queue: "billing")
        XCTAssertEqual(desk.call("c2")?.state, .queued, "nobody else qualifies")
        XCTAssertEqual(desk.state("low"), .ready)
        XCTAssertEqual(desk.state("nolang"), .ready)
    }

    /// Calls waiting in line go first-come first-served to an agent as they become ready.
    func testWaitingCallsGoFIFOToAgentWhoBecomesReady() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        for id in ["c1", "c2", "c3"] {
            try desk.offer(id)
            desk.advance(1)
        }
        XCTAssertEqual(desk.waiting(), ["c1", "c2", "c3"])

        var served: [CallID] = []
        let applied = try desk.ready("a1")
        XCTAssertEqual(applied.routes.map(\.call), ["c1"])
        for _ in 0..<3 {
            let call = try XCTUnwrap(desk.agent("a1").call)
            served.append(call)
            try desk.answer(call, by: "a1")
            desk.advance(30)
            try desk.hangup(call)  // wrap-up 0: ready again, takes the next one
        }
        XCTAssertEqual(served, ["c1", "c2", "c3"])
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// An agent only takes calls from queues whose skills it has, and leaves the others waiting.
    func testAgentOnlyTakesQueuesItIsSkilledFor() throws {
        var desk = try Desk(
            queues: [QueueConfig(id: "sales", skills: ["sales": 1]), QueueConfig(id: "billing", skills: ["billing": 1])],
            agents: [profile("seller", skills: ["sales": 3])]
        )
        try desk.offer("b1", queue: "billing")
        desk.advance(1)
        try desk.offer("s1", queue: "sales")
        try desk.loginReady("seller")

        XCTAssertEqual(desk.call("s1")?.agent, "seller", "the older billing call is not theirs to take")
        XCTAssertEqual(desk.call("b1")?.state, .queued)
        XCTAssertEqual(desk.waiting("billing"), ["b1"])
    }

    /// An agent skilled for several queues takes the call that has waited longest across them.
    func testAgentWithSeveralQueuesTakesTheOldestCall() throws {
        var desk = try Desk(
            queues: [QueueConfig(id: "sales", skills: ["sales": 1]), QueueConfig(id: "billing", skills: ["billing": 1])],
            agents: [profile("both", skills: ["sales": 3, "billing": 3])]
        )
        try desk.offer("s1", queue: "sales")
        desk.advance(1)
        try desk.offer("b1", queue: "billing")
        desk.advance(1)
        try desk.offer("s2", queue: "sales")
        try desk.loginReady("both")
        XCTAssertEqual(desk.agent("both").call, "s1")
    }

    /// Giving a ready agent a skill routes a waiting call it now qualifies for.
    func testNewSkillRoutesWaitingCallToReadyAgent() throws {
        var desk = try Desk(queues: [QueueConfig(id: "vip", skills: ["vip": 3])], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1", queue: "vip")
        XCTAssertEqual(desk.call("c1")?.state, .queued)

        try desk.apply(.upsertAgent(profile("a1", skills: ["vip": 3]), tokenHash: nil))
        XCTAssertEqual(desk.call("c1")?.agent, "a1")
        XCTAssertEqual(desk.state("a1"), .ringing)
    }

    /// Lowering a queue's skill requirement routes its waiting calls to agents who now qualify.
    func testRelaxedQueueSkillsRouteWaitingCalls() throws {
        var desk = try Desk(queues: [QueueConfig(id: "vip", skills: ["vip": 8])], agents: [profile("a1", skills: ["vip": 4])])
        try desk.loginReady("a1")
        try desk.offer("c1", queue: "vip")
        XCTAssertEqual(desk.call("c1")?.state, .queued)

        try desk.apply(.upsertQueue(QueueConfig(id: "vip", skills: ["vip": 4])))
        XCTAssertEqual(desk.call("c1")?.agent, "a1")
    }

    /// A not-ready agent never gets calls; a logged-in agent waits for its own `ready`.
    func testNotReadyAgentGetsNoCalls() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertEqual(desk.state("a1"), .notReady)
    }
}
