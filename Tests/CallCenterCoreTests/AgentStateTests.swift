import XCTest
import CallCenterCore

/// Login, logout, ready / not ready, and requests made while on a call.
final class AgentStateTests: XCTestCase {
    /// Logging in leaves the agent not_ready (reason login) on the profile's seat until it asks for ready.
    func testLoginLeavesAgentNotReady() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801")])
        let applied = try desk.login("a1")
        guard case let .agent(agent) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
        XCTAssertEqual(agent.state, .notReady)
        XCTAssertEqual(agent.reason, "login")
        XCTAssertEqual(agent.seat, "801")
        XCTAssertEqual(agent.since, desk.now)
        XCTAssertTrue(applied.changes.agents.contains("a1"))
    }

    /// Logging in with a seat uses that seat instead of the profile's.
    func testLoginWithSeatUsesThatSeat() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801")])
        try desk.login("a1", seat: "hot-desk-7")
        try desk.ready("a1")
        let applied = try desk.apply(.offerCall(call: "c1", from: "+861", to: "400", queue: nil, attributes: [:]))
        XCTAssertEqual(applied.routes.first?.seat, "hot-desk-7")
    }

    /// Logging in again while logged in (a softphone reconnecting) keeps the state, even ringing.
    func testLoginAgainKeepsState() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        desk.advance(10)
        try desk.login("a1")
        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertEqual(desk.agent("a1").since, desk.now.adding(seconds: -10))

        try desk.offer("c1")
        try desk.login("a1")
        XCTAssertEqual(desk.state("a1"), .ringing)
        XCTAssertEqual(desk.agent("a1").call, "c1")
    }

    /// A reconnect naming another seat moves an idle agent to that seat but is refused while ringing.
    func testReconnectMovesSeatOnlyWhenIdle() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801")])
        try desk.loginReady("a1")
        try desk.login("a1", seat: "802")
        XCTAssertEqual(desk.agent("a1").seat, "802")
        XCTAssertEqual(desk.state("a1"), .ready)

        try desk.offer("c1")
        let error = try XCTUnwrap(desk.refuse(.agentLogin(agent: "a1", seat: "803")))
        XCTAssertEqual(error.code, .invalidTransition)
        XCTAssertTrue(error.message.contains("change seats after the call"), error.message)
    }

    /// Not ready asked while busy is kept pending and applies when the wrap-up ends.
    func testNotReadyWhileBusyAppliesAfterWrapUp() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 20)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        try desk.notReady("a1", reason: "lunch")
        XCTAssertEqual(desk.state("a1"), .busy)
        XCTAssertEqual(desk.agent("a1").pendingState, .notReady)
        XCTAssertEqual(desk.agent("a1").pendingReason, "lunch")

        desk.advance(60)
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        desk.advance(20)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").reason, "lunch")
        XCTAssertNil(desk.agent("a1").pendingState)
    }

    /// With no wrap-up, a pending not ready applies as the call ends, and the agent takes no waiting call.
    func testPendingNotReadyAppliesAtHangupWithoutWrapUp() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.offer("c2")
        try desk.answer("c1", by: "a1")
        try desk.notReady("a1", reason: "break")
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").reason, "break")
        XCTAssertEqual(desk.call("c2")?.state, .queued)
    }

    /// Ready asked while busy cancels an earlier pending not ready.
    func testReadyWhileBusyCancelsPendingNotReady() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        try desk.notReady("a1")
        try desk.ready("a1")
        XCTAssertNil(desk.agent("a1").pendingState)
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// Ready during wrap-up ends the wrap-up early; its deadline no longer fires.
    func testReadyDuringWrapUpEndsItEarly() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 60)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(40)
        try desk.hangup("c1")
        desk.advance(5)
        let applied = try desk.ready("a1")

        XCTAssertEqual(desk.state("a1"), .ready)
        XCTAssertNil(desk.agent("a1").wrapUp)
        XCTAssertEqual(applied.changes.wrapUpsEnded.count, 1)
        XCTAssertEqual(applied.changes.wrapUpsEnded.first?.at, desk.now)
        XCTAssertNil(desk.center.nextDeadline())
        XCTAssertEqual(try desk.stats().counters.handleSeconds, 45, "talk 40 + wrap-up 5")
    }

    /// Not ready during wrap-up ends it into not_ready with the given reason.
    func testNotReadyDuringWrapUpEndsIntoNotReady() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 60)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        try desk.hangup("c1")
        try desk.notReady("a1", reason: "coaching")
        XCTAssertEqual(desk.state("a1"), .notReady)
        XCTAssertEqual(desk.agent("a1").reason, "coaching")
    }

    /// Not ready while the seat rings is invalid_transition: answer or let it time out first.
    func testNotReadyWhileRingingIsInvalidTransition() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        let error = try XCTUnwrap(desk.refuse(.agentSetState(agent: "a1", state: .notReady, reason: "break")))
        XCTAssertEqual(error.code, .invalidTransition)
        XCTAssertTrue(error.message.contains("ringing"), error.message)
        XCTAssertEqual(desk.state("a1"), .ringing)
    }

    /// Only ready and not_ready may be asked for.
    func testOnlyReadyOrNotReadyMayBeAskedFor() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        let error = try XCTUnwrap(desk.refuse(.agentSetState(agent: "a1", state: .busy, reason: nil)))
        XCTAssertEqual(error.code, .badRequest)
        XCTAssertTrue(error.message.contains("field 'state'"), error.message)
    }

    /// Logging out while the seat rings cancels the route and puts the call back in line.
    func testLogoutWhileRingingCancelsRouteAndRequeues() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        let applied = try desk.apply(.agentLogout(agent: "a1"))
        XCTAssertEqual(applied.cancels.map(\.reason), ["agent_logged_out"])
        XCTAssertEqual(desk.state("a1"), .loggedOut)
        XCTAssertNil(desk.agent("a1").call)
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertEqual(desk.waiting(), ["c1"])
    }

    /// Logging out during wrap-up ends the wrap-up (counting its handle time) and logs out.
    func testLogoutDuringWrapUpEndsIt() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 60)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(30)
        try desk.hangup("c1")
        desk.advance(10)
        try desk.apply(.agentLogout(agent: "a1"))
        XCTAssertEqual(desk.state("a1"), .loggedOut)
        XCTAssertNil(desk.center.nextDeadline())
        XCTAssertEqual(try desk.stats().counters.handled, 1)
        XCTAssertEqual(try desk.stats().counters.handleSeconds, 40)
    }

    /// Logging out twice is harmless: the second logout changes nothing.
    func testLogoutWhenLoggedOutIsANoOp() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.apply(.agentLogout(agent: "a1"))
        let before = desk.center.snapshot
        try desk.apply(.agentLogout(agent: "a1"))
        XCTAssertEqual(desk.center.snapshot, before)
    }
}

