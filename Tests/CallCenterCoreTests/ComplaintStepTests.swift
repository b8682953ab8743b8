import XCTest
import CallCenterCore

/// The five steps, strictly in order: every legal and every illegal transition.
final class ComplaintStepTests: XCTestCase {
    /// A desk with agent a1 on call c1 from a known VIP, and complaint CP-000001 open on it.
    func deskWithComplaint() throws -> (Desk, Complaint) {
        var desk = try Desk(agents: [profile("a1"), profile("a2")])
        try desk.connect("c1", to: "a1", caller: vipCaller)
        let complaint = try desk.openComplaint(on: "c1", by: "a1")
        return (desk, complaint)
    }

    /// Opening records `accept` by the call's agent, links the call, copies the customer and tier.
    func testOpenRecordsAcceptAndLinksTheCall() throws {
        let (desk, complaint) = try deskWithComplaint()
        XCTAssertEqual(complaint.id, "CP-000001")
        XCTAssertEqual(complaint.step, .accept)
        XCTAssertEqual(complaint.nextStep, .calm)
        XCTAssertEqual(complaint.state, .open)
        XCTAssertEqual(complaint.customer, "C001")
        XCTAssertEqual(complaint.customerName, "Zhang Wei")
        XCTAssertEqual(complaint.tier, .highValue)
        XCTAssertEqual(complaint.openedBy, "a1")
        XCTAssertEqual(complaint.heldBy, "a1")
        XCTAssertEqual(complaint.calls.map(\.call), ["c1"])
        XCTAssertEqual(complaint.calls.first?.followUp, false)
        XCTAssertEqual(complaint.steps, [ComplaintStepRecord(step: .accept, agent: "a1", at: desk.now, note: "billed twice", call: "c1")])
        XCTAssertEqual(desk.center.complaints.open["CP-000001"], complaint)
    }

    /// accept → calm → solution → action → thanks, each logged with who, when, what; thanks closes it.
    func testEveryLegalStepInOrderThenClosed() throws {
        var (desk, complaint) = try deskWithComplaint()
        let notes: [ComplaintStep: String?] = [.calm: nil, .solution: "refund the second charge", .action: "a1 refunds by Friday", .thanks: "thanked"]
        for step in [ComplaintStep.calm, .solution, .action, .thanks] {
            desk.advance(60)
            let applied = try desk.apply(.complaintStep(complaint: complaint.id, step: step, agent: "a1", note: notes[step]!, call: nil))
            guard case let .complaint(after) = applied.outcome else { return XCTFail("outcome \(applied.outcome)") }
            complaint = after
            XCTAssertEqual(complaint.step, step)
            XCTAssertEqual(complaint.steps.last, ComplaintStepRecord(step: step, agent: "a1", at: desk.now, note: notes[step]!, call: nil))
            XCTAssertEqual(applied.changes.complaints.last, complaint)
            XCTAssertEqual(applied.complaintEvents, step == .thanks ? ["complaint.step", "complaint.closed"] : ["complaint.step"])
        }
        XCTAssertEqual(complaint.state, .closed)
        XCTAssertEqual(complaint.closedAt, desk.now)
        XCTAssertEqual(complaint.steps.map(\.step), ComplaintStep.allCases)
        XCTAssertNil(desk.center.complaints.open[complaint.id], "a closed complaint leaves the desk")
    }

    /// Every step other than the next one is refused with a message naming the next step; nothing changes.
    func testEveryIllegalStepIsRefusedNamingTheNextStep() throws {
        var (desk, complaint) = try deskWithComplaint()
        for current in [ComplaintStep.accept, .calm, .solution, .action] {
            let expected = current.next!
            for step in ComplaintStep.allCases where step != expected {
                let error = try XCTUnwrap(desk.refuse(.complaintStep(complaint: complaint.id, step: step, agent: "a1", note: "note", call: nil)))
                XCTAssertEqual(error.code, .invalidTransition)
                let head = "step '\(step.rawValue)' is not allowed now: the next step is '\(expected.rawValue)'"
                switch step {
                case .accept: XCTAssertEqual(error.message, head + " ('accept' is recorded when the complaint is opened)")
                case _ where step < expected: XCTAssertEqual(error.message, head + " ('\(step.rawValue)' is done already)")
                default: XCTAssertEqual(error.message, head)
                }
            }
            complaint = try desk.step(complaint.id, expected, by: "a1")
        }
    }

    /// The examples of the workflow's messages, word for word.
    func testMessagesWordForWord() throws {
        var (desk, complaint) = try deskWithComplaint()
        try desk.step(complaint.id, .calm, by: "a1")
        XCTAssertEqual(desk.refuse(.complaintStep(complaint: complaint.id, step: .action, agent: "a1", note: "x", call: nil))?.message,
                       "step 'action' is not allowed now: the next step is 'solution'")
        XCTAssertEqual(desk.refuse(.complaintStep(complaint: complaint.id, step: .calm, agent: "a1", note: nil, call: nil))?.message,
                       "step 'calm' is not allowed now: the next step is 'solution' ('calm' is done already)")
        complaint = try desk.step(complaint.id, .solution, by: "a1")
    }

