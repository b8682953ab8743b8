import XCTest
@testable import CallCenterCore  // QueueStats has no public initializer
import CallCenterWire

/// How core values and envelopes look on the wire.
final class EncodeTests: XCTestCase {
    /// Replies and errors are one line each, with the request's id.
    func testEnvelopes() {
        XCTAssertEqual(String(decoding: Encode.ok(id: "r1", result: ["pong": true]), as: UTF8.self),
                       #"{"id":"r1","ok":true,"result":{"pong":true}}"# + "\n")
        XCTAssertEqual(String(decoding: Encode.error(id: 7, WireError(.notFound, "call 'c9' is not known")), as: UTF8.self),
                       #"{"error":{"code":"not_found","message":"call 'c9' is not known"},"id":7,"ok":false}"# + "\n")
        XCTAssertEqual(String(decoding: Encode.event("route", seq: 42, ["call": "c1"]), as: UTF8.self),
                       #"{"call":"c1","event":"route","seq":42}"# + "\n")
    }

    /// Stats carry the §8 figures, ratios rounded to 4 places and durations to the millisecond, nil as null.
    func testStatsEncoding() throws {
        var counters = QueueCounters(day: 1)
        counters.offered = 3
        counters.answered = 2
        counters.answeredWithinThreshold = 1
        counters.abandoned = 1
        counters.abandonedAfterThreshold = 1
        counters.answeredWaitSeconds = 41.0004
        let stats = QueueStats(queue: "general", waiting: 1, longestWait: 12.3456, agents: [.ready: 2],
                               counters: counters, serviceLevelThreshold: 20)
        let o = Encode.stats(stats)
        XCTAssertEqual(o["service_level"], 0.3333)
        XCTAssertEqual(o["service_level_threshold"], 20)
        XCTAssertEqual(o["abandon_rate"], 0.3333)
        XCTAssertEqual(o["asa"], 20.5)
        XCTAssertEqual(o["aht"], JSONValue.null)
        XCTAssertEqual(o["longest_wait"], 12.346)
        XCTAssertEqual(o["agents"], ["not_ready": 0, "ready": 2, "ringing": 0, "busy": 0, "wrap_up": 0])
    }

    /// An agent shows idle_since only while ready and wrap_up_until only while wrapping up.
    func testAgentEncodingShowsStateSpecificTimes() {
        var agent = Agent(profile: AgentProfile(id: "a1", name: "Li", seat: "801"), since: Instant(milliseconds: 0))
        agent.state = .notReady
        agent.idleSince = Instant(milliseconds: 5)
        XCTAssertEqual(Encode.agent(agent, work: (0, 0))["idle_since"], .null)
        agent.state = .ready
        XCTAssertEqual(Encode.agent(agent, work: (0, 0))["idle_since"], "1970-01-01T00:00:00.005Z")
        XCTAssertEqual(Encode.agent(agent, work: (0, 0))["state"], "ready")
        XCTAssertEqual(Encode.agent(agent, work: (0, 0))["seat"], "801")
        XCTAssertEqual(Encode.agent(agent, work: (0, 0))["occupancy_today"], .null, "no logged-in time yet")
        let worked = Encode.agent(agent, work: (handle: 80, available: 45))
        XCTAssertEqual(worked["occupancy_today"], 0.64)
        XCTAssertEqual(worked["handle_today"], 80)
        XCTAssertEqual(worked["available_today"], 45)
    }
}
