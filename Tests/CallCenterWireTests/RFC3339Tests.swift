import Foundation
import XCTest
import CallCenterCore
import CallCenterWire

/// RFC 3339 timestamps in UTC with milliseconds, both ways.
final class RFC3339Tests: XCTestCase {
    /// Known instants format to the expected text and parse back to the same instant.
    func testFormatAndParseRoundTrip() {
        let table: [(Int64, String, UInt)] = [
            (0, "1970-01-01T00:00:00.000Z", #line),
            (1, "1970-01-01T00:00:00.001Z", #line),
            (-1, "1969-12-31T23:59:59.999Z", #line),
            (-86_400_000, "1969-12-31T00:00:00.000Z", #line),
            (951_782_400_000, "2000-02-29T00:00:00.000Z", #line),
            (946_684_799_999, "1999-12-31T23:59:59.999Z", #line),
            (1_709_210_096_789, "2024-02-29T12:34:56.789Z", #line),
            (1_709_210_096_789 + 86_400_000, "2024-03-01T12:34:56.789Z", #line),
            (4_107_456_000_000 + 86_400_000, "2100-03-01T00:00:00.000Z", #line),  // 2100 is not a leap year
            (1_795_457_100_123, "2026-11-23T18:05:00.123Z", #line),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z", #line),
        ]
        for (ms, text, line) in table {
            XCTAssertEqual(RFC3339.format(Instant(milliseconds: ms)), text, line: line)
            XCTAssertEqual(RFC3339.parse(text), Instant(milliseconds: ms), text, line: line)
        }
    }

    /// Past year 9999 the year takes five digits (no RFC 3339 parser reads it back).
    func testFormatPastYear9999() {
        XCTAssertEqual(RFC3339.format(Instant(milliseconds: 253_402_300_800_000)), "10000-01-01T00:00:00.000Z")
    }

    /// Every millisecond of a leap day and the days around it survives format → parse.
    func testRoundTripAcrossLeapDay() {
        let start: Int64 = 1_709_164_800_000 - 86_400_000  // 2024-02-28T00:00:00Z
        var ms = start
        while ms < start + 3 * 86_400_000 {
            let instant = Instant(milliseconds: ms)
            XCTAssertEqual(RFC3339.parse(RFC3339.format(instant)), instant, RFC3339.format(instant))
            ms += 3_599_997  // a step that visits many different hours, minutes, seconds and milliseconds
        }
    }

    /// Fractions of 1 to 3 digits mean milliseconds (.5 is 500 ms, .12 is 120 ms).
    func testFractionsOfUpToThreeDigits() {
        let base: Int64 = 1_709_210_096_000  // 2024-02-29T12:34:56Z
        let table: [(String, Int64, UInt)] = [
            ("2024-02-29T12:34:56Z", base, #line),
            ("2024-02-29T12:34:56.5Z", base + 500, #line),
            ("2024-02-29T12:34:56.12Z", base + 120, #line),
            ("2024-02-29T12:34:56.789Z", base + 789, #line),
            ("2024-02-29T12:34:56.000+08:00", base - 8 * 3_600_000, #line),
        ]
        for (text, ms, line) in table {
            XCTAssertEqual(RFC3339.parse(text), Instant(milliseconds: ms), text, line: line)
        }
    }

    /// Digits past the millisecond are dropped, not rounded up (.7899 is 789 ms).
    func testSubMillisecondDigitsAreDropped() {
        let base: Int64 = 1_709_210_096_000
        XCTAssertEqual(RFC3339.parse("2024-02-29T12:34:56.7899Z"), Instant(milliseconds: base + 789))
        XCTAssertEqual(RFC3339.parse("2024-02-29T12:34:56.999999999Z"), Instant(milliseconds: base + 999))
        XCTAssertEqual(RFC3339.parse("2024-02-29T12:34:56.123456+08:00"), Instant(milliseconds: base + 123 - 8 * 3_600_000))
    }

    /// Offsets are applied to reach UTC; lower-case separators and a space instead of T are accepted.
    func testOffsetsAndSeparators() {
        let midnight = RFC3339.parse("2024-02-29T00:00:00Z")
        XCTAssertNotNil(midnight)
        XCTAssertEqual(RFC3339.parse("2024-02-29T08:00:00+08:00"), midnight)
        XCTAssertEqual(RFC3339.parse("2024-02-28T18:30:00-05:30"), midnight)
        XCTAssertEqual(RFC3339.parse("2024-02-29t00:00:00z"), midnight)
        XCTAssertEqual(RFC3339.parse("2024-02-29 00:00:00Z"), midnight)
    }

    /// Text that is not an RFC 3339 timestamp parses to nil.
    func testMalformedTimestampsAreNil() {
        for text in [
            "", "2024-02-29", "2024-02-29T12:34:56", "2024-02-29T12:34:56.Z", "2024-02-29T12:34:56+0800",
            "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-32T00:00:00Z", "2024-02-29T24:00:00Z",
            "2024-02-29T12:60:00Z", "2024-02-29T12:34:56Zjunk", "2024/02/29T12:34:56Z", "24-02-29T12:34:56.000Z",
        ] {
            XCTAssertNil(RFC3339.parse(text), text)
        }
    }

    /// Dates that do not exist on the calendar are not timestamps (no rolling Feb 30 into March).
    func testNonexistentCalendarDatesAreNil() {
        for text in ["2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z", "2100-02-29T00:00:00Z"] {
            XCTAssertNil(RFC3339.parse(text), "\(text) parsed as \(RFC3339.parse(text).map(RFC3339.format) ?? "nil")")
        }
        XCTAssertNotNil(RFC3339.parse("2000-02-29T00:00:00Z"))
    }

    /// Instants move by seconds rounded to the nearest millisecond.
    func testInstantArithmeticRoundsToMilliseconds() {
        let t = Instant(milliseconds: 1_000)
        XCTAssertEqual(t.adding(seconds: 0.0004), t)
        XCTAssertEqual(t.adding(seconds: 0.0006), Instant(milliseconds: 1_001))
        XCTAssertEqual(t.adding(seconds: 20), Instant(milliseconds: 21_000))
        XCTAssertEqual(t.adding(seconds: -1.5), Instant(milliseconds: -500))
        XCTAssertEqual(Instant(milliseconds: 21_250).seconds(since: t), 20.25)
    }

    /// Encoded durations are seconds rounded to the millisecond; times are RFC 3339 or null.
    func testEncodedDurationsAndTimes() {
        XCTAssertEqual(Encode.seconds(1.23456), 1.235)
        XCTAssertEqual(Encode.seconds(0.0004), 0)
        XCTAssertEqual(Encode.seconds(41.5), 41.5)
        XCTAssertEqual(Encode.seconds(nil), .null)
        XCTAssertEqual(Encode.time(Instant(milliseconds: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Encode.time(nil), .null)
    }
}
