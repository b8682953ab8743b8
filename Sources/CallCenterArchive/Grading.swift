import CallCenterCore

/// A customer's scores on 0–100 (seed 004, "RFM + custom indicator"): R recency
/// (cooperation in the last 6 months), F frequency and M monetary (last 12
/// months), and a custom indicator (strategic importance, referrals, stability).
/// Any of them may be unknown.
public struct Scores: Sendable, Equatable, Codable {
    public var r: Double?
    public var f: Double?
    public var m: Double?
    public var custom: Double?

    public init(r: Double? = nil, f: Double? = nil, m: Double? = nil, custom: Double? = nil) {
        self.r = r
        self.f = f
        self.m = m
        self.custom = custom
    }

    public var isEmpty: Bool { r == nil && f == nil && m == nil && custom == nil }

    /// The known scores, in the order R, F, M, custom.
    var known: [Double] { [r, f, m, custom].compactMap { $0 } }
}

/// The weights of the composite score (relative: any non-negative numbers, not all zero).
public struct ScoreWeights: Sendable, Equatable {
    public var r: Double, f: Double, m: Double, custom: Double

    public init(r: Double = 1, f: Double = 1, m: Double = 1, custom: Double = 1) {
        self.r = r
        self.f = f
        self.m = m
        self.custom = custom
    }

    public static let equal = ScoreWeights()
}

/// The tier rules: configurable thresholds, applied in a fixed order (the first
/// that matches wins): high value, risk, potential, stable.
public struct GradingRules: Sendable, Equatable {
    public var weights: ScoreWeights = .equal
    /// `high_value` when R, F and M are all at least this.
    public var highValueMin: Double = 80
    /// `risk` when R is below this (no recent cooperation)...
    public var riskRecencyBelow: Double = 70
    /// ...or the composite is below this.
    public var riskCompositeBelow: Double = 60
    /// `potential` when any single score is at least this.
    public var potentialAnyMin: Double = 85

    public init() {}

    /// The weighted mean of the known scores (weights of unknown scores left out);
    /// nil when no score is known or every known score weighs zero.
    public func composite(_ s: Scores) -> Double? {
        let pairs: [(Double?, Double)] = [(s.r, weights.r), (s.f, weights.f), (s.m, weights.m), (s.custom, weights.custom)]
        var sum = 0.0, total = 0.0
        for case let (score?, weight) in pairs {
            sum += score * weight
            total += weight
        }
        return total > 0 ? sum / total : nil
    }

    /// The tier and why; nil when no score is known.
    public func grade(_ s: Scores) -> Grade? {
        guard !s.isEmpty else { return nil }
        let composite = self.composite(s)
        if let r = s.r, let f = s.f, let m = s.m, r >= highValueMin, f >= highValueMin, m >= highValueMin {
            return Grade(tier: .highValue, composite: composite, reason: "R, F and M all ≥ \(Self.text(highValueMin))")
        }
        if let r = s.r, r < riskRecencyBelow {
            return Grade(tier: .risk, composite: composite, reason: "R \(Self.text(r, beside: riskRecencyBelow)) < \(Self.text(riskRecencyBelow)): no recent cooperation")
        }
        if let composite, composite < riskCompositeBelow {
            return Grade(tier: .risk, composite: composite, reason: "composite \(Self.text(composite, beside: riskCompositeBelow)) < \(Self.text(riskCompositeBelow))")
        }
        let named: [(String, Double?)] = [("R", s.r), ("F", s.f), ("M", s.m), ("custom", s.custom)]
        if let (name, score) = named.first(where: { ($0.1 ?? -1) >= potentialAnyMin }) {
            return Grade(tier: .potential, composite: composite, reason: "\(name) \(Self.text(score!, beside: potentialAnyMin)) ≥ \(Self.text(potentialAnyMin))")
        }
        return Grade(tier: .stable, composite: composite, reason: "no rule for high value, risk or potential matched")
    }

    /// Checks the rules make sense; the message names the key.
    public func validate() -> String? {
        let w = [("r", weights.r), ("f", weights.f), ("m", weights.m), ("custom", weights.custom)]
        if let bad = w.first(where: { !($0.1 >= 0 && $0.1.isFinite) }) { return "weights.\(bad.0) must be a number ≥ 0, not \(bad.1)" }
        if w.allSatisfy({ $0.1 == 0 }) { return "weights: at least one weight must be more than 0" }
        let thresholds = [("high_value_min", highValueMin), ("risk_recency_below", riskRecencyBelow),
                          ("risk_composite_below", riskCompositeBelow), ("potential_any_min", potentialAnyMin)]
        if let bad = thresholds.first(where: { !(0...100).contains($0.1) }) { return "\(bad.0) must be a score from 0 to 100, not \(bad.1)" }
        return nil
    }

    static func text(_ v: Double, decimals: Int = 2) -> String {
        let scale = Double(Array(repeating: 10.0, count: decimals).reduce(1, *))
        let rounded = (v * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// `v` as a reason compares it with `limit`: with more decimals when two would
    /// show them equal (59.9975 is "59.998 < 60", not "60 < 60").
    static func text(_ v: Double, beside limit: Double) -> String {
        for decimals in 2...6 where v == limit || text(v, decimals: decimals) != text(limit, decimals: decimals) {
            return text(v, decimals: decimals)
        }
        return String(v)
    }
}

/// The outcome of grading: the tier, the composite score, and the rule that decided.
public struct Grade: Sendable, Equatable {
    public var tier: CustomerTier
    public var composite: Double?
    public var reason: String
}
