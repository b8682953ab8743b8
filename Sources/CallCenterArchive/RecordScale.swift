/// Scores computed from cooperation records (`customers regrade`), on a fixed,
/// documented scale chosen so that seed 004's examples come out as the seed
/// grades them (C001: 1 month → R 90, 4 cooperations → F 85, 120 万元 → M 88;
/// C002: 4 months → R 60, 2 → F 70, 80 万元 → M 65).
///
/// - R: whole months since the last cooperation, m: 100 − 10·m while m ≤ 6;
///   0 after 6 months or with no cooperation on record.
/// - F: cooperations in the 12 months before the grading date, linear between
///   the points 0 → 0, 2 → 70, 4 → 85, 6 → 100, and 100 above 6.
/// - M: amount (万元) of those cooperations, linear between 0 → 0, 80 → 65,
///   120 → 88, 160 → 100, and 100 above 160.
/// The custom indicator is not computed: it keeps its imported value.
public enum RecordScale {
    public static let frequencyPoints: [(Double, Double)] = [(0, 0), (2, 70), (4, 85), (6, 100)]
    public static let monetaryPoints: [(Double, Double)] = [(0, 0), (80, 65), (120, 88), (160, 100)]

    public static func recency(monthsSinceLastCooperation months: Int?) -> Double {
        guard let months, months <= 6 else { return 0 }
        return Double(100 - 10 * max(0, months))
    }

    public static func frequency(count: Int) -> Double { interpolate(Double(count), frequencyPoints) }

    public static func monetary(amount: Double) -> Double { interpolate(amount, monetaryPoints) }

    /// R, F and M for a customer's record as of `date`; `custom` is kept.
    public static func scores(_ history: CooperationHistory, asOf date: CalendarDate, custom: Double?) -> Scores {
        Scores(
            r: recency(monthsSinceLastCooperation: history.lastCooperation.map { $0.months(until: date) }),
            f: frequency(count: history.countLast12Months),
            m: monetary(amount: history.amountLast12Months),
            custom: custom
        )
    }

    static func interpolate(_ x: Double, _ points: [(Double, Double)]) -> Double {
        guard x > points[0].0 else { return points[0].1 }
        for (a, b) in zip(points, points.dropFirst()) where x <= b.0 {
            return ((a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0)) * 100).rounded() / 100
        }
        return points.last!.1
    }
}

/// What the cooperation records say about a customer as of a grading date.
public struct CooperationHistory: Sendable, Equatable {
    /// The most recent cooperation (from the records or the imported field), if any.
    public var lastCooperation: CalendarDate?
    /// Cooperations dated in the 12 months up to the grading date.
    public var countLast12Months: Int
    /// Their amount, in 万元 (10,000 CNY).
    public var amountLast12Months: Double

    public init(lastCooperation: CalendarDate?, countLast12Months: Int, amountLast12Months: Double) {
        self.lastCooperation = lastCooperation
        self.countLast12Months = countLast12Months
        self.amountLast12Months = amountLast12Months
    }
}
