public typealias CallID = String

/// Where a call is in its life: offered → queued → ringing → connected → ended.
/// (`offered` is the instant of `call.offer`; the call is queued or ringing at once.)
public enum CallState: String, Sendable, Codable {
    case queued
    case ringing
    case connected
    case ended
}

/// How a call (or a leg of it) ended.
public enum CallOutcome: String, Sendable, Codable, CaseIterable {
    /// Connected to an agent and hung up.
    case completed
    /// The caller hung up before an agent answered.
    case abandoned
    /// Moved to another queue or agent; the call goes on as a new leg.
    case transferred
    /// Waited the queue's maximum (or rang unanswered too often): sent to voicemail or callback.
    case timedOut = "timed_out"
    /// Refused by the flagged-number policy.
    case rejected
}

/// Who hung up.
public enum HangupSide: String, Sendable, Codable, CaseIterable {
    case caller, agent, system
}

/// One call as the daemon knows it. Each transfer starts a new `leg` with the
/// same call id; the call log keeps one row per leg.
public struct Call: Sendable, Equatable {
    public var id: CallID
    /// Unique for the life of this call (a PBX may reuse call ids over time).
    public var serial: UInt64
    public var leg: Int = 1
    /// The caller's number, as the PBX sent it.
    public var from: String {
        get { origin.from }
        set { origin = CallOrigin(from: newValue, to: to, attributes: attributes, caller: caller) }
    }
    /// The number dialled.
    public var to: String {
        get { origin.to }
        set { origin = CallOrigin(from: from, to: newValue, attributes: attributes, caller: caller) }
    }
    public var queue: QueueID
    /// What the PBX said about the call (IVR choice, language, ...).
    public var attributes: [String: String] {
        get { origin.attributes }
        set { origin = CallOrigin(from: from, to: to, attributes: newValue, caller: caller) }
    }
    /// The caller's archive record summary, when the number is known.
    public var caller: CallerInfo? {
        get { origin.caller }
        set { origin = CallOrigin(from: from, to: to, attributes: attributes, caller: newValue) }
    }
    /// What the call was offered with, set once, behind one reference: routing
    /// copies calls as it looks down a line (eligibility, notices), and the box is
    /// one retain where these strings and collections were about a dozen. A change
    /// puts a new box in place.
    private var origin: CallOrigin

    public var state: CallState = .queued
    public var agent: AgentID?
    /// Place in line: lower goes first among equal priority. Kept across no-answers.
    public var ticket: UInt64
    /// Static priority from the caller's tier (the configured weight).
    public var priority: Int = 0
    /// The caller's language or dialect (attributes or archive), for matching.
    public var language: String?
    /// The caller's account manager, served first when ready.
    public var accountManager: AgentID?
    /// While set and in the future, only the account manager may take the call.
    public var holdUntil: Instant?
    /// Overflow steps applied so far.
    public var overflowStage: Int = 0
    /// Skill minimums after overflow relaxed them (nil: the queue's).
    public var relaxedSkills: [String: Int]?
    /// Other queues whose agents may take the call (overflow).
    public var extraQueues: [QueueID] = []
    /// Why the call went to its agent (the routing rule and candidates); nil
    /// while it waits, also after an agent did not answer it.
    public var routeReason: String?
    /// Offers made to agents that did not answer.
    public var attempts: Int = 0
    /// The agent of the last of those: a `call.answered` from them that raced the
    /// end of the ring is still taken.
    public var lastRang: AgentID?

    public var offeredAt: Instant
    /// When this leg entered its queue (the start of its wait).
    public var queuedAt: Instant
    public var ringingAt: Instant?
    public var answeredAt: Instant?
    public var endedAt: Instant?
    /// Since when the caller is on hold (`call.hold`); nil when not on hold.
    public var onHoldSince: Instant?
    /// Seconds on hold in this leg's earlier holds (not the current one).
    public var heldBefore: Double = 0

    public var outcome: CallOutcome?
    public var hangupBy: HangupSide?
    public var cause: String?

    public init(id: CallID, from: String, to: String, queue: QueueID, attributes: [String: String], caller: CallerInfo? = nil,
                ticket: UInt64, at: Instant) {
        self.id = id
        self.serial = ticket
        self.origin = CallOrigin(from: from, to: to, attributes: attributes, caller: caller)
        self.queue = queue
        self.ticket = ticket
        self.offeredAt = at
        self.queuedAt = at
    }

    /// Seconds waited: queue entry to answer, or to now/end if never answered.
    public func waitSeconds(now: Instant) -> Double {
        (answeredAt ?? endedAt ?? now).seconds(since: queuedAt)
    }

    /// Seconds talked: answer to end (or now), less the time on hold.
    public func talkSeconds(now: Instant) -> Double {
        guard let answeredAt else { return 0 }
        return max(0, (endedAt ?? now).seconds(since: answeredAt) - holdSeconds(now: now))
    }

    /// Seconds on hold: the earlier holds and the current one, to its end (or now).
    public func holdSeconds(now: Instant) -> Double {
        heldBefore + (onHoldSince.map { max(0, (endedAt ?? now).seconds(since: $0)) } ?? 0)
    }

    /// Ends a hold in progress (the leg ends, or `call.unhold`).
    mutating func endHold(at now: Instant) {
        guard let since = onHoldSince else { return }
        heldBefore += max(0, now.seconds(since: since))
        onHoldSince = nil
    }
}

/// A call's offer-time facts (see `Call.origin`); equal when the facts are.
final class CallOrigin: Sendable, Equatable {
    let from: String
    let to: String
    let attributes: [String: String]
    let caller: CallerInfo?

    init(from: String, to: String, attributes: [String: String], caller: CallerInfo?) {
        self.from = from
        self.to = to
        self.attributes = attributes
        self.caller = caller
    }

    static func == (a: CallOrigin, b: CallOrigin) -> Bool {
        a === b || (a.from == b.from && a.to == b.to && a.attributes == b.attributes && a.caller == b.caller)
    }
}
