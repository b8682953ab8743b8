import CallCenterClient
import CallCenterCore
import CallCenterStore
import Foundation
import XCTest

/// `[retention]` against the real daemon: history older than configured goes
/// soon after start, without touching what is live or recent.
final class RetentionTests: XCTestCase {
    static func now() -> Instant { Instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)) }

    /// An ended leg offered `days` ago, as the call log holds it.
    func endedLeg(_ id: String, ticket: UInt64, daysAgo days: Double) -> Call {
        let offered = Self.now().adding(seconds: -days * 86_400)
        var call = Call(id: id, from: "+8613800001111", to: "1800", queue: "general", attributes: [:], ticket: ticket, at: offered)
        call.state = .ended
        call.endedAt = offered.adding(seconds: 60)
        call.outcome = .abandoned
        call.hangupBy = .caller
        return call
    }

    func testHistoryPastTheRetentionIsPrunedAfterStart() throws {
        let daemon = try DaemonProcess(config: """
            [retention]
            journal_days = 30
            calls_days = 31
            audit_days = 30
            """)
        // A database with history: three journal entries of 100 days ago, legs
        // ended 100 and 90 days ago and one 10 days ago, audit entries of 100 and 5 days ago.
        do {
            let store = try CallCenterStore(path: daemon.databasePath)
            var batch = CommitBatch()
            let old = Self.now().adding(seconds: -100 * 86_400)
            batch.entries = (1...3).map { JournalEntry(seq: $0, at: old, op: "call.offer", actor: "pbx", payload: "{}") }
            batch.legs = [endedLeg("old1", ticket: 1, daysAgo: 100), endedLeg("old2", ticket: 2, daysAgo: 90), endedLeg("recent", ticket: 3, daysAgo: 10)]
            batch.nextTicket = 4
            try store.commit(batch)
            try store.applyArchive([100.0, 5].map {
                .audit(AuditEntry(at: Self.now().adding(seconds: -$0 * 86_400), role: "supervisor", agent: nil, customer: "C001", call: nil))
            })
        }

        try daemon.start()
        let deadline = Date().addingTimeInterval(10)
        while !daemon.log.contains("pruned history past [retention]") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(daemon.log.contains("pruned history past [retention] audit=1 calls=2 journal=3"), daemon.log)

        let supervisor = try daemon.session("supervisor")
        XCTAssertEqual(supervisor.failure("call.get", ["call": "old1"])?.code, "not_found", "the ended leg of 100 days ago is gone")
        XCTAssertEqual(try supervisor.call("call.get", ["call": "recent"])["outcome"] as? String, "abandoned", "a leg of 10 days ago stays")
        let pbx = try daemon.session("pbx")
        XCTAssertNotNil(try pbx.call("call.offer", ["call": "live", "from": "13800002222"])["position"])
        XCTAssertEqual(try supervisor.call("call.get", ["call": "live"])["state"] as? String, "queued")
        XCTAssertEqual(daemon.stop(), 0)

        let store = try CallCenterStore(path: daemon.databasePath)
        XCTAssertEqual(try store.journal().map(\.op), ["queue.upsert", "call.offer"], "the configured queue and the new offer")
        XCTAssertEqual(try store.auditEntries(customer: "C001").count, 1)
        XCTAssertEqual(try store.loadSnapshot().calls.map(\.id), ["live"])
    }
}
