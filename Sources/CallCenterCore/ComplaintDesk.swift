/// The open complaints and the rules of their workflow: a pure value owned by
/// `CallCenter`. Closed complaints leave the desk (the store keeps them).
///
/// Every mutating method checks first and throws before changing anything.
public struct ComplaintDesk: Sendable, Equatable {
    /// Open complaints by id.
    public internal(set) var open: [ComplaintID: Complaint] = [:]
    /// The number of the next complaint (`CP-000001` is 1).
    public internal(set) var nextNumber = 1

    public init() {}

    /// The desk as it was: the open complaints and the next number to give.
    public init(restoring complaints: [Complaint], nextNumber: Int) {
        var highest = 0
        for complaint in complaints where complaint.state == .open {
            open[complaint.id] = complaint
            highest = max(highest, complaint.number)
        }
        self.nextNumber = max(nextNumber, highest + 1)
    }

    /// Open complaints, oldest first.
    public var sorted: [Complaint] { open.values.sorted { $0.number < $1.number } }

    // MARK: - The step machine

    /// Checks that `step` may be taken now on `complaint` with `note`.
    /// Out of order: `invalid_transition` naming the step expected next.
    /// A `solution` or `action` without a note: `bad_request`.
    public static func check(_ step: ComplaintStep, on complaint: Complaint, note: String?) throws {
        guard let expected = complaint.nextStep, complaint.state == .open else {
            throw CoreError(.invalidTransition, "step '\(step.rawValue)' is not allowed now: complaint '\(complaint.id)' is closed; no step follows 'thanks'")
        }
        if step != expected {
            var message = "step '\(step.rawValue)' is not allowed now: the next step is '\(expected.rawValue)'"
            if step == .accept {
                message += " ('accept' is recorded when the complaint is opened)"
            } else if step < expected {
                message += " ('\(step.rawValue)' is done already)"
            }
            throw CoreError(.invalidTransition, message)
        }
        if step.needsNote && (note ?? "").allSatisfy(\.isWhitespace) {
            throw CoreError(.badRequest, "field 'note' is missing: step '\(step.rawValue)' needs a note saying \(step.noteMeaning)")
        }
    }

    // MARK: - Changes

    /// Opens a complaint on `call`; its first step, `accept`, is taken by the call's agent.
    mutating func open(customer: String?, customerName: String?, tier: CustomerTier?, summary: String,
                       call: ComplaintCall, at now: Instant, sla: ComplaintSLA) throws -> Complaint {
        let summary = summary.trimmingWhitespace
        guard !summary.isEmpty else {
            throw CoreError(.badRequest, "field 'summary' is missing: say what the customer complains about")
        }
        if let other = open.values.first(where: { c in c.calls.contains { $0.serial == call.serial } }) {
            throw CoreError(.conflict, "call '\(call.call)' already has complaint '\(other.id)' (next step '\(other.nextStep?.rawValue ?? "-")'); take its steps with complaint.step")
        }
        let number = nextNumber
        let complaint = Complaint(
            id: Complaint.id(number: number), number: number, customer: customer, customerName: customerName, tier: tier,
            summary: summary, call: call, openedAt: now, slaDue: now.adding(seconds: sla.seconds(for: tier))
        )
        nextNumber += 1
        open[complaint.id] = complaint
        return complaint
    }

    /// Takes the next step; `link` is a call to add as a follow-up (if not linked yet).
    /// `thanks` closes the complaint and takes it off the desk.
    mutating func take(_ step: ComplaintStep, on id: ComplaintID, by agent: AgentID, note: String?,
                       link: ComplaintCall?, at now: Instant) throws -> Complaint {
        guard var complaint = open[id] else { throw Self.notOpen(id) }
        try Self.check(step, on: complaint, note: note)
        if let link, !complaint.calls.contains(where: { $0.serial == link.serial }) {
            complaint.calls.append(link)
        }
        let trimmed = note?.trimmingWhitespace
        complaint.steps.append(ComplaintStepRecord(step: step, agent: agent, at: now, note: trimmed?.isEmpty == false ? trimmed : nil, call: link?.call))
        complaint.step = step
        if step == .thanks {
            complaint.closedAt = now
            open[id] = nil
        } else {
            open[id] = complaint
        }
        return complaint
    }

    /// Hands an open complaint to another agent.
    mutating func assign(_ id: ComplaintID, to agent: AgentID, at now: Instant) throws -> Complaint {
        guard var complaint = open[id] else { throw Self.notOpen(id) }
        complaint.heldBy = agent
        complaint.assignedAt = now
        open[id] = complaint
        return complaint
    }

    /// Marks the complaint breached if its SLA has passed without `action`; nil if nothing changed.
    mutating func markBreached(_ id: ComplaintID, at now: Instant) -> Complaint? {
        guard var complaint = open[id], !complaint.breached, complaint.step < .action, complaint.slaDue <= now else { return nil }
        complaint.breached = true
        complaint.breachedAt = now
        open[id] = complaint
        return complaint
    }

    // MARK: - Reading

    /// Whether the SLA deadline at `at` still matters for the complaint.
    func isDue(_ id: ComplaintID, at: Instant) -> Bool {
        guard let complaint = open[id] else { return false }
        return !complaint.breached && complaint.step < .action && complaint.slaDue == at
    }

    /// The open complaint that holds up the wrap-up of the call with this serial.
    public func holdingWrapUp(serial: UInt64) -> Complaint? {
        open.values.filter { $0.holdsWrapUp(serial: serial) }.min { $0.number < $1.number }
    }

    static func notOpen(_ id: ComplaintID) -> CoreError {
        CoreError(.notFound, "complaint '\(id)' is not open (no such complaint, or it is closed)")
    }
}

extension String {
    /// Without leading and trailing whitespace (no Foundation in the core).
    fileprivate var trimmingWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
