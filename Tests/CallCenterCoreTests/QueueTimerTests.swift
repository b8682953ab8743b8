import XCTest
@testable import CallCenterCore

/// A call's timers (maximum wait, overflow steps, ring timeout) follow its
/// queue's settings as they are now, and the round-robin position is kept with
/// the queue: the same inputs give the same decisions with or without a restart
/// in between.
final class QueueTimerTests: XCTestCase {
    func timeouts(_ applied: CallCenter.Applied) -> [CallID] {
        applied.effects.compactMap { if case let .timeout(call, _, _, _) = $0 { return call } else { return nil } }
    }

    /// Round-robin goes on after the agent rung last, restart or not: ringing an
    /// agent is a change of the queue (its row keeps `last_routed`).
    func testRoundRobinGoesOnFromTheAgentRungLast() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", strategy: .roundRobin, ringTimeout: 60)],
                            agents: [profile("a1"), profile("a2"), profile("a3")])
        for id in ["a1", "a2", "a3"] { try desk.login(id) }
        try desk.offer("c1")
        let rang = try desk.ready("a2")
        XCTAssertEqual(rang.routes.map(\.agent), ["a2"])
        XCTAssertTrue(rang.changes.queues.contains("general"), "the position moved")
        XCTAssertEqual(desk.center.queues["general"]?.lastRouted, "a2")
        try desk.ready("a1")
        try desk.ready("a3")
        for var twin in desk.withRestarted() {
            XCTAssertEqual(try twin.offer("c2").position, 0)
            XCTAssertEqual(twin.call("c2")?.agent, "a3")
        }
    }

    /// Other strategies do not keep a position: ringing is no change of the queue.
    func testOtherStrategiesKeepNoPosition() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        let rang = try desk.ready("a1")
        XCTAssertEqual(rang.routes.map(\.agent), ["a1"])
        XCTAssertFalse(rang.changes.queues.contains("general"))
        XCTAssertNil(desk.center.queues["general"]?.lastRouted)
    }

    /// A maximum wait removed from the queue no longer times out the callers
    /// already waiting; raised, it times them out at the new limit.
    func testAMaximumWaitChangedAppliesToCallersWaiting() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxWait: 4, onTimeout: .callback)])
        try desk.offer("m1")
        try desk.offer("m2")
        try desk.apply(.upsertQueue(QueueConfig(id: "general", maxWait: 10, onTimeout: .callback)))
        for var twin in desk.withRestarted() {
            twin.advance(5)
            XCTAssertEqual(timeouts(try twin.tick()), [], "not at the old 4 s")
            twin.advance(5)
            XCTAssertEqual(timeouts(try twin.tick()), ["m1", "m2"])
        }
        var unlimited = try Desk(queues: [QueueConfig(id: "general", maxWait: 4, onTimeout: .callback)])
        try unlimited.offer("m1")
        try unlimited.apply(.upsertQueue(QueueConfig(id: "general", onTimeout: .callback)))
        for var twin in unlimited.withRestarted() {
            twin.advance(3600)
            XCTAssertEqual(timeouts(try twin.tick()), [])
            XCTAssertEqual(twin.call("m1")?.state, .queued)
        }
    }

    /// A maximum wait lowered below what a caller has waited times them out at the next tick.
    func testAMaximumWaitLoweredBelowTheWaitTimesOutAtTheNextTick() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxWait: 60)])
        try desk.offer("m1")
        desk.advance(30)
        try desk.apply(.upsertQueue(QueueConfig(id: "general", maxWait: 10)))
        XCTAssertLessThanOrEqual(try XCTUnwrap(desk.center.nextDeadline()), desk.now)
        XCTAssertEqual(timeouts(try desk.tick()), ["m1"])
    }

    /// An overflow step moved later applies at its new time, not the old one.
    func testAnOverflowStepMovedLaterAppliesAtItsNewTime() throws {
        let other = QueueConfig(id: "other")
        var desk = try Desk(queues: [QueueConfig(id: "general", skills: ["x": 1], overflow: [OverflowStep(after: 3, addQueue: "other")]), other])
        try desk.offer("c1")
        try desk.apply(.upsertQueue(QueueConfig(id: "general", skills: ["x": 1], overflow: [OverflowStep(after: 60, addQueue: "other")])))
        for var twin in desk.withRestarted() {
            twin.advance(4)
            XCTAssertEqual(try twin.tick().callEvents, [])
            XCTAssertEqual(twin.call("c1")?.extraQueues, [])
            twin.advance(56)
            XCTAssertEqual(try twin.tick().callEvents, ["call.overflow"])
            XCTAssertEqual(twin.call("c1")?.extraQueues, ["other"])
        }
    }

    /// A ring timeout lowered while a call rings applies to that ring.
    func testALowerRingTimeoutAppliesToACallRinging() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 30)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        XCTAssertEqual(desk.call("c1")?.state, .ringing)
        try desk.apply(.upsertQueue(QueueConfig(id: "general", ringTimeout: 2)))
        for var twin in desk.withRestarted() {
            twin.advance(3)
            XCTAssertEqual(try twin.tick().callEvents, ["call.requeued"])
            XCTAssertEqual(twin.state("a1"), .notReady)
            XCTAssertEqual(twin.call("c1")?.state, .queued)
        }
    }

    /// A new call with the id of one that ended gets its own maximum wait, not
    /// what was left of the first call's.
    func testAReusedCallIdDoesNotInheritTheEndedCallsTimers() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxWait: 6, overflow: [OverflowStep(after: 5, relaxSkills: [:])])])
        try desk.offer("k1")
        desk.advance(1)
        try desk.hangup("k1")
        desk.advance(2)
        try desk.offer("k1")  // queued at 3 s: overflow due at 8 s, maximum wait at 9 s
        desk.advance(3.5)
        let at6 = try desk.tick()
        XCTAssertEqual(timeouts(at6), [])
        XCTAssertEqual(at6.callEvents, [], "the first call's overflow step (5 s) is not this one's")
        XCTAssertEqual(desk.call("k1")?.state, .queued)
        desk.advance(2)
        XCTAssertEqual(try desk.tick().callEvents, ["call.overflow"])
        desk.advance(0.5)
        XCTAssertEqual(timeouts(try desk.tick()), ["k1"])
    }

    /// A maximum wait that came due while the daemon was down ends the leg when it
    /// was due, and the next queue's wait counts from then: the caller reaches
    /// voicemail when they would have without the restart, not later by the outage.
    func testATimeoutDueDuringAnOutageCountsFromWhenItWasDue() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxWait: 1, onTimeout: .queue("b")),
                                     QueueConfig(id: "b", maxWait: 3, onTimeout: .voicemail)])
        try desk.offer("c1")
        let offered = desk.now
        desk.restart()
        desk.advance(2.5)  // down from before the first limit to after it
        let moved = try desk.tick()
        XCTAssertEqual(moved.changes.legs.first { $0.leg == 1 }?.endedAt, offered.adding(seconds: 1), "leg 1 ended when it was due")
        XCTAssertEqual(desk.call("c1")?.queue, "b")
        XCTAssertEqual(desk.call("c1")?.queuedAt, offered.adding(seconds: 1), "b's wait counts from then")
        desk.advance(1.5)  // offered + 4: b's maximum wait, as without the restart
        let ended = try desk.tick()
        XCTAssertEqual(ended.changes.legs.last?.endedAt, offered.adding(seconds: 4))
        XCTAssertEqual(ended.changes.legs.last?.outcome, .timedOut)
        XCTAssertNil(desk.call("c1"))
    }
}
