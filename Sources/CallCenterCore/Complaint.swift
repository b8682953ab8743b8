public typealias ComplaintID = String

/// The five steps of handling a complaint (seed 003, 任务2), in their only order:
/// accept (接受投诉) → calm (平息怒气) → solution (探讨解决方案) → action (采取行动)
/// → thanks (感谢客户). `thanks` closes the complaint.
public enum ComplaintStep: String, Sendable, Codable, CaseIterable, Comparable {
    case accept, calm, solution, action, thanks

    /// The step that follows this one; nil after `thanks`.
    public var next: ComplaintStep? {
        let all = Self.allCases
        let i = all.firstIndex(of: self)! + 1
        return i < all.count ? all[i] : nil
    }

    /// `solution` and `action` must say what was agreed and what is done.
    public var needsNote: Bool { self == .solution || self == .action }

    /// What a step's note holds, for messages.
    var noteMeaning: String {
        switch self {
        case .solution: return "the solution agreed with the customer"
        case .action: return "what is done, by whom, by when"
        default: return "what was said or done"
        }
    }

    public static func < (lhs: ComplaintStep, rhs: ComplaintStep) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Open until `thanks`, closed after.
public enum ComplaintState: String, Sendable, Codable, CaseIterable {
    case open, closed
}

/// One step as it was taken: who, when, what was said or done, on which call.
public struct ComplaintStepRecord: Sendable, Equatable, Codable {
    public var step: ComplaintStep
    public var agent: AgentID
    public var at: Instant
    public var note: String?
    /// The call the step was taken on, when one was named or known.
    public var call: CallID?

    public init(step: ComplaintStep, agent: AgentID, at: Instant, note: String? = nil, call: CallID? = nil) {
        self.step = step
        self.agent = agent
        self.at = at
        self.note = note
        self.call = call
    }
}

/// A call linked to a complaint: the one it came from, or a later follow-up.
public struct ComplaintCall: Sendable, Equatable, Codable {
    public var call: CallID
    /// The call's serial (a PBX may reuse call ids over time).
    public var serial: UInt64
    public var agent: AgentID
    /// When the call was linked.
    public var at: Instant
    /// False for the call the complaint was opened on.
    public var followUp: Bool

    public init(call: CallID, serial: UInt64, agent: AgentID, at: Instant, followUp: Bool) {
        self.call = call
        self.serial = serial
        self.agent = agent
        self.at = at
        self.followUp = followUp
    }
}

/// A customer's complaint: its own record, linked to the calls it came from and
/// to follow-up calls, with the full log of its steps. It outlives its call.
public struct Complaint: Sendable, Equatable, Codable {
    public var id: ComplaintID
    /// The serial behind the id (`CP-000042` is number 42).
    public var number: Int
    /// The customer's archive id; nil for an unknown caller.
    public var customer: String?
    public var customerName: String?
    /// The customer's tier when the complaint was opened; nil: unknown.
    public var tier: CustomerTier?
    public var summary: String
    public var calls: [ComplaintCall]
    /// The agent who accepted it.
    public var openedBy: AgentID
    /// The agent responsible for it now (a supervisor may reassign it).
    public var heldBy: AgentID
    /// When it was last reassigned.
    public var assignedAt: Instant?
    /// The last step taken.
    public var step: ComplaintStep
    public var openedAt: Instant
    public var closedAt: Instant?
    /// When `action` must be reached by (opened + the tier's SLA).
    public var slaDue: Instant
    /// The due time passed before `action`.
    public var breached: Bool = false
    public var breachedAt: Instant?
    /// Every step taken, in order (the first is `accept`).
    public var steps: [ComplaintStepRecord]

    public init(id: ComplaintID, number: Int, customer: String?, customerName: String? = nil, tier: CustomerTier?, summary: String,
                call: ComplaintCall, openedAt: Instant, slaDue: Instant) {
        self.id = id
        self.number = number
        self.customer = customer
        self.customerName = customerName
        self.tier = tier
        self.summary = summary
        self.calls = [call]
        self.openedBy = call.agent
        self.heldBy = call.agent
        self.step = .accept
        self.openedAt = openedAt
        self.slaDue = slaDue
        self.steps = [ComplaintStepRecord(step: .accept, agent: call.agent, at: openedAt, note: summary, call: call.call)]
    }

    public var state: ComplaintState { closedAt == nil ? .open : .closed }

    /// The tier's name, `unknown` for an unknown caller.
    public var tierName: String { tier?.rawValue ?? "unknown" }

    /// The step expected next; nil once closed.
    public var nextStep: ComplaintStep? { step.next }

    /// When a step was taken, if it was.
    public func time(of step: ComplaintStep) -> Instant? {
        steps.first { $0.step == step }?.at
    }

    /// true: `action` was reached in time; false: it was not (breached); nil: not yet decided.
    public var slaMet: Bool? {
        if let action = time(of: .action) { return action <= slaDue && !breached }
        return breached ? false : nil
    }

    /// Whether the complaint still holds up the wrap-up of the call with this serial.
    public func holdsWrapUp(serial: UInt64) -> Bool {
        step < .solution && calls.contains { $0.serial == serial }
    }

    /// `CP-000042` for number 42.
    public static func id(number: Int) -> ComplaintID {
        let digits = String(number)
        return "CP-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