/// Occupancy (DOMAIN.md §8): (talk + wrap-up) ÷ (logged-in time − not-ready time), per agent, per local day.
final class OccupancyTests: XCTestCase {
    /// Not-ready time counts nowhere; ready and ringing are available, busy and wrap-up handling.
    func testOccupancyCountsHandlingOverAvailableTime() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 20)], agents: [profile("a1")])
        try desk.login("a1")
        desk.advance(600)  // not ready: counts nowhere
        try desk.ready("a1")
        desk.advance(30)
        try desk.offer("c1")  // ringing
        desk.advance(5)
        try desk.answer("c1", by: "a1")
        desk.advance(60)
        try desk.hangup("c1")  // wrap-up 20 s
        desk.advance(20)
        try desk.tick()  // ready again
        desk.advance(10)
        let a1 = try XCTUnwrap(desk.center.agents["a1"])
        let work = desk.center.workToday(of: a1, now: desk.now)
        XCTAssertEqual(work.handle, 80, accuracy: 1e-9, "busy 60 + wrap-up 20")
        XCTAssertEqual(work.available, 45, accuracy: 1e-9, "ready 30 + ringing 5 + ready 10 so far")
        let general = try XCTUnwrap(try desk.stats().occupancy)
        XCTAssertEqual(general, 80.0 / 125.0, accuracy: 1e-9)

        try desk.apply(.agentSetState(agent: "a1", state: .notReady, reason: "lunch"))
        desk.advance(3000)
        let later = desk.center.workToday(of: try XCTUnwrap(desk.center.agents["a1"]), now: desk.now)
        XCTAssertEqual(later.available, 45, accuracy: 1e-9, "lunch counts nowhere")
    }

    /// A wrap-up that ran out while the daemon was down ends when it was due: the
    /// agent's handle time stops there and their ready time starts there, as
    /// without the restart (the downtime is not counted as after-call work).
    func testAWrapUpDueWhileDownEndsWhenItWasDue() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 20)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        desk.advance(60)
        try desk.hangup("c1")  // wrap-up until +20 s
        let due = desk.now.adding(seconds: 20)
        desk.restart()
        desk.advance(300)  // down for five minutes
        try desk.tick()
        let a1 = try XCTUnwrap(desk.center.agents["a1"])
        XCTAssertEqual(a1.state, .ready)
        XCTAssertEqual(a1.since, due)
        XCTAssertEqual(a1.idleSince, due, "idle since the wrap-up ended, for longest_idle")
        let work = desk.center.workToday(of: a1, now: desk.now)
        XCTAssertEqual(work.handle, 80, accuracy: 1e-9, "busy 60 + wrap-up 20, not 300")
        XCTAssertEqual(work.available, 280, accuracy: 1e-9, "ready from the end of the wrap-up")
        XCTAssertEqual(try desk.stats().counters.aht ?? 0, 80, accuracy: 1e-9)
    }

    /// The figures restart at local midnight; a state that spans it counts from midnight.
    func testOccupancyRestartsAtLocalMidnight() throws {
        var desk = try Desk(agents: [profile("a1")])  // the clock starts at 22:13:20 UTC (offset 0)
        try desk.loginReady("a1")
        desk.advance(6_000)  // 23:53:20, ready all along
        XCTAssertEqual(desk.center.workToday(of: try XCTUnwrap(desk.center.agents["a1"]), now: desk.now).available, 6_000, accuracy: 1e-9)
        desk.advance(1_000)  // 00:10:00 the next day, still ready
        var work = desk.center.workToday(of: try XCTUnwrap(desk.center.agents["a1"]), now: desk.now)
        XCTAssertEqual(work.available, 600, accuracy: 1e-9, "today's part only")
        try desk.offer("c1")
        desk.advance(5)
        try desk.answer("c1", by: "a1")
        desk.advance(95)
        work = desk.center.workToday(of: try XCTUnwrap(desk.center.agents["a1"]), now: desk.now)
        XCTAssertEqual(work.available, 605, accuracy: 1e-9)
        XCTAssertEqual(work.handle, 95, accuracy: 1e-9)
        XCTAssertEqual(desk.center.agents["a1"]?.answeredToday, 1)
    }
}
