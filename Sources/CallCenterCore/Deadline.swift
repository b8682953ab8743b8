/// A moment at which the core must act without any new input: a seat that rang
/// too long, a wrap-up that is over. The shell arms a timer for the earliest one
/// and, when it fires, journals a `.tick` input.
struct Deadline: Comparable, Sendable {
    enum Kind: Sendable, Equatable {
        /// The call has rung on its agent since `since`.
        case ringTimeout(call: CallID, since: Instant)
        /// The agent's wrap-up ends at the deadline.
        case wrapUpEnd(agent: AgentID)
        /// The call's wait for its account manager ends.
        case holdEnd(call: CallID, leg: Int)
        /// Overflow step `stage` applies to the call's leg.
        case overflow(call: CallID, leg: Int, stage: Int)
        /// The call's leg reaches its queue's maximum wait.
        case maxWait(call: CallID, leg: Int)
        /// A waiting call of the queue may have waited its `maxWaitNoAgent` with nobody to take it.
        case noAgent(queue: QueueID)
        /// The complaint's SLA for reaching `action` runs out.
        case complaintDue(complaint: ComplaintID)
        /// Time to tell the PBX where each waiting call stands (`RoutingPolicy.announceEvery`).
        case announce
    }

    var at: Instant
    var kind: Kind

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.at < rhs.at }
    static func == (lhs: Deadline, rhs: Deadline) -> Bool { lhs.at == rhs.at && lhs.kind == rhs.kind }
}
