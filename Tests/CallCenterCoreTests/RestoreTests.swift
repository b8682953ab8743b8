import XCTest
import CallCenterCore

/// `CallCenter(settings:restoring:)` from `snapshot`: a restart keeps lines, agents and deadlines.
final class RestoreTests: XCTestCase {
    /// Five waiting calls (one of them requeued after a no-answer) are served in the same order after a restart.
    func testWaitingOrderSurvivesRestart() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")  // rings a1
        for id in ["c2", "c3", "c4", "c5"] {
            desk.advance(1)
            try desk.offer(id)
        }
        try desk.apply(.callNoAnswer(call: "c1", agent: "a1"))  // c1 back at the front
        let before = desk.waiting()
        XCTAssertEqual(before, ["c1", "c2", "c3", "c4", "c5"])

        desk.restart()
        XCTAssertEqual(desk.waiting(), before)
        XCTAssertEqual(desk.center.waitingCount(in: "general"), 5)

        desk.advance(1)
        try desk.offer("c6")  // a newcomer still goes last
        var served: [CallID] = []
        try desk.ready("a1")
        while let call = desk.agent("a1").call {
            served.append(call)
            try desk.answer(call, by: "a1")
            desk.advance(10)
            try desk.hangup(call)
        }
        XCTAssertEqual(served, ["c1", "c2", "c3", "c4", "c5", "c6"])
    }

    /// Agents keep their states, reasons, seats and idle order across a restart, and ready ones still get calls.
    func testAgentStatesSurviveRestart() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2"), profile("a3"), profile("a4"), profile("a5")])
        try desk.login("a1", seat: "hot-1")
        try desk.notReady("a1", reason: "break")
        try desk.loginReady("a2")
        desk.advance(1)
        try desk.loginReady("a4")
        try desk.offer("c1")          // rings a2 (idle longest)
        try desk.answer("c1", by: "a2")
        try desk.notReady("a2", reason: "lunch")  // pending while busy
        try desk.login("a5")
        let counts = desk.center.agentCounts.filter { $0.value != 0 }

        desk.restart()
        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").reason, "break")
        XCTAssertEqual(desk.agent("a1").seat, "hot-1")
        XCTAssertEqual(desk.state("a2"), .busy)
        XCTAssertEqual(desk.agent("a2").pendingState, .notReady)
        XCTAssertEqual(desk.state("a3"), .loggedOut)
        XCTAssertEqual(desk.state("a4"), .ready)
        XCTAssertEqual(desk.center.agentCounts.filter { $0.value != 0 }, counts)

        try desk.offer("c2")
        XCTAssertEqual(desk.call("c2")?.agent, "a4", "the ready agent is routable after the restart")
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a2"), .notReady, "the pending state survived too")
        XCTAssertEqual(desk.agent("a2").reason, "lunch")
    }

    /// A call ringing at the restart keeps its ring-timeout deadline, which still fires.
    func testRingTimeoutSurvivesRestart() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 15)], agents: [profile("a1", seat: "801")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        let rangAt = desk.now
        desk.advance(6)

        desk.restart()
        XCTAssertEqual(desk.center.nextDeadline(), rangAt.adding(seconds: 15))
        desk.advance(9)
        let applied = try desk.tick()
        XCTAssertEqual(applied.cancels.first?.reason, "ring_timeout")
        XCTAssertEqual(applied.cancels.first?.seat, "801")
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertEqual(desk.state("a1"), .notReady)
    }

    /// a1 talked 20 s on c1 and has just begun a 30 s wrap-up.
    func wrappingUpAfterTalk20() throws -> Desk {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 30)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(20)
        try desk.hangup("c1")
        return desk
    }

    /// An agent wrapping up at the restart keeps the wrap-up deadline and is ready when it passes.
    func testWrapUpDeadlineSurvivesRestart() throws {
        var desk = try wrappingUpAfterTalk20()
        let until = desk.now.adding(seconds: 30)
        desk.advance(10)

        desk.restart()
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        XCTAssertEqual(desk.center.nextDeadline(), until)
        desk.advance(20)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(try desk.stats().counters.aht, 50, "talk 20 + wrap-up 30, across the restart")
    }

    /// A wrap-up that ran out while the daemon was down counts its own length in
    /// the handle time, not the downtime; the agent is ready from when it was due,
    /// as without the restart.
    func testWrapUpThatEndedWhileDownCountsItsOwnLength() throws {
        var desk = try wrappingUpAfterTalk20()
        desk.advance(10)

        desk.restart()
        desk.advance(3600)  // down for an hour; the wrap-up was due 20 s after the crash
        let applied = try desk.tick()
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(desk.center.agents["a1"]?.since, desk.now.adding(seconds: -3600 + 20), "ready from the end of the wrap-up")
        XCTAssertEqual(try desk.stats().counters.aht, 50, "talk 20 + wrap-up 30, not + 3600")
        XCTAssertEqual(applied.changes.wrapUpsEnded.first?.at, desk.now.adding(seconds: -3600 + 20), "the leg's wrap-up ended when due")
    }

    /// A wrap-up that ran out before midnight while the daemon was down counts in
    /// that day's figures, not in those of the day of the restart.
    func testWrapUpThatEndedBeforeMidnightWhileDownIsNotCountedToday() throws {
        var desk = try wrappingUpAfterTalk20()  // the clock starts at 22:13:20 UTC (offset 0)
        desk.restart()
        desk.advance(3 * 3600)  // back at 01:13, the next day
        let applied = try desk.tick()
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(try desk.stats().counters.handled, 0, "the call was handled yesterday")
        XCTAssertNil(try desk.stats().counters.aht)
        XCTAssertEqual(applied.changes.wrapUpsEnded.count, 1, "the call log still gets the wrap-up's length")
    }

    /// Call ids and tickets keep counting after a restart: no new call can jump an old one.
    func testTicketsContinueAfterRestart() throws {
        var desk = try Desk()
        try desk.offer("c1")
        try desk.offer("c2")
        let next = desk.center.nextTicket
        desk.restart()
        XCTAssertEqual(desk.center.nextTicket, next)
        try desk.offer("c3")
        XCTAssertEqual(desk.waiting(), ["c1", "c2", "c3"])
        XCTAssertGreaterThan(desk.call("c3")?.ticket ?? 0, desk.call("c2")?.ticket ?? .max)
    }
}
