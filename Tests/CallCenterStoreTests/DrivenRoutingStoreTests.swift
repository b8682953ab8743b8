import CallCenterCore
import CallCenterStore
import XCTest

/// The routing features that keep state on calls and queues (tiers, account
/// managers, languages, overflow, maximum wait, round robin) survive the store:
/// a core restored from it equals the original and decides the same afterwards.
final class DrivenRoutingStoreTests: XCTestCase {
    static var settings: CallCenter.Settings {
        var s = CallCenter.Settings(defaultQueue: "general")
        s.routing.numbers = ["1800": "sales"]
        s.routing.intents = ["complain": "complaints"]
        s.routing.preferLastAgent = true
        return s
    }

    static func runScenario(on store: CallCenterStore) throws -> Driver {
        var d = Driver(store: store, settings: settings)
        try d.apply(.upsertQueue(QueueConfig(id: "general", strategy: .fewestCalls, wrapUp: 0)), at: 0)
        try d.apply(.upsertQueue(QueueConfig(id: "sales", skills: ["sales": 5], strategy: .roundRobin, ringTimeout: 10, maxWait: 300,
                                             onTimeout: .callback, maxAttempts: 2, managerWait: 30,
                                             overflow: [OverflowStep(after: 40, addQueue: "general")], maxWaitNoAgent: 600)), at: 0)
        try d.apply(.upsertQueue(QueueConfig(id: "complaints", skills: ["complaints": 3], maxWait: 60, onTimeout: .queue("general"),
                                             overflow: [OverflowStep(after: 20, relaxSkills: ["complaints": 1])])), at: 0)
        try d.apply(.upsertAgent(AgentProfile(id: "a1", name: "A", seat: "s1", skills: ["sales": 6], languages: ["en"]), tokenHash: "h"), at: 1)
        try d.apply(.upsertAgent(AgentProfile(id: "a2", name: "B", seat: "s2", skills: ["sales": 9, "complaints": 1], languages: ["yue"],
                                              tiers: [.highValue, .potential]), tokenHash: "h"), at: 1)
        try d.apply(.upsertAgent(AgentProfile(id: "a3", name: "C", seat: "s3", skills: ["sales": 5]), tokenHash: "h"), at: 1)
        for id in ["a1", "a2", "a3"] {
            try d.apply(.agentLogin(agent: id, seat: nil), at: 2)
        }
        try d.apply(.agentSetState(agent: "a1", state: .ready, reason: nil), at: 3)
        try d.apply(.agentSetState(agent: "a2", state: .ready, reason: nil), at: 4)
        // Dialled number → sales; a gold caller with an account manager who is free.
        try d.apply(.offerCall(call: "c1", from: "+8613800001111", to: "1800", queue: nil, attributes: ["language": "yue"],
                               caller: CallerInfo(customer: "k1", tier: .highValue, accountManager: "a2", language: "yue")), at: 10)
        try d.apply(.callAnswered(call: "c1", agent: "a2"), at: 12)
        // The same manager is busy now: the next call of that customer waits for a2.
        try d.apply(.offerCall(call: "c2", from: "+8613800001111", to: "1800", queue: nil, attributes: [:],
                               caller: CallerInfo(customer: "k1", tier: .highValue, accountManager: "a2")), at: 15)
        // Intent → complaints, where nobody ready has the skill yet.
        try d.apply(.offerCall(call: "c3", from: "+8613900002222", to: "1801", queue: nil, attributes: ["intent": "complain", "tier": "risk"]), at: 16)
        try d.apply(.offerCall(call: "c4", from: "+8613700003333", to: "1800", queue: nil, attributes: [:],
                               caller: CallerInfo(tier: .stable)), at: 17)
        try d.apply(.tick, at: 37)  // c3 overflows (relaxed skills)
        try d.apply(.tick, at: 46)  // c2's hold for a2 is over
        try d.apply(.tick, at: 58)  // c4 overflows into general
        return d
    }

