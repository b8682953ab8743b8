import XCTest
import CallCenterCore

/// Queue figures by the fixed definitions of DOMAIN.md §8.
final class StatsTests: XCTestCase {
    /// One scripted day: service level, short abandons, ASA, AHT and abandon rate by the §8 formulas.
    func testDailyFiguresFollowTheDefinitions() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 10, serviceLevel: 20)], agents: [profile("a1"), profile("a2")])
        try desk.login("a1"); try desk.login("a2")
        for id in ["c1", "c2", "c3", "c4"] { try desk.offer(id) }  // t = 0

        desk.advance(3)
        try desk.hangup("c3")                    // t = 3: abandoned before T, and short
        desk.advance(7)
        try desk.ready("a1")                     // t = 10: c1 rings a1
        try desk.answer("c1", by: "a1")          // waited 10 s: within T
        desk.advance(15)
        try desk.hangup("c4")                    // t = 25: abandoned after T
        desk.advance(5)
        try desk.ready("a2")                     // t = 30: c2 rings a2
        try desk.answer("c2", by: "a2")          // waited 30 s: not within T
        desk.advance(40)
        try desk.hangup("c1")                    // t = 70: talk 60, wrap-up until 80
        desk.advance(10)
        try desk.tick()                          // t = 80: handle 70
        desk.advance(10)
        try desk.hangup("c2")                    // t = 90: talk 60
        desk.advance(5)
        try desk.ready("a2")                     // t = 95: wrap-up ended early, handle 65

        let stats = try desk.stats()
        let c = stats.counters
        XCTAssertEqual(c.offered, 4)
        XCTAssertEqual(c.answered, 2)
        XCTAssertEqual(c.answeredWithinThreshold, 1)
        XCTAssertEqual(c.abandoned, 2)
        XCTAssertEqual(c.shortAbandoned, 1)
        XCTAssertEqual(c.abandonedAfterThreshold, 1)
        // 1 ÷ (2 answered + 1 abandoned after T): the short abandon before T does not count.
        XCTAssertEqual(try XCTUnwrap(c.serviceLevel), 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(c.abandonRate), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(c.asa), 20, accuracy: 1e-9)
        XCTAssertEqual(c.handled, 2)
        XCTAssertEqual(try XCTUnwrap(c.aht), 67.5, accuracy: 1e-9)
        XCTAssertEqual(stats.serviceLevelThreshold, 20)
        XCTAssertEqual(stats.waiting, 0)
        XCTAssertEqual(stats.longestWait, 0)
    }

    /// Answered at exactly T counts as within; abandoned at exactly T is not "after T".
    func testThresholdBoundariesAreInclusive() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", serviceLevel: 15)], agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        try desk.offer("c2")
        desk.advance(15)
        try desk.hangup("c2")
        try desk.ready("a1")
        try desk.answer("c1", by: "a1")

        let c = try desk.stats().counters
        XCTAssertEqual(c.answeredWithinThreshold, 1)
        XCTAssertEqual(c.abandonedAfterThreshold, 0)
        XCTAssertEqual(c.serviceLevel, 1.0)
    }

    /// Abandons within the short-abandon window (default 5 s, inclusive) are counted apart; the window is a setting.
    func testShortAbandonWindow() throws {
        var desk = try Desk()
        try desk.offer("c1"); try desk.offer("c2")
        desk.advance(5)
        try desk.hangup("c1")
        desk.advance(0.001)
        try desk.hangup("c2")
        XCTAssertEqual(try desk.stats().counters.shortAbandoned, 1)
        XCTAssertEqual(try desk.stats().counters.abandoned, 2)

        var wide = try Desk(settings: CallCenter.Settings(shortAbandon: 8))
        try wide.offer("c1")
        wide.advance(7)
        try wide.hangup("c1")
        XCTAssertEqual(try wide.stats().counters.shortAbandoned, 1)
    }

    /// A caller who gives up while the seat rings is an abandon, not an answer.
    func testAbandonWhileRingingCountsAsAbandoned() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        desk.advance(25)
        try desk.hangup("c1")
        let c = try desk.stats().counters
        XCTAssertEqual(c.abandoned, 1)
        XCTAssertEqual(c.abandonedAfterThreshold, 1)
        XCTAssertEqual(c.answered, 0)
        XCTAssertEqual(c.serviceLevel, 0)
    }

    /// Figures are nil (not zero) while nothing counts towards them.
    func testFiguresAreNilWithoutData() throws {
        let desk = try Desk()
        let c = try desk.stats().counters
        XCTAssertNil(c.serviceLevel)
        XCTAssertNil(c.abandonRate)
        XCTAssertNil(c.asa)
        XCTAssertNil(c.aht)
    }

    /// Counters start again at local midnight, by the configured UTC offset.
    func testCountersResetAtLocalMidnight() throws {
        // 2024-03-01T15:59:00Z = 23:59 in UTC+8.
        let start = Instant(milliseconds: (19_783 * 86_400 + 15 * 3600 + 59 * 60) * 1000)
        var east = try Desk(settings: CallCenter.Settings(utcOffsetSeconds: 8 * 3600))
        var utc = try Desk(settings: CallCenter.Settings(utcOffsetSeconds: 0))
        east.clock.now = start
        utc.clock.now = start
        try east.offer("c1"); try utc.offer("c1")
        XCTAssertEqual(try east.stats().counters.offered, 1)

        east.advance(60); utc.advance(60)  // 16:00Z: local midnight in UTC+8 only
        XCTAssertEqual(try east.stats().counters.offered, 0, "a new local day reads as zero")
        XCTAssertEqual(try east.stats().waiting, 1, "the waiting call is still there")
        XCTAssertEqual(try utc.stats().counters.offered, 1)

        try east.offer("c2")
        XCTAssertEqual(try east.stats().counters.offered, 1, "only today's call")
        try east.hangup("c1")
        XCTAssertEqual(try east.stats().counters.abandoned, 1)
    }

    /// longest_wait is the age of the oldest call waiting now; ringing calls no longer wait.
    func testLongestWaitIsAgeOfOldestWaitingCall() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        try desk.offer("c1")
        desk.advance(5)
        try desk.offer("c2")
        desk.advance(7)
        var stats = try desk.stats()
        XCTAssertEqual(stats.waiting, 2)
        XCTAssertEqual(stats.longestWait, 12)

        try desk.ready("a1")  // c1 rings
        desk.advance(8)
        stats = try desk.stats()
        XCTAssertEqual(stats.waiting, 1)
        XCTAssertEqual(stats.longestWait, 15)
    }

    /// Stats count the logged-in agents who may take the queue, by state.
    func testStatsCountEligibleAgentsByState() throws {
        var desk = try Desk(
            queues: [QueueConfig(id: "billing", skills: ["billing": 2])],
            agents: [profile("a1", skills: ["billing": 2]), profile("a2", skills: ["billing": 5]),
                     profile("a3", skills: ["billing": 1]), profile("a4", skills: ["billing": 9])]
        )
        try desk.loginReady("a1", "a3")
        try desk.login("a2")
        try desk.offer("c1", queue: "billing")
        let stats = try desk.stats("billing")
        XCTAssertEqual(stats.agents[.ringing], 1)
        XCTAssertEqual(stats.agents[.notReady], 1)
        XCTAssertNil(stats.agents[.ready], "a3 lacks the level")
        XCTAssertNil(stats.agents[.loggedOut], "logged-out agents are omitted")
    }

    /// Stats for a queue that does not exist are not_found; without a queue, every queue in id order.
    func testStatsQueueSelection() throws {
        let desk = try Desk(queues: [QueueConfig(id: "b"), QueueConfig(id: "a")])
        XCTAssertThrowsError(try desk.center.stats(queue: "nope", now: desk.now)) { error in
            XCTAssertEqual((error as? CoreError)?.code, .notFound)
        }
        XCTAssertEqual(try desk.center.stats(now: desk.now).map(\.queue), ["a", "b"])
    }
}
