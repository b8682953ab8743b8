/// Who a session speaks for, set by `hello` and checked against the peer's credentials.
public enum Role: String, Sendable, CaseIterable, Codable {
    case pbx, agent, supervisor, admin
}

/// Subscription topics.
public enum Topic: String, Sendable, CaseIterable {
    case calls, agents, queues
    /// Open complaints: a `complaint.snapshot` first, then every complaint change.
    case complaints
}