    /// A closed complaint takes no step: the pure check says so; the desk no longer holds it.
    func testClosedComplaintTakesNoStep() throws {
        var (desk, complaint) = try deskWithComplaint()
        try desk.advance(complaint.id, through: .action, by: "a1")
        complaint = try desk.step(complaint.id, .thanks, by: "a1")
        for step in ComplaintStep.allCases {
            XCTAssertThrowsError(try ComplaintDesk.check(step, on: complaint, note: "x")) { error in
                XCTAssertEqual(error as? CoreError, CoreError(.invalidTransition,
                    "step '\(step.rawValue)' is not allowed now: complaint 'CP-000001' is closed; no step follows 'thanks'"))
            }
        }
        let error = desk.refuse(.complaintStep(complaint: complaint.id, step: .thanks, agent: "a1", note: nil, call: nil))
        XCTAssertEqual(error?.code, .notFound)
        XCTAssertEqual(error?.message, "complaint 'CP-000001' is not open (no such complaint, or it is closed)")
    }

    /// `solution` and `action` need a non-empty note; calm and thanks do not.
    func testSolutionAndActionNeedANote() throws {
        var (desk, complaint) = try deskWithComplaint()
        try desk.step(complaint.id, .calm, by: "a1", note: nil)
        for note in [nil, "", "  \n"] as [String?] {
            let error = desk.refuse(.complaintStep(complaint: complaint.id, step: .solution, agent: "a1", note: note, call: nil))
            XCTAssertEqual(error, CoreError(.badRequest, "field 'note' is missing: step 'solution' needs a note saying the solution agreed with the customer"))
        }
        complaint = try desk.step(complaint.id, .solution, by: "a1", note: "  refund  ")
        XCTAssertEqual(complaint.steps.last?.note, "refund", "notes are kept trimmed")
        XCTAssertEqual(desk.refuse(.complaintStep(complaint: complaint.id, step: .action, agent: "a1", note: " ", call: nil)),
                       CoreError(.badRequest, "field 'note' is missing: step 'action' needs a note saying what is done, by whom, by when"))
        try desk.step(complaint.id, .action, by: "a1", note: "refund issued by a1, Friday")
        try desk.step(complaint.id, .thanks, by: "a1", note: nil)
    }

    /// Order is checked before the note: a skipped step without a note is still invalid_transition.
    func testOrderIsCheckedBeforeTheNote() throws {
        var (desk, complaint) = try deskWithComplaint()
        XCTAssertEqual(desk.refuse(.complaintStep(complaint: complaint.id, step: .action, agent: "a1", note: nil, call: nil))?.code, .invalidTransition)
        complaint = try desk.step(complaint.id, .calm, by: "a1")
    }

    /// Another agent takes later steps on a later call (follow-up): the call is linked, who did what is kept.
    func testFollowUpByAnotherAgentOnALaterCall() throws {
        var (desk, complaint) = try deskWithComplaint()
        try desk.advance(complaint.id, through: .solution, by: "a1")
        try desk.hangup("c1")
        try desk.notReady("a1")
        desk.advance(3600)
        try desk.connect("c2", to: "a2", caller: vipCaller)
        complaint = try desk.step(complaint.id, .action, by: "a2", note: "replacement shipped", call: "c2")
        XCTAssertEqual(complaint.calls.map(\.call), ["c1", "c2"])
        XCTAssertEqual(complaint.calls.map(\.followUp), [false, true])
        XCTAssertEqual(complaint.calls.last?.agent, "a2")
        XCTAssertEqual(complaint.steps.map(\.agent), ["a1", "a1", "a1", "a2"])
        XCTAssertEqual(complaint.steps.last?.call, "c2")
        XCTAssertEqual(complaint.heldBy, "a1", "taking a step does not move the complaint")
        complaint = try desk.step(complaint.id, .thanks, by: "a2", note: nil, call: "c2")
        XCTAssertEqual(complaint.calls.count, 2, "a call is linked once")
    }

    /// A follow-up must name a call the agent is on (or wrapping up).
    func testFollowUpCallMustBeTheAgentsOwn() throws {
        var (desk, complaint) = try deskWithComplaint()
        let error = desk.refuse(.complaintStep(complaint: complaint.id, step: .calm, agent: "a2", note: nil, call: "c1"))
        XCTAssertEqual(error, CoreError(.conflict, "call 'c1' is with agent 'a1', not 'a2'"))
        complaint = try desk.step(complaint.id, .calm, by: "a2")
    }
}
