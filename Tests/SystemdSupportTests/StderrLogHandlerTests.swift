import Logging
import XCTest
import SystemdSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class StderrLogHandlerTests: XCTestCase {
    /// 2026-11-23T18:05:00.123Z as a timespec (with sub-millisecond noise that must be truncated).
    let sample = timespec(tv_sec: 1_795_457_100, tv_nsec: 123_987_654)

    /// A line is `<UTC time> <level> <label>: <message>` then metadata sorted by key.
    func testLineLayout() {
        let line = StderrLogHandler.formatLine(
            time: sample, level: .info, label: "callcenterd", message: "message",
            metadata: ["call": "c1", "agent": "a7"]
        )
        XCTAssertEqual(line, "2026-11-23T18:05:00.123Z info callcenterd: message agent=a7 call=c1")
    }

    /// Without metadata the line ends with the message.
    func testLineWithoutMetadata() {
        let line = StderrLogHandler.formatLine(
            time: sample, level: .critical, label: "callcenterd", message: "journal unavailable", metadata: [:]
        )
        XCTAssertEqual(line, "2026-11-23T18:05:00.123Z critical callcenterd: journal unavailable")
    }

    /// Timestamps are UTC RFC 3339 with zero-padded fields and exactly three fractional digits.
    func testTimestamps() {
        let cases: [(timespec, String)] = [
            (timespec(tv_sec: 0, tv_nsec: 0), "1970-01-01T00:00:00.000Z"),
            (timespec(tv_sec: 951_782_400, tv_nsec: 5_000_000), "2000-02-29T00:00:00.005Z"),
            (timespec(tv_sec: 1_795_457_100, tv_nsec: 999_999_999), "2026-11-23T18:05:00.999Z"),
        ]
        for (time, expected) in cases {
            XCTAssertEqual(StderrLogHandler.timestamp(time), expected)
        }
    }

    /// Values with spaces, quotes, `=`, control characters or nothing at all are quoted and escaped.
    func testValueQuoting() {
        let cases: [(String, String)] = [
            ("c1", "c1"),
            ("on hold", "\"on hold\""),
            ("", "\"\""),
            ("a\"b", "\"a\\\"b\""),
            ("k=v", "\"k=v\""),
            ("two\nlines", "\"two\\nlines\""),
            ("back\\slash", "back\\slash"),
            ("back\\ slash", "\"back\\\\ slash\""),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(StderrLogHandler.quoteIfNeeded(value), expected, "value \(value)")
        }
    }

    /// A multi-line message stays on one line, with its newlines escaped.
    func testMessageNewlinesAreEscaped() {
        let line = StderrLogHandler.formatLine(
            time: sample, level: .warning, label: "callcenterd", message: "first\nsecond",
            metadata: ["queue": "sales desk"]
        )
        XCTAssertEqual(line, "2026-11-23T18:05:00.123Z warning callcenterd: first\\nsecond queue=\"sales desk\"")
    }

    /// Through a Logger each record becomes exactly one newline-terminated line on stderr.
    func testLoggerWritesOneLinePerRecord() throws {
        var logger = Logger(label: "callcenterd") { StderrLogHandler(label: $0) }
        logger.logLevel = .debug
        logger[metadataKey: "agent"] = "a7"
        let output = try captureStderr {
            logger.info("call answered", metadata: ["call": "c1"])
            logger.trace("hidden")
            logger.debug("queue empty")
        }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3, output)  // two lines and the empty rest after the last newline
        XCTAssertTrue(lines[0].hasSuffix(" info callcenterd: call answered agent=a7 call=c1"), output)
        XCTAssertTrue(lines[1].hasSuffix(" debug callcenterd: queue empty agent=a7"), output)
        XCTAssertEqual(lines[2], "")
        XCTAssertEqual(lines[0].count, "2026-11-23T18:05:00.123Z".count + " info callcenterd: call answered agent=a7 call=c1".count)
    }
}
