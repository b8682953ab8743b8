import XCTest
@testable import CallCenterCore

/// Settings changed while calls wait (a reload, a queue.upsert) treat those calls
/// as a restart would: the line keeps its order, and the queue's rules choose
/// who takes them.
final class SettingsChangeTests: XCTestCase {
    /// A new aging_per_second keeps first in, first out among equals, for the
    /// callers already waiting and those after them, with or without a restart.
    func testANewAgingKeepsTheLineInOrder() throws {
        var desk = try Desk()
        try desk.offer("c1")
        desk.advance(1)
        try desk.offer("c2")
        var slower = desk.center.settings.routing
        slower.agingPerSecond = 0.5
        desk.center.setRoutingPolicy(slower)
        desk.advance(1)
        XCTAssertEqual(try desk.offer("c3").position, 3)
        XCTAssertEqual(desk.waiting(), ["c1", "c2", "c3"])
        XCTAssertEqual(desk.withRestarted()[1].waiting(), ["c1", "c2", "c3"])

        var faster = slower
        faster.agingPerSecond = 2
        desk.center.setRoutingPolicy(faster)
        desk.advance(1)
        XCTAssertEqual(try desk.offer("c4").position, 4)
        XCTAssertEqual(desk.waiting(), ["c1", "c2", "c3", "c4"])
    }

    /// A call that rang unanswered goes back to its original place after a new aging.
    func testACallBackFromARingKeepsItsPlaceAfterANewAging() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.offer("c1")
        desk.advance(1)
        try desk.offer("c2")
        try desk.loginReady("a1")
        XCTAssertEqual(desk.call("c1")?.state, .ringing)
        var faster = desk.center.settings.routing
        faster.agingPerSecond = 2
        desk.center.setRoutingPolicy(faster)
        try desk.apply(.callNoAnswer(call: "c1", agent: "a1"))
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
    }

    /// A queue change that lets ready agents take its waiting calls gives each
    /// call the agent its strategy and language choose, not the lowest agent id.
    func testAQueueChangeRoutesByStrategyAndLanguage() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", skills: ["x": 1])],
                            agents: [AgentProfile(id: "zed", name: "Zed", seat: "s-zed", languages: ["yue"]),
                                     AgentProfile(id: "amy", name: "Amy", seat: "s-amy")])
        try desk.loginReady("zed")
        desk.advance(5)
        try desk.loginReady("amy")
        try desk.apply(.offerCall(call: "c1", from: "+86-1", to: "400", queue: nil, attributes: ["language": "yue"]))
        XCTAssertEqual(desk.call("c1")?.state, .queued, "nobody has skill x")
        let applied = try desk.apply(.upsertQueue(QueueConfig(id: "general")))
        XCTAssertEqual(applied.routes.map(\.agent), ["zed"], "idle longest, and speaks yue")

        var second = try Desk(queues: [QueueConfig(id: "general", skills: ["x": 1])], agents: [profile("amy"), profile("zed")])
        try second.loginReady("zed")
        second.advance(5)
        try second.loginReady("amy")
        try second.offer("c1")
        try second.offer("c2")
        let both = try second.apply(.upsertQueue(QueueConfig(id: "general")))
        XCTAssertEqual(both.routes.map(\.call), ["c1", "c2"], "in their order")
        XCTAssertEqual(both.routes.map(\.agent), ["zed", "amy"], "the one idle longest first")
    }
}
