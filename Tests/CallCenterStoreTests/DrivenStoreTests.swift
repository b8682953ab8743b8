import CallCenterCore
import CallCenterStore
import XCTest

/// A real core driven through a day's worth of inputs, each committed the way
/// the engine commits a pass: the store's snapshot rebuilds the same core.
final class DrivenStoreTests: XCTestCase {
    static let settings = CallCenter.Settings(defaultQueue: "general", shortAbandon: 5, defaultHandleTime: 120)

    /// Runs the scenario; returns the driver with its core as the inputs left it.
    static func runScenario(on store: CallCenterStore) throws -> Driver {
        var d = Driver(store: store, settings: settings)
        try d.apply(.upsertQueue(QueueConfig(id: "general", wrapUp: 10, ringTimeout: 15, serviceLevel: 20)), at: 0)
        try d.apply(.upsertQueue(QueueConfig(id: "complaints", skills: ["complaints": 3], wrapUp: 0, ringTimeout: 20, maxWait: 600)), at: 0.5)
        try d.apply(.upsertAgent(AgentProfile(id: "a1", name: "Ann", seat: "s1", skills: ["sales": 5]), tokenHash: "h1"), at: 1)
        try d.apply(.upsertAgent(AgentProfile(id: "a2", name: "Bo", seat: "s2", skills: ["complaints": 5], languages: ["yue", "en"]), tokenHash: "h2"), at: 1)
        try d.apply(.upsertAgent(AgentProfile(id: "a3", name: "Cy", seat: "s3"), tokenHash: nil), at: 1)
        try d.apply(.agentLogin(agent: "a1", seat: nil), at: 2)
        try d.apply(.agentLogin(agent: "a2", seat: "s22"), at: 2)
        try d.apply(.agentSetState(agent: "a1", state: .ready, reason: nil), at: 3)
        try d.apply(.offerCall(call: "c1", from: "+852 1", to: "1800", queue: nil, attributes: ["tier": "gold"]), at: 10)  // rings a1
        try d.apply(.callAnswered(call: "c1", agent: "a1"), at: 14)
        try d.apply(.offerCall(call: "c2", from: "+852 2", to: "1800", queue: "general", attributes: [:]), at: 20)  // waits
        try d.apply(.agentSetState(agent: "a2", state: .ready, reason: nil), at: 21)  // c2 rings a2
        try d.apply(.callNoAnswer(call: "c2", agent: "a2"), at: 30)  // a2 not ready, c2 back in line
        try d.apply(.callTransfer(call: "c1", target: .queue("complaints")), at: 60)  // leg 1 ends, a1 wraps up 10 s
        try d.apply(.agentLogin(agent: "a3", seat: nil), at: 61)
        try d.apply(.agentSetState(agent: "a3", state: .ready, reason: nil), at: 62)  // c2 rings a3
        try d.apply(.offerCall(call: "c3", from: "+852 3", to: "1801", queue: nil, attributes: ["lang": "yue"]), at: 65)  // waits
        try d.apply(.tick, at: 71)  // a1's wrap-up ends: a1 ready, c3 rings a1
        try d.apply(.callAnswered(call: "c3", agent: "a1"), at: 72)
        try d.apply(.callHangup(call: "c2", by: .caller, cause: "gave_up"), at: 73)  // abandoned while ringing a3
        try d.apply(.agentSetState(agent: "a2", state: .ready, reason: nil), at: 80)  // c1 leg 2 rings a2
        try d.apply(.agentSetState(agent: "a1", state: .notReady, reason: "lunch"), at: 90)  // pending while busy
        try d.apply(.offerCall(call: "c4", from: "+852 4", to: "1800", queue: "complaints", attributes: [:]), at: 91)  // waits
        return d
    }

    /// Checks the scenario really produced what the other assertions rely on.
    static func checkScenario(_ core: CallCenter, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(core.calls["c1"]?.leg, 2, file: file, line: line)
        XCTAssertEqual(core.calls["c1"]?.state, .ringing, file: file, line: line)
        XCTAssertEqual(core.calls["c3"]?.state, .connected, file: file, line: line)
        XCTAssertEqual(core.calls["c4"]?.state, .queued, file: file, line: line)
        XCTAssertNil(core.calls["c2"], file: file, line: line)
        XCTAssertEqual(core.agents["a1"]?.state, .busy, file: file, line: line)
        XCTAssertEqual(core.agents["a1"]?.pendingState, .notReady, file: file, line: line)
        XCTAssertEqual(core.agents["a2"]?.state, .ringing, file: file, line: line)
        XCTAssertEqual(core.agents["a3"]?.state, .ready, file: file, line: line)
    }

