import XCTest
import CallCenterCore

/// A known high-value caller and an unknown one, as the archive would describe them.
let vipCaller = CallerInfo(customer: "C001", name: "Zhang Wei", company: "Acme", tier: .highValue)
let riskCaller = CallerInfo(customer: "C002", name: "Li Na", tier: .risk)

extension Desk {
    /// Rings `agent` with a new call from `caller` and answers it (the agent must be the only ready one).
    mutating func connect(_ call: CallID, to agent: AgentID, caller: CallerInfo? = nil) throws {
        if state(agent) != .ready {
            if state(agent) == .loggedOut { try login(agent) }
            try ready(agent)
        }
        try apply(.offerCall(call: call, from: "+8613800000001", to: "400-800", queue: nil, attributes: [:], caller: caller))
        XCTAssertEqual(center.calls[call]?.agent, agent, "test: the call should ring on \(agent)")
        try answer(call, by: agent)
    }

    /// `complaint.open` that must succeed; returns the new complaint.
    @discardableResult
    mutating func openComplaint(on call: CallID, by agent: AgentID, summary: String = "billed twice", caller: CallerInfo? = nil) throws -> Complaint {
        let applied = try apply(.openComplaint(call: call, agent: agent, summary: summary, caller: caller))
        guard case let .complaint(complaint) = applied.outcome else {
            throw CoreError(.badRequest, "test: complaint.open answered \(applied.outcome)")
        }
        return complaint
    }

    /// `complaint.step` that must succeed; returns the complaint after it.
    @discardableResult
    mutating func step(_ id: ComplaintID, _ step: ComplaintStep, by agent: AgentID, note: String? = "done", call: CallID? = nil) throws -> Complaint {
        let applied = try apply(.complaintStep(complaint: id, step: step, agent: agent, note: note, call: call))
        guard case let .complaint(complaint) = applied.outcome else {
            throw CoreError(.badRequest, "test: complaint.step answered \(applied.outcome)")
        }
        return complaint
    }

    /// Takes the steps after `accept` up to and including `last`.
    mutating func advance(_ id: ComplaintID, through last: ComplaintStep, by agent: AgentID) throws {
        for step in ComplaintStep.allCases where step > .accept && step <= last {
            try self.step(id, step, by: agent)
        }
    }
}

extension CallCenter.Applied {
    /// Names of the `complaint.*` notices, in order.
    var complaintEvents: [String] {
        effects.compactMap { if case let .notice(.complaint(event, _)) = $0 { return event } else { return nil } }
    }
}
