import CallCenterArchive
import CallCenterCore
import XCTest

/// RFM + custom grading (seed 004): composite and tier rules.
final class GradingTests: XCTestCase {
    let rules = GradingRules()

    /// Seed 004's C001 (90/85/88/95) is 89.5 and high value; C002 (60/70/65/80) is 68.75 and at risk.
    func testSeedRows() throws {
        let c001 = try XCTUnwrap(rules.grade(Scores(r: 90, f: 85, m: 88, custom: 95)))
        XCTAssertEqual(c001.composite, 89.5)
        XCTAssertEqual(c001.tier, .highValue)
        let c002 = try XCTUnwrap(rules.grade(Scores(r: 60, f: 70, m: 65, custom: 80)))
        XCTAssertEqual(c002.composite, 68.75)
        XCTAssertEqual(c002.tier, .risk)
        XCTAssertTrue(c002.reason.contains("R 60 < 70"), c002.reason)
    }

    /// Each default rule, in order: high value, risk (R or composite), potential, stable.
    func testDefaultRules() {
        let table: [(Scores, CustomerTier?)] = [
            (Scores(r: 80, f: 80, m: 80, custom: 0), .highValue),
            (Scores(r: 79, f: 95, m: 95, custom: 95), .potential),
            (Scores(r: 69, f: 95, m: 95, custom: 95), .risk),
            (Scores(r: 75, f: 50, m: 50, custom: 50), .risk),        // composite 56.25
            (Scores(r: 75, f: 60, m: 60, custom: 86), .potential),   // composite 70.25, custom ≥ 85
            (Scores(r: 75, f: 70, m: 70, custom: 70), .stable),
            (Scores(r: nil, f: 90, m: 90, custom: nil), .potential), // R unknown: not high value
            (Scores(), nil),
        ]
        for (scores, tier) in table {
            XCTAssertEqual(rules.grade(scores)?.tier, tier, "\(scores)")
        }
    }

    /// A reason shows the score with the decimals that make its comparison true.
    func testReasonsShowTheDecimalsThatDecided() {
        XCTAssertEqual(rules.grade(Scores(r: 75, f: 50, m: 54.99, custom: 60))?.reason, "composite 59.998 < 60")
        XCTAssertEqual(rules.grade(Scores(r: 75, f: 50, m: 50, custom: 50))?.reason, "composite 56.25 < 60")
        XCTAssertEqual(rules.grade(Scores(r: 69.999, f: 95, m: 95, custom: 95))?.reason, "R 69.999 < 70: no recent cooperation")
        XCTAssertEqual(rules.grade(Scores(r: 75, f: 60, m: 60, custom: 86))?.reason, "custom 86 ≥ 85")
    }

    /// Weights change the composite; unknown scores are left out of the mean.
    func testWeightsAndUnknownScores() {
        var weighted = GradingRules()
        weighted.weights = ScoreWeights(r: 2, f: 1, m: 1, custom: 0)
        XCTAssertEqual(weighted.composite(Scores(r: 90, f: 60, m: 70, custom: 10)), 77.5)
        XCTAssertEqual(rules.composite(Scores(r: 90, f: nil, m: 70, custom: nil)), 80)
        XCTAssertNil(weighted.composite(Scores(custom: 50)))
    }

    /// Thresholds are configurable.
    func testConfigurableThresholds() {
        var strict = GradingRules()
        strict.highValueMin = 90
        XCTAssertEqual(strict.grade(Scores(r: 90, f: 85, m: 88, custom: 95))?.tier, .potential)
        strict.riskRecencyBelow = 95
        XCTAssertEqual(strict.grade(Scores(r: 90, f: 85, m: 88, custom: 95))?.tier, .risk)
    }

    /// Bad rules are refused with the key named.
    func testValidation() {
        var bad = GradingRules()
        XCTAssertNil(bad.validate())
        bad.weights = ScoreWeights(r: 0, f: 0, m: 0, custom: 0)
        XCTAssertEqual(bad.validate(), "weights: at least one weight must be more than 0")
        bad = GradingRules()
        bad.potentialAnyMin = 120
        XCTAssertEqual(bad.validate(), "potential_any_min must be a score from 0 to 100, not 120.0")
    }

    /// The record scale reproduces seed 004's figures from cooperation records.
    func testRecordScale() {
        let asOf = CalendarDate("2023-11-20")!
        let c001 = RecordScale.scores(CooperationHistory(lastCooperation: CalendarDate("2023-10-15"), countLast12Months: 4, amountLast12Months: 120),
                                      asOf: asOf, custom: 95)
        XCTAssertEqual(c001, Scores(r: 90, f: 85, m: 88, custom: 95))
        let c002 = RecordScale.scores(CooperationHistory(lastCooperation: CalendarDate("2023-07-20"), countLast12Months: 2, amountLast12Months: 80),
                                      asOf: asOf, custom: 80)
        XCTAssertEqual(c002, Scores(r: 60, f: 70, m: 65, custom: 80))
        XCTAssertEqual(RecordScale.recency(monthsSinceLastCooperation: 7), 0)
        XCTAssertEqual(RecordScale.recency(monthsSinceLastCooperation: nil), 0)
        XCTAssertEqual(RecordScale.frequency(count: 0), 0)
        XCTAssertEqual(RecordScale.frequency(count: 9), 100)
        XCTAssertEqual(RecordScale.monetary(amount: 100), 76.5)
        XCTAssertEqual(RecordScale.monetary(amount: 500), 100)
    }

    /// Calendar dates: spellings, month arithmetic, days from the epoch.
    func testCalendarDates() {
        XCTAssertEqual(CalendarDate("2023年10月5日")?.description, "2023-10-05")
        XCTAssertEqual(CalendarDate("2023/10/15")?.description, "2023-10-15")
        XCTAssertNil(CalendarDate("2023-02-29"))
        XCTAssertNil(CalendarDate("15/10/2023"))
        // Parts too long for an Int are no date (they stopped the daemon once).
        XCTAssertNil(CalendarDate("99999999999999999999-01-01"))
        XCTAssertNil(CalendarDate("2023-01-99999999999999999999"))
        XCTAssertNil(CalendarDate("2023-99999999999999999999-01"))
        XCTAssertEqual(CalendarDate("2023-10-15")!.months(until: CalendarDate("2023-11-14")!), 0)
        XCTAssertEqual(CalendarDate("2023-10-15")!.months(until: CalendarDate("2023-11-15")!), 1)
        XCTAssertEqual(CalendarDate("2024-03-31")!.monthsBefore(1).description, "2024-02-29")
        XCTAssertEqual(CalendarDate(milliseconds: 1_700_000_000_000).description, "2023-11-14")
        XCTAssertEqual(CalendarDate(milliseconds: 1_700_000_000_000, utcOffsetSeconds: 8 * 3600).description, "2023-11-15")
    }
}
