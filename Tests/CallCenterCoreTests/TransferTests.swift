import XCTest
import CallCenterCore

/// `call.transfer`: the current leg ends as transferred and the call goes on as a new leg.
final class TransferTests: XCTestCase {
    /// Transferring a connected call to a queue closes leg 1 as transferred and queues leg 2 there.
    func testTransferToQueueStartsNewLeg() throws {
        var desk = try Desk(
            queues: [QueueConfig(id: "general", wrapUp: 10), QueueConfig(id: "billing")],
            agents: [profile("a1")]
        )
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(30)
        let applied = try desk.apply(.callTransfer(call: "c1", target: .queue("billing")))

        let closed = try XCTUnwrap(applied.changes.legs.first { $0.leg == 1 })
        XCTAssertEqual(closed.outcome, .transferred)
        XCTAssertEqual(closed.state, .ended)
        XCTAssertEqual(closed.endedAt, desk.now)
        XCTAssertEqual(closed.queue, "general")
        XCTAssertEqual(applied.changes.legs.last?.leg, 2)
        XCTAssertTrue(applied.callEvents.contains("call.transferred"))

        let next = try XCTUnwrap(desk.call("c1"))
        XCTAssertEqual(next.leg, 2)
        XCTAssertEqual(next.queue, "billing")
        XCTAssertEqual(next.state, .queued)
        XCTAssertEqual(next.queuedAt, desk.now)
        XCTAssertNil(next.answeredAt)
        XCTAssertEqual(desk.waiting("billing"), ["c1"])
        XCTAssertEqual(try desk.stats("billing").counters.offered, 1)

        XCTAssertEqual(desk.state("a1"), .wrapUp, "the transferring agent wraps up leg 1")
        XCTAssertEqual(desk.agent("a1").wrapUp?.leg, 1)
    }

    /// Transferring to a ready agent rings that agent directly with a route effect.
    func testTransferToReadyAgentRingsDirectly() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2", seat: "902")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        try desk.loginReady("a2")
        let applied = try desk.apply(.callTransfer(call: "c1", target: .agent("a2")))

        XCTAssertTrue(applied.effects.contains(.route(call: "c1", agent: "a2", seat: "902")))
        XCTAssertTrue(applied.effects.contains(.assigned(call: "c1", agent: "a2")))
        let next = try XCTUnwrap(desk.call("c1"))
        XCTAssertEqual(next.leg, 2)
        XCTAssertEqual(next.state, .ringing)
        XCTAssertEqual(next.agent, "a2")
        XCTAssertEqual(desk.state("a2"), .ringing)
        XCTAssertEqual(desk.state("a1"), .ready, "wrap-up 0: free again")
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 0)
        XCTAssertEqual(desk.waiting(), [])
    }

    /// Transferring to an agent who is busy is a conflict that suggests a queue instead.
    func testTransferToBusyAgentIsConflict() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2")])
        try desk.loginReady("a1", "a2")
        try desk.offer("c1")
        try desk.offer("c2")
        try desk.answer("c1", by: "a1")
        try desk.answer("c2", by: "a2")
        let error = try XCTUnwrap(desk.refuse(.callTransfer(call: "c1", target: .agent("a2"))))
        XCTAssertEqual(error.code, .conflict)
        XCTAssertEqual(error.message, "agent 'a2' is busy, not ready: transfer to a queue instead")
    }

    /// Transferring to a queue that does not exist is not_found and changes nothing.
    func testTransferToUnknownQueueIsNotFound() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.offer("c1")
        XCTAssertEqual(desk.refuse(.callTransfer(call: "c1", target: .queue("nope")))?.code, .notFound)
    }

    /// Transferring a ringing call cancels the ring and frees the agent who was ringing.
    func testTransferOfRingingCallCancelsRing() throws {
        var desk = try Desk(
            queues: [QueueConfig(id: "general"), QueueConfig(id: "billing", skills: ["billing": 1])],
            agents: [profile("a1")]
        )
        try desk.loginReady("a1")
        try desk.offer("c1")
        let applied = try desk.apply(.callTransfer(call: "c1", target: .queue("billing")))
        XCTAssertEqual(applied.cancels.map(\.reason), ["transferred"])
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertEqual(desk.waiting("billing"), ["c1"])
        XCTAssertNil(desk.center.nextDeadline())
    }

    /// A waiting call transferred to another queue leaves its old line.
    func testTransferOfQueuedCallLeavesOldLine() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general"), QueueConfig(id: "billing")])
        try desk.offer("c1")
        try desk.offer("c2")
        try desk.apply(.callTransfer(call: "c1", target: .queue("billing")))
        XCTAssertEqual(desk.waiting("general"), ["c2"])
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 1)
        XCTAssertEqual(desk.waiting("billing"), ["c1"])
        XCTAssertEqual(desk.center.waitingCount(in: "billing"), 1)
    }
}
