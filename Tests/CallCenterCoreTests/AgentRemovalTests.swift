import CallCenterCore
import XCTest

/// `agent.remove`: an agent who has left goes with their token, once logged out
/// and holding no open complaint; routing and history carry on without them.
final class AgentRemovalTests: XCTestCase {
    func testALoggedOutAgentIsRemoved() throws {
        var desk = try Desk(agents: [profile("a1", skills: ["sales": 5]), profile("a2")])
        let applied = try desk.apply(.removeAgent(agent: "a1"))
        XCTAssertEqual(applied.outcome, .agentRemoved("a1"))
        XCTAssertEqual(applied.changes.agents, ["a1"], "the store is told, and finds the agent gone from the core")
        XCTAssertEqual(applied.effects, [.notice(.agentRemoved("a1"))])
        XCTAssertNil(desk.center.agents["a1"])
        XCTAssertEqual(desk.center.agentCounts[.loggedOut], 1)
        XCTAssertEqual(desk.refuse(.agentLogin(agent: "a1", seat: nil))?.code, .notFound)
        XCTAssertEqual(desk.refuse(.removeAgent(agent: "a1"))?.code, .notFound, "removed once only")
    }

    func testOnlyALoggedOutAgentIsRemoved() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.login("a1")
        XCTAssertEqual(desk.refuse(.removeAgent(agent: "a1")),
                       CoreError(.invalidTransition, "agent 'a1' is not_ready: log them out first (agent.logout); only a logged-out agent is removed"))
        try desk.ready("a1")
        try desk.offer("c1")
        XCTAssertEqual(desk.refuse(.removeAgent(agent: "a1"))?.code, .invalidTransition, "ringing")
        try desk.answer("c1", by: "a1")
        XCTAssertEqual(desk.refuse(.removeAgent(agent: "a1"))?.code, .invalidTransition, "on a call")
        try desk.hangup("c1")
        try desk.apply(.agentLogout(agent: "a1"))
        try desk.apply(.removeAgent(agent: "a1"))
        XCTAssertEqual(desk.call("c1"), nil, "the ended call is history")
    }

    func testAnAgentHoldingAnOpenComplaintIsNotRemoved() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 0)], agents: [profile("a1"), profile("a2")])
        try desk.connect("c1", to: "a1", caller: vipCaller)
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        try desk.step(complaint.id, .calm, by: "a1")
        try desk.step(complaint.id, .solution, by: "a1")  // the wrap-up is held until then
        try desk.apply(.agentLogout(agent: "a1"))
        XCTAssertEqual(desk.refuse(.removeAgent(agent: "a1")),
                       CoreError(.conflict, "agent 'a1' holds open complaint \(complaint.id): hand it to another agent first (complaint.assign)"))
        try desk.apply(.assignComplaint(complaint: complaint.id, agent: "a2"))
        try desk.apply(.removeAgent(agent: "a1"))
        XCTAssertEqual(desk.center.complaints.open[complaint.id]?.heldBy, "a2")
    }

    /// A caller's last agent and a customer's account manager may name a removed
    /// agent: their calls go to whoever is eligible, without waiting for them.
    func testCallsOfARemovedAgentsCustomersGoToOthers() throws {
        var settings = CallCenter.Settings()
        settings.routing.preferLastAgent = true
        var desk = try Desk(settings: settings, queues: [QueueConfig(id: "general", wrapUp: 0, managerWait: 60)],
                            agents: [profile("a1"), profile("a2")])
        let managed = CallerInfo(customer: "C001", name: "Zhang Wei", tier: .highValue, accountManager: "a1")
        try desk.connect("c1", to: "a1", caller: managed)
        try desk.hangup("c1")
        try desk.apply(.agentLogout(agent: "a1"))
        try desk.apply(.removeAgent(agent: "a1"))
        XCTAssertEqual(desk.center.lastAgentByCaller[Call.customerKeyPrefix + "C001"]?.agent, "a1", "the caller's last agent still names a1")
        try desk.loginReady("a2")
        try desk.apply(.offerCall(call: "c2", from: "+8613800000001", to: "400-800", queue: nil, attributes: [:], caller: managed))
        XCTAssertEqual(desk.call("c2")?.agent, "a2", "nobody waits for a manager who is gone")
        XCTAssertEqual(desk.call("c2")?.holdUntil, nil)
    }

    /// A removed id is not given out again, across a restart too: a new agent
    /// under it would inherit the customers it manages and its callers.
    func testARemovedIdIsNotGivenOutAgain() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2")])
        try desk.apply(.removeAgent(agent: "a1"))
        let refusal = CoreError(.conflict, "agent id 'a1' belonged to an agent who was removed (agent.remove): ids are not given out again, as the call log, complaints, audit entries and customers' account_manager still name it; choose another id")
        XCTAssertEqual(desk.refuse(.upsertAgent(profile("a1"), tokenHash: "new")), refusal)
        XCTAssertNil(desk.center.agents["a1"], "the refusal changed nothing")

        let snapshot = desk.center.snapshot
        XCTAssertEqual(snapshot.removedAgents.keys.sorted(), ["a1"])
        var restored = CallCenter(restoring: snapshot)
        guard case let .failure(error) = restored.apply(.upsertAgent(profile("a1"), tokenHash: "new"), at: desk.clock.now) else {
            return XCTFail("a restored core gave out a removed id")
        }
        XCTAssertEqual(error, refusal)
    }

    /// Acting on a removed agent says it was removed, not "create it with
    /// agent.upsert" (which that id would be refused).
    func testActingOnARemovedAgentSaysSo() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.apply(.removeAgent(agent: "a1"))
        let error = desk.refuse(.agentLogin(agent: "a1", seat: nil))
        XCTAssertEqual(error, CoreError(.notFound, "agent 'a1' was removed (agent.remove); its id is not given out again: create the agent under another id"))
        XCTAssertEqual(desk.refuse(.agentLogin(agent: "a9", seat: nil)), CoreError(.notFound, "agent 'a9' is not known; create it with agent.upsert"))
    }
}