    /// The store's snapshot equals the core's, and a core restored from it equals the original.
    func testRestoredCoreEqualsOriginal() throws {
        let store = try CallCenterStore(inMemory: ())
        let original = try Self.runScenario(on: store).core
        let loaded = try store.loadSnapshot()
        XCTAssertEqual(loaded.calls, original.snapshot.calls)
        XCTAssertEqual(loaded.queues, original.snapshot.queues)
        XCTAssertEqual(loaded.agents, original.snapshot.agents)
        XCTAssertEqual(CallCenter(settings: Self.settings, restoring: loaded).snapshot, original.snapshot)

        // The scenario did reach the states these tests are about.
        let calls = Dictionary(uniqueKeysWithValues: original.calls.map { ($0.key, $0.value) })
        XCTAssertEqual(calls["c1"]?.language, "yue")
        XCTAssertEqual(calls["c1"]?.priority, 300)
        XCTAssertEqual(calls["c2"]?.accountManager, "a2")
        XCTAssertNotNil(calls["c1"]?.routeReason)
        XCTAssertTrue(original.calls.values.contains { $0.overflowStage > 0 }, "some call overflowed")
        XCTAssertTrue(original.calls.values.contains { $0.relaxedSkills != nil }, "some call has relaxed skills")
        XCTAssertTrue(original.calls.values.contains { !$0.extraQueues.isEmpty }, "some call waits in an extra queue")
        XCTAssertEqual(original.agents["a2"]?.profile.tiers, [.highValue, .potential])
    }

    /// After a restart the core decides exactly as it would have without one:
    /// timeouts, overflow lines, round robin.
    func testRestoredCoreContinuesLikeOriginal() throws {
        let store = try CallCenterStore(inMemory: ())
        var original = try Self.runScenario(on: store).core
        var restored = CallCenter(settings: Self.settings, restoring: try store.loadSnapshot())
        // A queue has max_wait_no_agent: the restored core first asks for a tick at
        // once, to read its staffing; then it has the original's deadlines.
        XCTAssertLessThanOrEqual(try XCTUnwrap(restored.nextDeadline()), Fixture.at(0))
        let later: [(Input, Double)] = [
            (.tick, 60),
            (.agentSetState(agent: "a3", state: .ready, reason: nil), 60),
            (.tick, 80),
            (.callHangup(call: "c1", by: .caller, cause: nil), 90),
            (.tick, 200),
            (.tick, 400),
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
            XCTAssertEqual(restored.nextDeadline(), original.nextDeadline(), "after \(input)")
        }
        XCTAssertEqual(restored.snapshot, original.snapshot)
    }

    /// A store-backed core with queue general and agents a1 (ready at 1 s, so idle
    /// longest) and a2 (ready at 2 s).
    static func twoReadyAgents(_ store: CallCenterStore) throws -> Driver {
        var d = Driver(store: store, settings: settings)
        try d.apply(.upsertQueue(QueueConfig(id: "general")), at: 0)
        for id in ["a1", "a2"] {
            try d.apply(.upsertAgent(AgentProfile(id: id, name: id, seat: "s-\(id)"), tokenHash: "h"), at: 0)
            try d.apply(.agentLogin(agent: id, seat: nil), at: 0)
        }
        try d.apply(.agentSetState(agent: "a1", state: .ready, reason: nil), at: 1)
        try d.apply(.agentSetState(agent: "a2", state: .ready, reason: nil), at: 2)
        return d
    }

