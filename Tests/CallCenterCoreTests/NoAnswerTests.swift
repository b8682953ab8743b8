import XCTest
import CallCenterCore

/// A seat that does not answer: the agent steps out, the call keeps its place in line.
final class NoAnswerTests: XCTestCase {
    /// `call.noanswer` puts the agent in not_ready (no_answer) and the call back ahead of later calls.
    func testNoAnswerRequeuesCallAtItsOriginalPlace() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        desk.advance(1)
        try desk.offer("c2")
        desk.advance(5)
        let applied = try desk.apply(.callNoAnswer(call: "c1", agent: "a1"))

        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").reason, "no_answer")
        XCTAssertNil(desk.agent("a1").call)
        let call = try XCTUnwrap(desk.call("c1"))
        XCTAssertEqual(call.state, .queued)
        XCTAssertNil(call.agent)
        XCTAssertNil(call.ringingAt)
        XCTAssertEqual(call.attempts, 1)
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 2)
        XCTAssertTrue(applied.callEvents.contains("call.requeued"))
        XCTAssertNil(desk.center.nextDeadline(), "the ring timeout is void")
    }

    /// A call that rang on an agent who became ready and did not answer is listed once, at the front.
    func testRequeuedCallIsListedOnceAfterRingingOnNewlyReadyAgent() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        desk.advance(1)
        try desk.offer("c2")
        try desk.ready("a1")
        XCTAssertEqual(desk.call("c1")?.agent, "a1")
        XCTAssertEqual(desk.waiting(), ["c2"])

        try desk.apply(.callNoAnswer(call: "c1", agent: "a1"))
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 2)
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
    }

    /// The ring timeout fires on the tick at ringing_at + ring_timeout: cancel the route, requeue, agent not_ready.
    func testRingTimeoutCancelsRouteAndRequeues() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 15)], agents: [profile("a1", seat: "801")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        let rangAt = desk.now
        desk.advance(2)
        try desk.offer("c2")
        XCTAssertEqual(desk.center.nextDeadline(), rangAt.adding(seconds: 15))

        desk.advance(12.999)
        let early = try desk.tick()
        XCTAssertTrue(early.cancels.isEmpty)
        XCTAssertEqual(desk.call("c1")?.state, .ringing)

        desk.advance(0.001)
        XCTAssertEqual(desk.now, rangAt.adding(seconds: 15))
        let applied = try desk.tick()
        XCTAssertEqual(applied.cancels.count, 1)
        XCTAssertEqual(applied.cancels.first?.call, "c1")
        XCTAssertEqual(applied.cancels.first?.agent, "a1")
        XCTAssertEqual(applied.cancels.first?.seat, "801")
        XCTAssertEqual(applied.cancels.first?.reason, "ring_timeout")

        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").reason, "no_answer")
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertEqual(desk.call("c1")?.attempts, 1)
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
        XCTAssertNil(desk.center.nextDeadline())
    }

    /// A tick well past the timeout fires it too (the shell's timer may be late).
    func testLateTickStillFiresRingTimeout() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 10)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        desk.advance(300)
        let applied = try desk.tick()
        XCTAssertEqual(applied.cancels.map(\.call), ["c1"])
        XCTAssertEqual(desk.call("c1")?.state, .queued)
    }

    /// An unanswered call goes at once to the next ready agent, still ahead of later calls.
    func testUnansweredCallGoesToNextReadyAgent() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 10)], agents: [profile("a1"), profile("a2")])
        try desk.loginReady("a1")
        desk.advance(1)
        try desk.offer("c1")  // rings a1
        try desk.offer("c2")  // nobody else ready
        try desk.login("a2")
        desk.advance(10)
        try desk.tick()
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])

        try desk.ready("a2")
        XCTAssertEqual(desk.call("c1")?.agent, "a2")
        XCTAssertEqual(desk.call("c1")?.attempts, 1)
        XCTAssertEqual(desk.waiting(), ["c2"])
    }

    /// Each unanswered offer counts one more attempt.
    func testAttemptsCountEveryUnansweredOffer() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        for attempt in 1...3 {
            try desk.ready("a1")
            XCTAssertEqual(desk.call("c1")?.state, .ringing)
            try desk.apply(.callNoAnswer(call: "c1", agent: "a1"))
            XCTAssertEqual(desk.call("c1")?.attempts, attempt)
        }
    }

    /// A ring timeout that came due while the daemon was down ends the agent's
    /// ringing when it was due: their not-ready time starts there, as if the
    /// daemon had been up (their available time is not stretched by the outage).
    func testARingTimeoutDueDuringAnOutageEndsTheRingWhenDue() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 15)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        let rangAt = desk.now
        desk.restart()
        desk.advance(60)  // down for a minute
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").since, rangAt.adding(seconds: 15))
        XCTAssertEqual(desk.call("c1")?.state, .queued)
    }
}
