/// How long a complaint may take to reach `action`, by the customer's tier
/// (seed 004: high-value customers get a response within 2 hours).
/// Configured in `[complaints.sla]`; seconds.
public struct ComplaintSLA: Sendable, Equatable {
    public var highValue: Double = 2 * 3600
    public var potential: Double = 8 * 3600
    public var stable: Double = 24 * 3600
    public var risk: Double = 24 * 3600
    /// Callers the archive does not know.
    public var unknown: Double = 48 * 3600

    public init() {}

    /// The SLA in seconds for a tier (nil: unknown caller).
    public func seconds(for tier: CustomerTier?) -> Double {
        switch tier {
        case .highValue: return highValue
        case .potential: return potential
        case .stable: return stable
        case .risk: return risk
        case nil: return unknown
        }
    }

    /// Sets the SLA of a tier by its name (`high_value` … `unknown`); false for an unknown name.
    @discardableResult
    public mutating func set(_ name: String, seconds: Double) -> Bool {
        switch name {
        case "high_value": highValue = seconds
        case "potential": potential = seconds
        case "stable": stable = seconds
        case "risk": risk = seconds
        case "unknown": unknown = seconds
        default: return false
        }
        return true
    }

    /// The tier names `set` accepts, in order.
    public static let tierNames = CustomerTier.allCases.map(\.rawValue) + ["unknown"]
    /// The longest SLA a tier may have: 366 days.
    public static let maximumSeconds = 366.0 * 86400
}