    /// `prefer_last_agent` for a customer of the archive: after a restart the core
    /// still knows who served them, whichever of their numbers they call from.
    func testRestoredCoreRemembersLastAgentByCustomer() throws {
        let store = try CallCenterStore(inMemory: ())
        var d = try Self.twoReadyAgents(store)
        let c7 = CallerInfo(customer: "C7", name: "Zhang")
        try d.apply(.offerCall(call: "c1", from: "+8613800001111", to: "1900", queue: nil, attributes: [:], caller: c7), at: 10)
        XCTAssertEqual(d.core.calls["c1"]?.agent, "a1")
        try d.apply(.callAnswered(call: "c1", agent: "a1"), at: 11)
        try d.apply(.callHangup(call: "c1", by: .caller, cause: nil), at: 20)

        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot.lastAgents["customer:C7"], LastService(agent: "a1", at: Fixture.at(20)))
        XCTAssertEqual(snapshot.lastAgents, d.core.snapshot.lastAgents)
        var restored = CallCenter(settings: Self.settings, restoring: snapshot)
        let offer = Input.offerCall(call: "c2", from: "+861012345678", to: "1900", queue: nil, attributes: [:], caller: c7)
        _ = restored.apply(offer, at: Fixture.at(30))
        XCTAssertEqual(restored.calls["c2"]?.agent, "a1", "the customer's last agent, from another number")
    }

    /// The 30 days run from the end of the call, at restart as in the live core:
    /// a long call offered before the window but ended inside it is remembered.
    func testRestoreCountsTheMemoryFromTheEndOfTheCall() throws {
        let store = try CallCenterStore(inMemory: ())
        var d = try Self.twoReadyAgents(store)
        let hours2 = 2 * 3600.0, days30 = LastService.memorySeconds
        try d.apply(.offerCall(call: "long", from: "+861001", to: "1900", queue: nil, attributes: [:]), at: 10)
        try d.apply(.callAnswered(call: "long", agent: "a1"), at: 11)
        try d.apply(.callHangup(call: "long", by: .caller, cause: nil), at: 10 + hours2)
        // Another caller, a month after the long call began (within 30 days of its end).
        try d.apply(.offerCall(call: "other", from: "+862002", to: "1900", queue: nil, attributes: [:]), at: 10 + days30 + 3600)
        try d.apply(.callHangup(call: "other", by: .caller, cause: nil), at: 10 + days30 + 3601)

        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot.lastAgents["number:+861001"]?.agent, "a1")
        var restored = CallCenter(settings: Self.settings, restoring: snapshot)
        let again = Input.offerCall(call: "back", from: "+861001", to: "1900", queue: nil, attributes: [:])
        _ = d.core.apply(again, at: Fixture.at(10 + days30 + 3700))
        _ = restored.apply(again, at: Fixture.at(10 + days30 + 3700))
        XCTAssertEqual(d.core.calls["back"]?.routeReason, "last_agent a1")
        XCTAssertEqual(restored.calls["back"]?.routeReason, "last_agent a1")
    }

    /// `prefer_last_agent`: after a restart the core still knows which agent
    /// last served a number, and rings that agent again like the original would.
    func testRestoredCoreRemembersLastAgentByNumber() throws {
        let store = try CallCenterStore(inMemory: ())
        var d = try Self.twoReadyAgents(store)
        try d.apply(.offerCall(call: "c1", from: "+861234", to: "1900", queue: nil, attributes: [:]), at: 10)  // a1: idle longest
        XCTAssertEqual(d.core.calls["c1"]?.agent, "a1")
        try d.apply(.callAnswered(call: "c1", agent: "a1"), at: 11)
        try d.apply(.callHangup(call: "c1", by: .caller, cause: nil), at: 20)  // a1 ready again, now idle shorter than a2

        var restored = CallCenter(settings: Self.settings, restoring: try store.loadSnapshot())
        let offer = Input.offerCall(call: "c2", from: "+861234", to: "1900", queue: nil, attributes: [:])
        _ = d.core.apply(offer, at: Fixture.at(30))
        _ = restored.apply(offer, at: Fixture.at(30))
        XCTAssertEqual(d.core.calls["c2"]?.agent, "a1", "the original prefers the last agent")
        XCTAssertEqual(restored.calls["c2"]?.agent, d.core.calls["c2"]?.agent, "the restored core should prefer the same agent")
    }
}
