import XCTest
import CallCenterCore

/// Refused inputs: the right code, a message naming what is expected, and no change at all.
/// (`Desk.refuse` compares the snapshot and the next deadline before and after.)
final class RefusedInputTests: XCTestCase {
    /// A second offer with a call id already in use is a conflict and leaves the first call alone.
    func testDuplicateCallIDIsConflict() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.offer("c1")
        let error = try XCTUnwrap(desk.refuse(.offerCall(call: "c1", from: "+862", to: "400", queue: nil, attributes: [:])))
        XCTAssertEqual(error.code, .conflict)
        XCTAssertEqual(error.message, "call 'c1' is already live (it is queued): an offer sent again after a reconnect landed the first time; a new call needs an id not in use")
        XCTAssertEqual(desk.call("c1")?.from, "+86-c1", "the first call is untouched")
        XCTAssertEqual(try desk.stats().counters.offered, 1)
        // Ringing: where, so an adapter resending after a reconnect knows what it has.
        try desk.loginReady("a1")
        let ringing = try XCTUnwrap(desk.refuse(.offerCall(call: "c1", from: "+862", to: "400", queue: nil, attributes: [:])))
        XCTAssertEqual(ringing.message, "call 'c1' is already live (it is ringing on agent 'a1' at seat '\(desk.agent("a1").activeSeat ?? desk.agent("a1").seat)'): an offer sent again after a reconnect landed the first time; a new call needs an id not in use")
    }

    /// Offering to a queue that does not exist is not_found and says how to create it.
    func testOfferToUnknownQueueIsNotFound() throws {
        var desk = try Desk()
        let error = try XCTUnwrap(desk.refuse(.offerCall(call: "c1", from: "+861", to: "400", queue: "nope", attributes: [:])))
        XCTAssertEqual(error.code, .notFound)
        XCTAssertTrue(error.message.contains("queue 'nope'"), error.message)
        XCTAssertTrue(error.message.contains("queue.upsert"), error.message)
        XCTAssertNil(desk.call("c1"))
    }

    /// Offering with no queue when the default queue is not configured is not_found for the default queue.
    func testOfferWithoutQueueNeedsTheDefaultQueue() throws {
        var desk = try Desk(settings: CallCenter.Settings(defaultQueue: "main"), queues: [QueueConfig(id: "other")])
        let error = try XCTUnwrap(desk.refuse(.offerCall(call: "c1", from: "+861", to: "400", queue: nil, attributes: [:])))
        XCTAssertEqual(error.code, .notFound)
        XCTAssertTrue(error.message.contains("queue 'main'"), error.message)
    }

    /// Answering on an agent other than the one the call rings on is a conflict naming the ringing agent.
    func testAnswerByWrongAgentIsConflict() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2")])
        try desk.loginReady("a1")
        try desk.login("a2")
        try desk.offer("c1")
        let error = try XCTUnwrap(desk.refuse(.callAnswered(call: "c1", agent: "a2")))
        XCTAssertEqual(error.code, .conflict)
        XCTAssertEqual(error.message, "call 'c1' is ringing on agent 'a1', not 'a2'")
    }

    /// Answering a call still waiting in line is invalid_transition: only a ringing call can be answered.
    func testAnswerOfQueuedCallIsInvalidTransition() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        let error = try XCTUnwrap(desk.refuse(.callAnswered(call: "c1", agent: "a1")))
        XCTAssertEqual(error.code, .invalidTransition)
        XCTAssertTrue(error.message.contains("is queued, not ringing"), error.message)
        XCTAssertTrue(error.message.contains("only a ringing call can be answered"), error.message)
    }

    /// Setting ready / not ready while logged out is invalid_transition and says to log in first.
    func testAgentStateWhileLoggedOutIsInvalidTransition() throws {
        var desk = try Desk(agents: [profile("a1")])
        let error = try XCTUnwrap(desk.refuse(.agentSetState(agent: "a1", state: .ready, reason: nil)))
        XCTAssertEqual(error.code, .invalidTransition)
        XCTAssertTrue(error.message.contains("logged out"), error.message)
        XCTAssertTrue(error.message.contains("agent.login"), error.message)
        XCTAssertEqual(desk.state("a1"), .loggedOut)
    }

    /// Logging out in the middle of a call is invalid_transition and says to finish the call.
    func testLogoutWhileBusyIsInvalidTransition() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        let error = try XCTUnwrap(desk.refuse(.agentLogout(agent: "a1")))
        XCTAssertEqual(error.code, .invalidTransition)
        XCTAssertTrue(error.message.contains("on call 'c1'"), error.message)
        XCTAssertTrue(error.message.contains("finish the call"), error.message)
        XCTAssertEqual(desk.state("a1"), .busy)
    }

    /// Logging in on a seat another logged-in agent holds is a conflict naming that agent.
    func testLoginOnSeatInUseIsConflict() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801"), profile("a2", seat: "802")])
        try desk.login("a1")
        let error = try XCTUnwrap(desk.refuse(.agentLogin(agent: "a2", seat: "801")))
        XCTAssertEqual(error.code, .conflict)
        XCTAssertTrue(error.message.contains("seat '801' is in use by agent 'a1'"), error.message)
        XCTAssertTrue(error.message.contains("pick another seat"), error.message)
        XCTAssertEqual(desk.state("a2"), .loggedOut)
    }

    /// A seat held only by a logged-out agent is free to take.
    func testSeatOfLoggedOutAgentIsFree() throws {
        var desk = try Desk(agents: [profile("a1", seat: "801"), profile("a2", seat: "802")])
        try desk.login("a1")
        try desk.apply(.agentLogout(agent: "a1"))
        try desk.login("a2", seat: "801")
        XCTAssertEqual(desk.agent("a2").seat, "801")
    }

    /// Inputs naming unknown calls or agents are not_found.
    func testUnknownCallOrAgentIsNotFound() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        XCTAssertEqual(desk.refuse(.callHangup(call: "ghost", by: .caller, cause: nil))?.code, .notFound)
        XCTAssertEqual(desk.refuse(.callAnswered(call: "ghost", agent: "a1"))?.code, .notFound)
        XCTAssertEqual(desk.refuse(.callTransfer(call: "ghost", target: .queue("general")))?.code, .notFound)
        let agentError = try XCTUnwrap(desk.refuse(.agentLogin(agent: "ghost", seat: nil)))
        XCTAssertEqual(agentError.code, .notFound)
        XCTAssertTrue(agentError.message.contains("agent.upsert"), agentError.message)
    }

    /// A no-answer for a call that is not ringing on that agent is invalid_transition.
    func testNoAnswerForCallNotRingingIsInvalidTransition() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        let error = try XCTUnwrap(desk.refuse(.callNoAnswer(call: "c1", agent: "a1")))
        XCTAssertEqual(error.code, .invalidTransition)
        XCTAssertTrue(error.message.contains("not ringing on agent 'a1'"), error.message)
    }

    /// Skill levels outside 1...10 and a ring timeout of 0 are bad_request naming the field.
    func testOutOfRangeSettingsAreBadRequest() throws {
        var desk = try Desk()
        let skill = try XCTUnwrap(desk.refuse(.upsertAgent(profile("a1", skills: ["billing": 11]), tokenHash: nil)))
        XCTAssertEqual(skill.code, .badRequest)
        XCTAssertTrue(skill.message.contains("skill 'billing' has level 11"), skill.message)

        let minimum = try XCTUnwrap(desk.refuse(.upsertQueue(QueueConfig(id: "q", skills: ["billing": 0]))))
        XCTAssertEqual(minimum.code, .badRequest)

        let ring = try XCTUnwrap(desk.refuse(.upsertQueue(QueueConfig(id: "q", ringTimeout: 0))))
        XCTAssertEqual(ring.code, .badRequest)
        XCTAssertTrue(ring.message.contains("ring_timeout"), ring.message)

        let wrap = try XCTUnwrap(desk.refuse(.upsertQueue(QueueConfig(id: "q", wrapUp: -1))))
        XCTAssertEqual(wrap.code, .badRequest)
        XCTAssertTrue(wrap.message.contains("wrap_up"), wrap.message)

        // Past one day a duration would overflow the deadlines' arithmetic.
        for (config, field) in [(QueueConfig(id: "q", ringTimeout: 1e300), "ring_timeout"), (QueueConfig(id: "q", maxWait: 1e16), "max_wait"),
                                (QueueConfig(id: "q", managerWait: 86_401), "manager_wait"),
                                (QueueConfig(id: "q", overflow: [OverflowStep(after: .infinity, relaxSkills: [:])]), "overflow[0].after")] {
            let long = try XCTUnwrap(desk.refuse(.upsertQueue(config)), field)
            XCTAssertEqual(long.code, .badRequest)
            XCTAssertTrue(long.message.hasPrefix("field '\(field)' is "), long.message)
            XCTAssertTrue(long.message.hasSuffix("durations are seconds from 0 to 86400 (one day)"), long.message)
        }
        XCTAssertNil(desk.center.queues["q"], "nothing was saved")
    }

    /// A state saved before durations were bounded still loads: deadlines past the
    /// representable range are clamped instead of stopping the daemon.
    func testInstantArithmeticIsClamped() {
        let now = Instant(milliseconds: 1_800_000_000_000)
        XCTAssertEqual(now.adding(seconds: 1e300).milliseconds, 1 << 62)
        XCTAssertEqual(now.adding(seconds: -1e300).milliseconds, -(1 << 62))
        XCTAssertEqual(now.adding(seconds: .nan).milliseconds, 1 << 62)
        XCTAssertEqual(Instant(milliseconds: 1 << 62).adding(seconds: 1e15).milliseconds, 1 << 62)
        XCTAssertEqual(now.adding(seconds: 1.5).milliseconds, 1_800_000_001_500)
    }
}
