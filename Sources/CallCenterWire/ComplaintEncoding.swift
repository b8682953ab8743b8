import CallCenterCore

/// How complaints look on the wire.
extension Encode {
    /// A complaint with its calls and step log. `sla_left` is the time left to the
    /// SLA at `now` (negative once past; null once `action` is reached or closed).
    public static func complaint(_ c: Complaint, now: Instant) -> [String: JSONValue] {
        let actionReached = c.time(of: .action) != nil
        return [
            "complaint": .string(c.id), "customer": .from(c.customer), "customer_name": .from(c.customerName),
            "tier": .string(c.tierName), "summary": .string(c.summary), "state": .string(c.state.rawValue),
            "step": .string(c.step.rawValue), "next_step": .from(c.nextStep?.rawValue),
            "opened_by": .string(c.openedBy), "held_by": .string(c.heldBy), "assigned_at": time(c.assignedAt),
            "opened_at": time(c.openedAt), "closed_at": time(c.closedAt),
            "sla_due": time(c.slaDue), "sla_left": actionReached ? .null : seconds(c.slaDue.seconds(since: now)),
            "sla_met": c.slaMet.map { .bool($0) } ?? .null,
            "breached": .bool(c.breached), "breached_at": time(c.breachedAt),
            "calls": .array(c.calls.map { link in
                .object([
                    "call": .string(link.call), "agent": .string(link.agent), "at": time(link.at), "follow_up": .bool(link.followUp),
                ])
            }),
            "steps": .array(c.steps.map { .object(step($0)) }),
        ]
    }

    /// One entry of a complaint's step log.
    public static func step(_ s: ComplaintStepRecord) -> [String: JSONValue] {
        ["step": .string(s.step.rawValue), "agent": .string(s.agent), "at": time(s.at), "note": .from(s.note), "call": .from(s.call)]
    }

    /// A pushed `complaint.*` event: the complaint, when, and for a step who took it and the note.
    public static func complaintEvent(_ name: String, _ c: Complaint, seq: Int64, now: Instant) -> [UInt8] {
        var fields = complaint(c, now: now)
        fields["at"] = time(now)
        switch name {
        case "complaint.step", "complaint.closed":
            if let last = c.steps.last {
                fields["agent"] = .string(last.agent)
                fields["note"] = .from(last.note)
                if let call = last.call { fields["call"] = .string(call) }
            }
        case "complaint.opened":
            fields["agent"] = .string(c.openedBy)
            fields["call"] = .from(c.calls.first?.call)
        case "complaint.assigned":
            fields["agent"] = .string(c.heldBy)
        default:
            fields["agent"] = .string(c.heldBy)
        }
        return event(name, seq: seq, fields)
    }
}
