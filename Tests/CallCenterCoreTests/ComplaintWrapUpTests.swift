import XCTest
import CallCenterCore

/// Calls and complaints agree: a complaint call's wrap-up cannot finish before `solution`.
final class ComplaintWrapUpTests: XCTestCase {
    /// The agent asks for ready or not_ready, or to log out, during the held wrap-up: refused, naming the complaint and the step.
    func testLeavingAHeldWrapUpIsRefused() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 30)], agents: [profile("a1")])
        try desk.connect("c1", to: "a1", caller: vipCaller)
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        let expected = CoreError(.invalidTransition,
            "agent 'a1' is wrapping up call 'c1' of complaint 'CP-000001': the complaint must reach step 'solution' first (its next step is 'calm')")
        XCTAssertEqual(desk.refuse(.agentSetState(agent: "a1", state: .ready, reason: nil)), expected)
        XCTAssertEqual(desk.refuse(.agentSetState(agent: "a1", state: .notReady, reason: "break")), expected)
        XCTAssertEqual(desk.refuse(.agentLogout(agent: "a1")), expected)
        try desk.step(complaint.id, .calm, by: "a1")
        XCTAssertEqual(desk.refuse(.agentSetState(agent: "a1", state: .ready, reason: nil))?.message,
                       "agent 'a1' is wrapping up call 'c1' of complaint 'CP-000001': the complaint must reach step 'solution' first (its next step is 'solution')")
        try desk.step(complaint.id, .solution, by: "a1", note: "refund")
        try desk.ready("a1")
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// The wrap-up timer running out keeps the agent in wrap-up; `solution` then ends it at once.
    func testTimerKeepsTheAgentInWrapUpUntilSolution() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 30)], agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        desk.advance(31)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .wrapUp, "the wrap-up is extended")
        XCTAssertEqual(desk.center.nextDeadline(), complaint.slaDue, "only the SLA deadline is left")
        try desk.offer("c2")
        XCTAssertEqual(desk.waiting(), ["c2"], "an agent held in wrap-up gets no call")
        desk.advance(60)
        try desk.step(complaint.id, .calm, by: "a1")
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        let applied = try desk.step(complaint.id, .solution, by: "a1", note: "refund")
        XCTAssertEqual(applied.step, .solution)
        XCTAssertEqual(desk.state("a1"), .ringing, "wrap-up over: the agent is ready and takes the waiting call")
        XCTAssertEqual(desk.agent("a1").call, "c2")
    }

    /// Reaching `solution` before the wrap-up time is over lets it end at its own time.
    func testSolutionDuringWrapUpTimeLetsItEndOnTime() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 30)], agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        desk.advance(10)
        try desk.advance(complaint.id, through: .solution, by: "a1")
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        desk.advance(20)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// A queue without wrap-up still holds a complaint call's agent in wrap-up until `solution`.
    func testNoWrapUpQueueStillHoldsAComplaintCall() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        try desk.advance(complaint.id, through: .solution, by: "a1")
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// A complaint opened during wrap-up holds that wrap-up too; a call at `solution` already does not.
    func testComplaintOpenedInWrapUpHoldsIt() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 30)], agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        try desk.hangup("c1")
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        XCTAssertEqual(desk.refuse(.agentSetState(agent: "a1", state: .ready, reason: nil))?.code, .invalidTransition)
        try desk.advance(complaint.id, through: .action, by: "a1")
        try desk.ready("a1")
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// Another agent reaching `solution` (after a reassignment) releases the first agent's wrap-up.
    func testSolutionByTheNewHolderReleasesTheWrapUp() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 5)], agents: [profile("a1"), profile("a2")])
        try desk.connect("c1", to: "a1")
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        try desk.apply(.assignComplaint(complaint: complaint.id, agent: "a2"))
        desk.advance(10)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        try desk.advance(complaint.id, through: .solution, by: "a2")
        XCTAssertEqual(desk.state("a1"), .ready)
    }

    /// A held wrap-up survives a restart: the re-armed wrap-up end does not release it.
    func testHeldWrapUpSurvivesARestore() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 5)], agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        try desk.hangup("c1")
        desk.center = CallCenter(restoring: desk.center.snapshot)
        desk.advance(10)
        try desk.tick()
        XCTAssertEqual(desk.state("a1"), .wrapUp)
        try desk.advance(complaint.id, through: .solution, by: "a1")
        XCTAssertEqual(desk.state("a1"), .ready)
    }
}