    /// The store's snapshot after the scenario equals the core's own snapshot,
    /// and a core restored from it equals the original.
    func testRestoredCoreEqualsOriginal() throws {
        let store = try CallCenterStore(inMemory: ())
        let d = try Self.runScenario(on: store)
        Self.checkScenario(d.core)

        let loaded = try store.loadSnapshot()
        XCTAssertEqual(loaded.agents, d.core.snapshot.agents)
        XCTAssertEqual(loaded.queues, d.core.snapshot.queues)
        XCTAssertEqual(loaded.calls, d.core.snapshot.calls)
        XCTAssertEqual(loaded.nextTicket, d.core.snapshot.nextTicket)
        let restored = CallCenter(settings: Self.settings, restoring: loaded)
        XCTAssertEqual(restored.snapshot, d.core.snapshot)
        XCTAssertEqual(try store.lastSequence(), Int64(d.committed))
        XCTAssertEqual(try store.journal().map(\.seq), Array(1...Int64(d.committed)))
    }

    /// The same on a temporary file, read back by a new store instance.
    func testRestoredCoreEqualsOriginalAcrossReopen() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("driven.sqlite").path
        let original = try Self.runScenario(on: try CallCenterStore(path: path)).core
        let restored = CallCenter(settings: Self.settings, restoring: try CallCenterStore(path: path).loadSnapshot())
        XCTAssertEqual(restored.snapshot, original.snapshot)
    }

    /// The restored core behaves like the original: same waiting lines, same
    /// deadlines (a2's ring timeout), same routing afterwards.
    func testRestoredCoreContinuesLikeOriginal() throws {
        let store = try CallCenterStore(inMemory: ())
        var original = try Self.runScenario(on: store).core
        var restored = CallCenter(settings: Self.settings, restoring: try store.loadSnapshot())

        XCTAssertEqual(restored.waitingCalls(in: "complaints").map(\.id), original.waitingCalls(in: "complaints").map(\.id))
        XCTAssertEqual(restored.waitingCount(in: "complaints"), original.waitingCount(in: "complaints"))
        XCTAssertEqual(restored.nextDeadline(), original.nextDeadline())

        let later: [(Input, Double)] = [
            (.tick, 101),  // c1 rang a2 for 21 s > 20: back in line, a2 not ready
            (.agentSetState(agent: "a2", state: .ready, reason: nil), 102),  // c1 (older ticket) rings a2 again
            (.callHangup(call: "c3", by: .agent, cause: nil), 110),  // a1 wraps up 10 s
            (.tick, 121),  // a1 goes to its pending not_ready
            (.offerCall(call: "c5", from: "x", to: "y", queue: nil, attributes: [:]), 122),  // rings a3
        ]
        for (input, seconds) in later {
            let a = original.apply(input, at: Fixture.at(seconds))
            let b = restored.apply(input, at: Fixture.at(seconds))
            guard case let .success(x) = a, case let .success(y) = b else {
                XCTFail("\(input): original \(a), restored \(b)")
                return
            }
            XCTAssertEqual(x.effects, y.effects, "\(input)")
            XCTAssertEqual(x.changes, y.changes, "\(input)")
        }
        XCTAssertEqual(restored.snapshot, original.snapshot)
        XCTAssertEqual(original.agents["a1"]?.state, .notReady)
        XCTAssertEqual(original.agents["a1"]?.reason, "lunch")
        XCTAssertEqual(original.calls["c5"]?.agent, "a3")
    }

    /// The call log of the scenario: c1 has its transferred leg 1 with its
    /// wrap-up seconds (leg end at 60 s to the wrap-up's deadline at 70 s: the
    /// tick that ended it came at 71 s) and its live leg 2; c2 was abandoned
    /// while ringing.
    func testScenarioCallLog() throws {
        let store = try CallCenterStore(inMemory: ())
        _ = try Self.runScenario(on: store)

        let c1 = try store.callLog(call: "c1")
        XCTAssertEqual(c1.map(\.call.leg), [1, 2])
        XCTAssertEqual(c1.map(\.call.state), [.ended, .ringing])
        XCTAssertEqual(c1.first?.call.outcome, .transferred)
        XCTAssertEqual(c1.first?.call.queue, "general")
        XCTAssertEqual(c1.last?.call.queue, "complaints")
        XCTAssertEqual(c1.first?.wrapUp, 10)
        XCTAssertNil(c1.last?.wrapUp)

        let c2 = try store.callLog(call: "c2")
        XCTAssertEqual(c2.count, 1)
        XCTAssertEqual(c2.first?.call.outcome, .abandoned)
        XCTAssertEqual(c2.first?.call.hangupBy, .caller)
        XCTAssertEqual(c2.first?.call.cause, "gave_up")
        XCTAssertEqual(c2.first?.call.attempts, 1)
        XCTAssertNil(c2.first?.wrapUp)
    }
}
