import CallCenterArchive
import CallCenterDaemon
import XCTest

/// The `[archive]` section: country, number masking, grading rules; bad values name their key.
final class ArchiveConfigTests: XCTestCase {
    /// Defaults: China, masked numbers, equal weights and seed 004's thresholds.
    func testDefaults() throws {
        let config = try ConfigFixture.parse("")
        XCTAssertEqual(config.archive.country.code, "CN")
        XCTAssertTrue(config.archive.maskNumbers)
        XCTAssertEqual(config.archive.grading, GradingRules())
        XCTAssertEqual(config.archive.logged("+86 138-0000-1111"), "138****1111")
    }

    /// Every key read.
    func testEveryKey() throws {
        let config = try ConfigFixture.parse("""
            [archive]
            country = "hk"
            mask_numbers = false
            [archive.grading]
            weights = { r = 2, f = 1, m = 1, custom = 0 }
            high_value_min = 85
            risk_recency_below = 60
            risk_composite_below = 55.5
            potential_any_min = 90
            """)
        XCTAssertEqual(config.archive.country.code, "HK")
        XCTAssertFalse(config.archive.maskNumbers)
        XCTAssertEqual(config.archive.logged("21234567"), "21234567")
        let g = config.archive.grading
        XCTAssertEqual(g.weights, ScoreWeights(r: 2, f: 1, m: 1, custom: 0))
        XCTAssertEqual([g.highValueMin, g.riskRecencyBelow, g.riskCompositeBelow, g.potentialAnyMin], [85, 60, 55.5, 90])
    }

    /// Bad values are refused with the file, the key and what was expected.
    func testBadValues() {
        let table: [(String, String, String)] = [
            ("[archive]\ncountry = \"XX\"", "archive.country", "expected one of \"CN\""),
            ("[archive]\nmask_numbers = \"yes\"", "archive.mask_numbers", "expected true or false, got a string"),
            ("[archive]\ncolour = 1", "archive.colour", "unknown key; expected one of: country, mask_numbers, grading"),
            ("[archive.grading]\nhigh_value_min = 120", "archive.grading.high_value_min", "expected a number from 0 to 100, got 120"),
            ("[archive.grading]\nweights = { r = 0, f = 0, m = 0, custom = 0 }", "archive.grading.weights",
             "weights: at least one weight must be more than 0"),
            ("[archive.grading.weights]\nx = 1", "archive.grading.weights.x", "unknown key; expected one of: r, f, m, custom"),
        ]
        for (text, key, message) in table {
            XCTAssertThrowsError(try ConfigFixture.parse(text), text) { error in
                let e = error as? ConfigError
                XCTAssertEqual(e?.key, key, text)
                XCTAssertTrue(e?.message.hasPrefix(message) ?? false, "\(e?.message ?? "")")
            }
        }
    }
}

/// The example configuration documents `[archive]` and states its defaults.
final class ArchiveExampleConfigTests: XCTestCase {
    func testExampleDocumentsTheArchive() throws {
        let path = ConfigFixture.packageRoot.appendingPathComponent("config/callcenterd.toml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for key in ["country", "mask_numbers", "weights", "high_value_min", "risk_recency_below", "risk_composite_below", "potential_any_min"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix("\(key) =") }, key)
        }
        XCTAssertTrue(lines.contains("[archive]"))
        XCTAssertTrue(lines.contains("[archive.grading]"))
        let config = try ConfigParser.load(path: path, over: ConfigFixture.base)
        XCTAssertEqual(config.archive, ArchiveSettings())
    }
}
