/// A customer's value tier (seed 004): drives priority and complaint SLAs.
public enum CustomerTier: String, Sendable, Codable, CaseIterable, Comparable {
    case highValue = "high_value"
    case potential
    case stable
    case risk

    /// Higher is served first by default.
    var rank: Int {
        switch self {
        case .highValue: return 3
        case .potential: return 2
        case .stable: return 1
        case .risk: return 0
        }
    }

    public static func < (lhs: CustomerTier, rhs: CustomerTier) -> Bool { lhs.rank < rhs.rank }
}

/// What the daemon knows about the caller when the call arrives: looked up in
/// the customer archive by the shell (off the engine thread) and carried in the
/// `call.offer` input, so the core stays pure and replay is deterministic.
public struct CallerInfo: Sendable, Equatable, Codable {
    /// The archive id (`C001`), nil for an unknown number.
    public var customer: String?
    public var name: String?
    public var company: String?
    public var tier: CustomerTier?
    /// The customer's own account manager (an agent id).
    public var accountManager: AgentID?
    /// Preferred language or dialect code (`zh`, `yue`, `wuu`, `en`).
    public var language: String?
    /// Marks on the caller's number: `threat`, `harassment`.
    public var flags: [String]
    /// Open complaints of this customer, for the screen pop.
    public var openComplaints: Int

    public init(customer: String? = nil, name: String? = nil, company: String? = nil, tier: CustomerTier? = nil,
                accountManager: AgentID? = nil, language: String? = nil, flags: [String] = [], openComplaints: Int = 0) {
        self.customer = customer
        self.name = name
        self.company = company
        self.tier = tier
        self.accountManager = accountManager
        self.language = language
        self.flags = flags
        self.openComplaints = openComplaints
    }
}
