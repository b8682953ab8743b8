import CallCenterCore
import CallCenterDaemon
import CallCenterStore
import CallCenterWire
import Foundation
import XCTest

/// `config/callcenterd.toml`, the example shipped with the daemon: it parses,
/// it documents every key, and its examples are valid.
final class ExampleConfigTests: XCTestCase {
    static var path: String { ConfigFixture.packageRoot.appendingPathComponent("config/callcenterd.toml").path }

    static func text() throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The file loads as it is, on any machine (it names no user or group
    /// outside comments), and its active values are the embedded defaults
    /// apart from the queues it declares.
    func testExampleLoads() throws {
        let config = try ConfigParser.load(path: Self.path, over: ConfigFixture.base)
        XCTAssertEqual(config.queues.map(\.id), ["complaints", "general"])
        let complaints = try XCTUnwrap(config.queues.first { $0.id == "complaints" })
        XCTAssertEqual(complaints.skills, ["complaints": 3])
        XCTAssertEqual(complaints.strategy, .mostSkilled)
        XCTAssertEqual(complaints.onTimeout, .callback)
        XCTAssertEqual(complaints.overflow, [OverflowStep(after: 120, relaxSkills: ["complaints": 1]), OverflowStep(after: 300, addQueue: "general")])
        XCTAssertEqual(config.queues.first { $0.id == "general" }?.maxWait, nil)
        XCTAssertEqual(config.core.defaultQueue, "general")

        var expected = ConfigFixture.base
        expected.queues = config.queues
        expected.createdIfMissing = nil  // [queues.general] is in the file
        XCTAssertEqual(config, expected, "a value written in the file differs from the default it claims")
    }

    /// Every key the parser knows appears in the file, active or as a "#key =" example.
    func testEveryKeyIsDocumented() throws {
        let lines = try Self.text().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func documented(_ key: String) -> Bool {
            lines.contains { $0.hasPrefix("\(key) =") || $0.hasPrefix("#\(key) =") }
        }
        let keys = ["socket", "database", "socket_mode", "synchronous", "max_line_bytes", "max_output_bytes", "max_in_flight", "max_connections", "hello_timeout", "log_level",
                    "default_queue", "short_abandon", "default_handle_time", "aging_per_second", "prefer_last_agent",
                    "high_value", "potential", "stable", "risk", "unknown", "threat", "harassment", "yue", "nan",
                    "pbx", "agent", "supervisor", "admin",
                    "country", "mask_numbers", "weights", "high_value_min", "risk_recency_below", "risk_composite_below", "potential_any_min",
                    "skills", "strategy", "wrap_up", "ring_timeout", "max_wait", "max_attempts", "on_timeout", "manager_wait", "overflow",
                    "service_level", "max_wait_no_agent", "journal_days", "calls_days", "audit_days"]
        for key in keys {
            XCTAssertTrue(documented(key), key)
        }
        for header in ["[daemon]", "[routing]", "[routing.priority]", "#[routing.numbers]", "#[routing.intents]", "#[routing.flags]", "#[routing.language_fallback]",
                       "[access]", "#[access.agent_uids]", "[complaints.sla]", "[archive]", "[archive.grading]", "#[retention]",
                       "[queues.general]", "[queues.complaints]"] {
            XCTAssertTrue(lines.contains(header), header)
        }
        for key in ["socket", "database"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix("#\(key) =") }, "\(key) stays commented out: the embedded default applies")
        }
    }

    /// With every "#key = value" example uncommented, the file still parses,
    /// and the examples take effect.
    func testUncommentedExamplesParse() throws {
        let text = try Self.text().split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            guard line.hasPrefix("#"), let next = line.dropFirst().first, next == "[" || next == "\"" || next.isLetter else { return line }
            return line.dropFirst()
        }.joined(separator: "\n")
        var parser = ConfigParser(file: Self.path)
        parser.lookupUser = { $0 == "root" ? 0 : 5000 + UInt32($0.count) }
        parser.lookupGroup = { 6000 + UInt32($0.count) }
        let config = try parser.parse(text, over: ConfigFixture.base)
        XCTAssertEqual(config.socket, "/run/callcenterd/callcenterd.sock")
        XCTAssertEqual(config.database, "/var/lib/callcenterd/callcenterd.sqlite")
        XCTAssertEqual(config.access.grants[.agent], [.init(.anyone)])
        XCTAssertEqual(config.access.grants[.pbx]?.count, 2)
        XCTAssertEqual(config.access.grants[.admin]?.first, .init(.uid(0)))
        XCTAssertEqual(config.access.agentsByUID, [5005: "a7", 1002: "a8"])
        XCTAssertEqual(config.core.routing.numbers.count, 2)
        XCTAssertEqual(config.core.routing.intents["complaint"], "complaints")
        XCTAssertEqual(config.core.routing.flags, ["threat": .queue("complaints"), "harassment": .alert])
        XCTAssertEqual(config.retention, RetentionPolicy(journalDays: 180, callsDays: 730, auditDays: 1095))
    }
}
