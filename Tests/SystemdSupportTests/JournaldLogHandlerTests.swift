import Logging
import XCTest
@testable import SystemdSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class JournaldLogHandlerTests: XCTestCase {
    /// Metadata keys become valid journal field names: uppercase, [A-Z0-9_] only, F_ prefix when needed.
    func testFieldNameMapping() {
        let cases: [(key: String, field: String)] = [
            ("call", "CALL"),
            ("agent", "AGENT"),
            ("queue.depth", "QUEUE_DEPTH"),
            ("peer-uid", "PEER_UID"),
            ("already_OK_9", "ALREADY_OK_9"),
            ("_pid", "F__PID"),
            ("_", "F__"),
            ("2fa", "F_2FA"),
            ("9", "F_9"),
            (".x", "F__X"),
            ("", "F_"),
            ("café", "CAF_"),
            ("message", "F_MESSAGE"),
            ("priority", "F_PRIORITY"),
            ("code_line", "F_CODE_LINE"),
            ("syslog.identifier", "F_SYSLOG_IDENTIFIER"),
            ("message_id", "MESSAGE_ID"),
            (String(repeating: "k", count: 80), String(repeating: "K", count: 64)),
        ]
        for (key, field) in cases {
            XCTAssertEqual(JournaldLogHandler.fieldName(forMetadataKey: key), field, "key \(key)")
        }
    }

    /// swift-log levels map to syslog priorities (trace/debug 7 … critical 2).
    func testSyslogPriorities() {
        let expected: [Logger.Level: Int] = [
            .trace: 7, .debug: 7, .info: 6, .notice: 5, .warning: 4, .error: 3, .critical: 2,
        ]
        for level in Logger.Level.allCases {
            XCTAssertEqual(JournaldLogHandler.syslogPriority(level), expected[level], "\(level)")
        }
    }

    /// A record has the fixed fields in order, then one field per metadata key sorted by name.
    func testRecordFields() {
        let fields = JournaldLogHandler.fields(
            level: .warning,
            message: "call waited too long",
            metadata: ["call": "c123", "agent": "a7", "queue.depth": .stringConvertible(4)],
            identifier: "callcenterd",
            label: "callcenterd.routing",
            file: "CallCenterDaemon/Engine.swift",
            function: "route(_:)",
            line: 42
        )
        XCTAssertEqual(fields.map(\.description), [
            "MESSAGE=call waited too long",
            "PRIORITY=4",
            "SYSLOG_IDENTIFIER=callcenterd",
            "CODE_FILE=CallCenterDaemon/Engine.swift",
            "CODE_LINE=42",
            "CODE_FUNC=route(_:)",
            "LOGGER=callcenterd.routing",
            "AGENT=a7",
            "CALL=c123",
            "QUEUE_DEPTH=4",
        ])
    }

    /// LOGGER is left out when the logger's label is the identifier itself.
    func testNoLoggerFieldWhenLabelIsIdentifier() {
        let fields = JournaldLogHandler.fields(
            level: .info, message: "up", metadata: [:], identifier: "callcenterd", label: "callcenterd",
            file: "f", function: "g", line: 1
        )
        XCTAssertFalse(fields.contains { $0.name == "LOGGER" })
        XCTAssertEqual(fields.count, 6)
    }

    /// Handler metadata, provider metadata and per-call metadata all reach the record (per-call wins).
    func testMetadataMerging() {
        let merged = EffectiveMetadata.merge(
            base: ["call": "base", "site": "paris"],
            provider: Logger.MetadataProvider { ["request": "r1", "call": "provided"] },
            explicit: ["call": "c1"],
            error: nil
        )
        XCTAssertEqual(merged, ["call": "c1", "site": "paris", "request": "r1"])
    }

    /// A record reaches the journal socket in journald's native format with every field intact.
    func testSendsNativeJournalRecord() throws {
        let journalSocket = "/run/systemd/journal/socket"
        try XCTSkipIf(access(journalSocket, F_OK) == 0, "a real journal is listening here")
        try XCTSkipIf(getuid() != 0, "binding \(journalSocket) needs root")
        let journal = try DatagramSocket(path: journalSocket)

        var logger = Logger(label: "callcenterd.gateway") {
            JournaldLogHandler(label: $0, identifier: "callcenterd")
        }
        logger[metadataKey: "agent"] = "a7"
        logger.warning("peer refused\nby policy", metadata: ["call": "c123", "peer.uid": "1000"])

        let datagram = try XCTUnwrap(journal.receiveBytes(), "nothing reached \(journalSocket)")
        let fields = try Self.parseNativeRecord(datagram)
        XCTAssertEqual(fields["MESSAGE"], "peer refused\nby policy")
        XCTAssertEqual(fields["PRIORITY"], "4")
        XCTAssertEqual(fields["SYSLOG_IDENTIFIER"], "callcenterd")
        XCTAssertEqual(fields["LOGGER"], "callcenterd.gateway")
        XCTAssertEqual(fields["CALL"], "c123")
        XCTAssertEqual(fields["AGENT"], "a7")
        XCTAssertEqual(fields["PEER_UID"], "1000")
        XCTAssertEqual(fields["CODE_FUNC"], #function)
        XCTAssertTrue(fields["CODE_FILE"]?.hasSuffix("JournaldLogHandlerTests.swift") ?? false, "\(fields)")
        XCTAssertNotNil(fields["CODE_LINE"].flatMap(Int.init))
        XCTAssertEqual(fields.count, 10, "\(fields)")
    }

    /// Parses journald's native protocol: `NAME=value\n`, or `NAME\n` + 64-bit LE length + value + `\n`.
    static func parseNativeRecord(_ bytes: [UInt8]) throws -> [String: String] {
        struct Malformed: Error {}
        var fields: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else {
                throw Malformed()
            }
            let name = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[end...].firstIndex(of: UInt8(ascii: "\n")) else { throw Malformed() }
                fields[name] = String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)
                index = newline + 1
            } else {
                guard end + 9 <= bytes.count else { throw Malformed() }
                let length = bytes[(end + 1)..<(end + 9)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let start = end + 9
                guard start + length < bytes.count, bytes[start + length] == UInt8(ascii: "\n") else { throw Malformed() }
                fields[name] = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
                index = start + length + 1
            }
        }
        return fields
    }
}
