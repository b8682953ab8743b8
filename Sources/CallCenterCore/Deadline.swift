/// A moment at which the core must act without any new input: a seat that rang
/// too long, a wrap-up that is over. The shell arms a timer for the earliest one
/// and, when it fires, journals a `.tick` input.
struct Deadline: Comparable, Sendable {
    enum Kind: Sendable, Equatable {
        /// The call has rung on its agent since `since`.
        case ringTimeout(call: CallID, since: Instant)
        /// The agent's wrap-up ends at the deadline.
        case wrapUpEnd(agent: AgentID)
    }

    var at: Instant
    var kind: Kind

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.at < rhs.at }
    static func == (lhs: Deadline, rhs: Deadline) -> Bool { lhs.at == rhs.at && lhs.kind == rhs.kind }
}
