import XCTest
import CallCenterCore
import CallCenterWire

/// Decoding the `complaint.*` ops: who may call them, and their fields.
final class ComplaintCommandTests: XCTestCase {
    private let pbx = SessionContext(role: .pbx, agent: nil)
    private let admin = SessionContext(role: .admin, agent: nil)
    private let supervisor = SessionContext(role: .supervisor, agent: nil)
    private let agentA1 = SessionContext(role: .agent, agent: "a1")

    private func decode(_ op: String, _ fields: [String: JSONValue] = [:], as session: SessionContext) throws -> Command {
        try Command.decode(Request(id: 1, op: op, fields: fields), session: session)
    }

    private func refusal(_ op: String, _ fields: [String: JSONValue] = [:], as session: SessionContext,
                         file: StaticString = #filePath, line: UInt = #line) -> WireError? {
        do {
            let command = try decode(op, fields, as: session)
            XCTFail("\(op) decoded to \(command)", file: file, line: line)
            return nil
        } catch {
            return error as? WireError
        }
    }

    /// Agents open and step complaints; supervisors list, get, assign and report; the PBX none of them.
    func testRoles() {
        for op in ["complaint.open", "complaint.step"] {
            XCTAssertEqual(Operation(rawValue: op)?.roles, [.agent, .admin], op)
            XCTAssertEqual(Operation(rawValue: op)?.changesState, true, op)
            XCTAssertEqual(refusal(op, ["complaint": 5], as: supervisor)?.code, .forbidden, op)
        }
        for op in ["complaint.list", "complaint.get", "complaint.assign", "complaint.report"] {
            XCTAssertEqual(Operation(rawValue: op)?.roles, [.supervisor, .admin], op)
            XCTAssertEqual(refusal(op, [:], as: agentA1)?.code, .forbidden, op)
            XCTAssertEqual(refusal(op, [:], as: pbx)?.code, .forbidden, op)
        }
        XCTAssertEqual(Operation(rawValue: "complaint.assign")?.changesState, true)
        XCTAssertEqual(Operation(rawValue: "complaint.list")?.changesState, false)
    }

    /// `complaint.open` acts for the session's agent (an admin names one); call and summary are required.
    func testOpen() throws {
        XCTAssertEqual(try decode("complaint.open", ["call": "c1", "summary": "late"], as: agentA1),
                       .input(.openComplaint(call: "c1", agent: "a1", summary: "late", caller: nil)))
        XCTAssertEqual(try decode("complaint.open", ["call": "c1", "summary": "late", "agent": "a2"], as: admin),
                       .input(.openComplaint(call: "c1", agent: "a2", summary: "late", caller: nil)))
        XCTAssertEqual(refusal("complaint.open", ["call": "c1", "summary": "late", "agent": "a2"], as: agentA1),
                       WireError(.forbidden, "this session is agent 'a1'; it cannot act for agent 'a2'"))
        XCTAssertEqual(refusal("complaint.open", ["call": "c1"], as: agentA1),
                       WireError(.badRequest, "field 'summary' is missing: expected a non-empty string"))
    }

    /// `complaint.step`: a known step name, any string note (the core says when one is needed), an optional call.
    func testStep() throws {
        XCTAssertEqual(try decode("complaint.step", ["complaint": "CP-000001", "step": "solution", "note": "", "call": "c2"], as: agentA1),
                       .input(.complaintStep(complaint: "CP-000001", step: .solution, agent: "a1", note: "", call: "c2")))
        XCTAssertEqual(try decode("complaint.step", ["complaint": "CP-000001", "step": "accept"], as: agentA1),
                       .input(.complaintStep(complaint: "CP-000001", step: .accept, agent: "a1", note: nil, call: nil)))
        XCTAssertEqual(refusal("complaint.step", ["complaint": "CP-000001", "step": "apologise"], as: agentA1),
                       WireError(.badRequest, #"field 'step' must be one of "accept", "calm", "solution", "action", "thanks", not "apologise""#))
        XCTAssertEqual(refusal("complaint.step", ["complaint": "CP-000001", "step": "calm", "note": 3], as: agentA1),
                       WireError(.badRequest, "field 'note' must be a string, not a number"))
    }

    /// Supervisors' reads and the reassignment.
    func testSupervisorOps() throws {
        XCTAssertEqual(try decode("complaint.list", [:], as: supervisor), .query(.complaintList(state: nil, limit: 100)))
        XCTAssertEqual(try decode("complaint.list", ["state": "closed", "limit": 5], as: supervisor), .query(.complaintList(state: .closed, limit: 5)))
        XCTAssertEqual(refusal("complaint.list", ["state": "pending"], as: supervisor),
                       WireError(.badRequest, #"field 'state' must be one of "open", "closed", not "pending""#))
        XCTAssertEqual(refusal("complaint.list", ["limit": 0], as: supervisor)?.code, .badRequest)
        XCTAssertEqual(try decode("complaint.get", ["complaint": "CP-000001"], as: supervisor), .query(.complaintGet("CP-000001")))
        XCTAssertEqual(try decode("complaint.assign", ["complaint": "CP-000001", "agent": "a2"], as: supervisor),
                       .input(.assignComplaint(complaint: "CP-000001", agent: "a2")))
        XCTAssertEqual(refusal("complaint.assign", ["complaint": "CP-000001"], as: supervisor)?.message,
                       "field 'agent' is missing: expected a non-empty string")
    }

    /// `complaint.report` takes local days; bad dates and a reversed range are refused.
    func testReportRange() throws {
        XCTAssertEqual(try decode("complaint.report", [:], as: supervisor), .query(.complaintReport(ComplaintReportRange())))
        XCTAssertEqual(try decode("complaint.report", ["from": "1970-01-02", "to": "2026-11-23"], as: supervisor),
                       .query(.complaintReport(ComplaintReportRange(fromDay: 1, toDay: 20_780))))
        XCTAssertEqual(try ComplaintReportRange.day("2024-02-29", field: "from"), 19_782)
        for bad in ["2026-02-30", "2026-13-01", "26-11-23", "2026/11/23", "yesterday"] {
            XCTAssertEqual(refusal("complaint.report", ["from": .string(bad)], as: supervisor),
                           WireError(.badRequest, "field 'from' must be a date like \"2026-11-23\", not \"\(bad)\""), bad)
        }
        XCTAssertEqual(refusal("complaint.report", ["from": "2026-11-23", "to": "2026-11-01"], as: supervisor),
                       WireError(.badRequest, "field 'from' is after field 'to': give the first day, then the last"))
    }

    /// `complaints` is a topic.
    func testComplaintsIsATopic() throws {
        XCTAssertEqual(try decode("subscribe", ["topics": ["complaints", "calls"]], as: supervisor), .subscribe([.complaints, .calls]))
    }
}
