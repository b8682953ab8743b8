import CallCenterCore
import CallCenterDaemon
import XCTest

/// `[complaints.sla]`: seconds to reach `action`, per tier.
final class ComplaintConfigTests: XCTestCase {
    /// Without the section every tier keeps its default (2 h, 8 h, 24 h, 24 h, 48 h).
    func testDefaultsWithoutTheSection() throws {
        XCTAssertEqual(try ConfigFixture.parse("").core.complaintSLA, ComplaintSLA())
    }

    /// Tiers given are set; tiers left out keep their default; decimals are fine.
    func testTiersAreSetBySeconds() throws {
        let config = try ConfigFixture.parse("""
            [complaints.sla]
            high_value = 3600
            unknown = 1.5
            """)
        var expected = ComplaintSLA()
        expected.highValue = 3600
        expected.unknown = 1.5
        XCTAssertEqual(config.core.complaintSLA, expected)
    }

    /// A reload (SIGHUP) carries the new SLAs.
    func testSLAIsReloadable() throws {
        let next = try ConfigFixture.parse("[complaints.sla]\nrisk = 60")
        XCTAssertEqual(ConfigFixture.base.reloadable(from: next).core.complaintSLA.risk, 60)
    }

    /// Each bad configuration and the exact error it gets.
    func testBadComplaintConfigurationsGetExactErrors() {
        let cases: [(toml: String, key: String, message: String)] = [
            ("[complaints]\nsla_hours = 2", "complaints.sla_hours", "unknown key; expected one of: sla"),
            ("[complaints.sla]\nvip = 60", "complaints.sla.vip", "unknown key; expected one of: high_value, potential, stable, risk, unknown"),
            ("[complaints]\nsla = 60", "complaints.sla", "expected a table, got a number"),
            ("complaints = \"yes\"", "complaints", "expected a table, got a string"),
            ("[complaints.sla]\nhigh_value = \"2h\"", "complaints.sla.high_value", "expected seconds more than 0, at most 31622400 (366 days), got \"2h\""),
            ("[complaints.sla]\nrisk = -1", "complaints.sla.risk", "expected seconds more than 0, at most 31622400 (366 days), got -1"),
            ("[complaints.sla]\nstable = 0", "complaints.sla.stable", "expected seconds more than 0, at most 31622400 (366 days), got 0"),
            // Past a year a due time is no deadline (and 1e12 s once overflowed the engine's wait).
            ("[complaints.sla]\nunknown = 1e12", "complaints.sla.unknown", "expected seconds more than 0, at most 31622400 (366 days), got 1000000000000"),
        ]
        for (toml, key, message) in cases {
            XCTAssertThrowsError(try ConfigFixture.parse(toml), toml) { error in
                XCTAssertEqual(error as? ConfigError, ConfigError(file: "test.toml", key: key, message: message), toml)
            }
        }
    }
}

/// The example configuration documents `[complaints.sla]` with its defaults.
final class ComplaintExampleConfigTests: XCTestCase {
    /// Every tier is in the example file, with the default value it claims.
    func testExampleDocumentsEverySLA() throws {
        let path = ConfigFixture.packageRoot.appendingPathComponent("config/callcenterd.toml").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("[complaints.sla]"))
        for tier in ComplaintSLA.tierNames {
            XCTAssertTrue(lines.contains { $0.hasPrefix("\(tier) =") }, tier)
        }
        XCTAssertEqual(try ConfigParser.load(path: path, over: ConfigFixture.base).core.complaintSLA, ComplaintSLA())
    }
}
