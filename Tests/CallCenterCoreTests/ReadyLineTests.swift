@testable import CallCenterCore
import XCTest

/// The ready agents of a queue in the order its strategy serves them, and the
/// reason a call gives for the agent it took.
final class ReadyLineTests: XCTestCase {
    func agent(_ id: AgentID, skills: [String: Int] = [:], languages: [String] = [], tiers: [CustomerTier] = []) -> AgentProfile {
        AgentProfile(id: id, name: id, seat: "s-\(id)", skills: skills, languages: languages, tiers: tiers)
    }

    func offer(_ desk: inout Desk, _ call: CallID, caller: CallerInfo? = nil) throws -> AgentID? {
        try desk.apply(.offerCall(call: call, from: "+86-\(call)", to: "400", queue: nil, attributes: [:], caller: caller)).routes.first?.agent
    }

    /// The reason names the eligible agents in the order the strategy serves them.
    func testReasonNamesAgentsInServingOrder() throws {
        var desk = try Desk(agents: ["a1", "a2", "a3"].map { agent($0) })
        try desk.loginReady("a3")
        desk.advance(1)
        try desk.loginReady("a1")
        desk.advance(1)
        try desk.loginReady("a2")
        XCTAssertEqual(try offer(&desk, "c1"), "a3")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 3 ready [a3,a1,a2]")
    }

    /// A call that looks down the whole line for a speaker says when it named only some of the eligible agents.
    func testReasonMarksUnnamedAgentsAfterLookingForASpeaker() throws {
        let ids = (1...8).map { "a\($0)" }
        var desk = try Desk(agents: ids.map { agent($0, languages: $0 == "a8" ? ["yue"] : ["zh"]) })
        for id in ids {
            try desk.loginReady(id)
            desk.advance(1)
        }
        XCTAssertEqual(try offer(&desk, "c1", caller: CallerInfo(customer: "C1", language: "fr")), "a1")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 8 ready [a1,a2,a3,a4,a5,…]; no ready fr speaker")
        XCTAssertEqual(try offer(&desk, "c2", caller: CallerInfo(customer: "C2", language: "yue")), "a8")
        XCTAssertEqual(desk.call("c2")?.routeReason, "longest_idle among 7 ready [a2,a3,a4,a5,a6,…]; speaks yue")
    }

    /// An agent first in line whose tiers exclude the caller is passed over, and not named.
    func testAgentWhoseTiersExcludeTheCallerIsPassedOver() throws {
        var desk = try Desk(agents: [agent("vip-only", tiers: [.highValue]), agent("a2")])
        try desk.loginReady("vip-only")
        desk.advance(1)
        try desk.loginReady("a2")
        XCTAssertEqual(try offer(&desk, "c1", caller: CallerInfo(customer: "C1", tier: .stable)), "a2")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 2 ready [a2]")
        XCTAssertEqual(try offer(&desk, "c2", caller: CallerInfo(customer: "C2", tier: .highValue)), "vip-only")
    }

    /// Round robin takes the next id after the last agent routed to, and wraps around.
    func testRoundRobinWrapsAround() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", strategy: .roundRobin)], agents: ["a1", "a2", "a3"].map { agent($0) })
        try desk.loginReady("a1", "a2", "a3")
        var taken: [AgentID] = []
        for i in 1...4 {
            let agent = try XCTUnwrap(try offer(&desk, "c\(i)"))
            taken.append(agent)
            try desk.answer("c\(i)", by: agent)
            try desk.hangup("c\(i)")  // no wrap-up: ready again at once
        }
        XCTAssertEqual(taken, ["a1", "a2", "a3", "a1"])
    }

    /// A queue that changes strategy serves its ready agents in the new order at once.
    func testNewStrategyReordersTheReadyLine() throws {
        var desk = try Desk(agents: [agent("junior", skills: ["billing": 2]), agent("senior", skills: ["billing": 9])])
        try desk.apply(.upsertQueue(QueueConfig(id: "billing", skills: ["billing": 1])))
        try desk.loginReady("junior")
        desk.advance(1)
        try desk.loginReady("senior")
        try desk.apply(.upsertQueue(QueueConfig(id: "billing", skills: ["billing": 1], strategy: .mostSkilled)))
        let routed = try desk.apply(.offerCall(call: "c1", from: "1", to: "400", queue: "billing", attributes: [:], caller: nil))
        XCTAssertEqual(routed.routes.first?.agent, "senior")
        XCTAssertEqual(desk.call("c1")?.routeReason, "most_skilled among 2 ready [senior,junior]")
    }

    /// Entries go in order; one is found again by its key, or by its id should its key have changed.
    func testLineKeepsOrderAndRemovesByKeyOrId() {
        func agent(_ id: AgentID, readyAt ms: Int64) -> Agent {
            var a = Agent(profile: AgentProfile(id: id, name: id, seat: id), since: Instant(milliseconds: ms))
            a.state = .ready
            a.idleSince = Instant(milliseconds: ms)
            return a
        }
        let config = QueueConfig(id: "general")
        var line = ReadyLine(config, agents: [agent("b", readyAt: 20), agent("c", readyAt: 10)])
        line.update(agent("a", readyAt: 15), ready: true)
        line.update(agent("d", readyAt: 10), ready: true)  // same instant as c: the lower id first
        XCTAssertEqual(line.entries.map(\.id), ["c", "d", "a", "b"])
        line.update(agent("a", readyAt: 15), ready: false)
        XCTAssertEqual(line.entries.map(\.id), ["c", "d", "b"])
        line.update(agent("b", readyAt: 99), ready: false)  // a key that changed: found by id
        XCTAssertEqual(line.entries.map(\.id), ["c", "d"])
        XCTAssertEqual(line.startAfter("c"), 1)
        XCTAssertEqual(line.startAfter("d"), 0, "after the last id: back to the first")
    }
}
