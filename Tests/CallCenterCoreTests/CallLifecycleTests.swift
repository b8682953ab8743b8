import XCTest
import CallCenterCore

/// offer → queued | ringing → connected → ended, and the agent around it.
final class CallLifecycleTests: XCTestCase {
    /// A call offered while nobody is ready waits in line with its position and an estimated wait.
    func testOfferWithNoReadyAgentQueuesWithPositionAndEstimate() throws {
        var desk = try Desk(agents: [profile("a1")])
        let first = try desk.offer("c1")
        let second = try desk.offer("c2")

        XCTAssertEqual(first.queue, "general")
        XCTAssertEqual(first.position, 1)
        XCTAssertEqual(second.position, 2)
        // No agent staffed: the default handle time (180 s) per call ahead, one agent assumed.
        XCTAssertEqual(first.ewt, 180)
        XCTAssertEqual(second.ewt, 360)
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertNil(desk.call("c1")?.agent)
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 2)
    }

    /// A call offered while an agent is ready rings that agent's seat at once, with route and screen-pop effects.
    func testOfferWithReadyAgentRingsWithRouteAndAssignedEffects() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801")])
        try desk.loginReady("a1")
        let applied = try desk.apply(.offerCall(call: "c1", from: "+861", to: "400", queue: nil, attributes: ["language": "yue"]))

        guard case let .offered(result) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
        XCTAssertEqual(result.position, 0)
        XCTAssertEqual(result.ewt, 0)
        XCTAssertTrue(applied.effects.contains(.route(call: "c1", agent: "a1", seat: "801")))
        XCTAssertTrue(applied.effects.contains(.assigned(call: "c1", agent: "a1")))
        XCTAssertEqual(applied.callEvents, ["call.offered", "call.queued", "call.ringing"])

        let call = try XCTUnwrap(desk.call("c1"))
        XCTAssertEqual(call.state, .ringing)
        XCTAssertEqual(call.agent, "a1")
        XCTAssertEqual(call.ringingAt, desk.now)
        XCTAssertEqual(call.attributes, ["language": "yue"])
        XCTAssertEqual(desk.state("a1"), .ringing)
        XCTAssertEqual(desk.agent("a1").call, "c1")
        XCTAssertEqual(desk.waiting(), [])
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 0)
    }

    /// Answering a ringing call connects it and makes its agent busy with it.
    func testAnswerConnectsCallAndMakesAgentBusy() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        desk.advance(4)
        let applied = try desk.answer("c1", by: "a1")

        XCTAssertEqual(applied.callEvents, ["call.connected"])
        let call = try XCTUnwrap(desk.call("c1"))
        XCTAssertEqual(call.state, .connected)
        XCTAssertEqual(call.answeredAt, desk.now)
        XCTAssertEqual(desk.state("a1"), .busy)
        XCTAssertEqual(desk.agent("a1").call, "c1")
        XCTAssertEqual(desk.agent("a1").answeredToday, 1)
        XCTAssertNil(desk.center.nextDeadline(), "an answered call has no ring timeout left")
    }

    /// A connected call the caller hangs up ends completed; the agent wraps up until end + wrap_up, then a tick makes them ready.
    func testCallerHangupCompletesCallAndWrapUpEndsOnTick() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 30)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(60)
        let ended = desk.now
        let applied = try desk.hangup("c1", by: .caller)

        guard case let .call(call) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
        XCTAssertEqual(call.state, .ended)
        XCTAssertEqual(call.outcome, .completed)
        XCTAssertEqual(call.hangupBy, .caller)
        XCTAssertEqual(call.endedAt, ended)
        XCTAssertNil(desk.call("c1"), "ended calls leave the live state")
        XCTAssertEqual(applied.changes.legs.last?.outcome, .completed)

        XCTAssertEqual(desk.state("a1"), .wrapUp)
        XCTAssertNil(desk.agent("a1").call)
        XCTAssertEqual(desk.agent("a1").wrapUp?.until, ended.adding(seconds: 30))
        XCTAssertEqual(desk.center.nextDeadline(), ended.adding(seconds: 30))

        desk.advance(29.999)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .wrapUp, "wrap-up does not end early")

        desk.advance(0.001)
        let tick = try desk.tick()
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(tick.changes.wrapUpsEnded.count, 1)
        XCTAssertNil(desk.center.nextDeadline())
    }

    /// With a wrap-up of 0 the agent is ready again the moment the call ends.
    func testHangupWithoutWrapUpMakesAgentReadyAtOnce() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 0)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(45)
        let applied = try desk.hangup("c1", by: .agent)

        guard case let .call(call) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
        XCTAssertEqual(call.outcome, .completed)
        XCTAssertEqual(call.hangupBy, .agent)
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(desk.agent("a1").idleSince, desk.now)
        XCTAssertNil(desk.center.nextDeadline())
    }

    /// A caller hanging up while waiting in line abandons the call and leaves the line.
    func testHangupWhileQueuedAbandonsCall() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.offer("c1")
        try desk.offer("c2")
        desk.advance(12)
        let applied = try desk.hangup("c1")

        guard case let .call(call) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
        XCTAssertEqual(call.outcome, .abandoned)
        XCTAssertNil(call.agent)
        XCTAssertNil(desk.call("c1"))
        XCTAssertEqual(desk.waiting(), ["c2"])
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 1)
        XCTAssertEqual(try desk.stats().counters.abandoned, 1)
    }

    /// A caller hanging up while the seat rings abandons the call and the agent is ready again.
    func testHangupWhileRingingAbandonsCallAndFreesAgent() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        let idle = desk.agent("a1").idleSince
        desk.advance(2)
        try desk.offer("c1")
        desk.advance(3)
        let applied = try desk.hangup("c1")

        guard case let .call(call) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
        XCTAssertEqual(call.outcome, .abandoned)
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertNil(desk.agent("a1").call)
        XCTAssertEqual(desk.agent("a1").idleSince, idle, "the agent keeps their place in the idle order")
        XCTAssertNil(desk.center.nextDeadline(), "the ring timeout of an ended call is dropped")
    }

    /// An agent freed by a caller hanging up during ringing takes the next waiting call straight away.
    func testAgentFreedByRingingHangupTakesNextWaitingCall() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.offer("c2")
        XCTAssertEqual(desk.waiting(), ["c2"])
        let applied = try desk.hangup("c1")

        XCTAssertEqual(desk.call("c2")?.state, .ringing)
        XCTAssertEqual(desk.call("c2")?.agent, "a1")
        XCTAssertEqual(applied.routes.map(\.call), ["c2"])
        XCTAssertEqual(desk.waiting(), [])
    }

    /// The reply's position counts only the calls really waiting, not ones that already left the line.
    func testOfferPositionIgnoresCallsThatLeftTheLine() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.offer("c1")
        try desk.hangup("c1")
        let result = try desk.offer("c2")

        XCTAssertEqual(desk.waiting(), ["c2"])
        XCTAssertEqual(result.position, 1, "c2 is first in line")
    }

    /// A higher-priority call's position skips calls that already left the line ahead of it.
    func testPriorityOfferPositionIgnoresCallsThatLeftTheLine() throws {
        var desk = try Desk()
        try desk.apply(.offerCall(call: "vip", from: "+861", to: "400", queue: nil, attributes: ["tier": "high_value"]))
        try desk.offer("plain")
        try desk.hangup("vip")
        let applied = try desk.apply(.offerCall(call: "mid", from: "+862", to: "400", queue: nil, attributes: ["tier": "potential"]))
        guard case let .offered(result) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }

        XCTAssertEqual(desk.waiting(), ["mid", "plain"])
        XCTAssertEqual(result.position, 1, "mid is first in line: vip left")
    }
}
