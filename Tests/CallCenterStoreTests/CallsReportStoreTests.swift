import CallCenterCore
import GRDB
import XCTest
@testable import CallCenterStore

/// `callsReport`: the call log's legs per queue and local day or hour, by the
/// live counters' definitions (`DOMAIN.md` §8).
final class CallsReportStoreTests: XCTestCase {
    /// Day 0 of the report: 2026-12-01 00:00 UTC, in ms.
    let day0: Int64 = 1_764_547_200_000

    func store() throws -> CallCenterStore {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1)]
        var general = Fixture.queue("general")
        general.config.serviceLevel = 20
        batch.queues = [general]
        try store.commit(batch)
        // serial, queue, offered (s after day0), wait, answered?, talk, hold, wrap_up, outcome, hangup_by
        let legs: [(Int, String, Int64, Double?, Bool, Double?, Double, Double?, String?, String?)] = [
            (1, "general", 9 * 3600, 10, true, 100, 20, 30, "completed", "caller"),    // within T, handled
            (2, "general", 9 * 3600 + 60, 30, true, 50, 0, nil, "completed", "agent"),  // after T, wrap-up not over
            (3, "general", 10 * 3600, 3, false, nil, 0, nil, "abandoned", "caller"),   // a short abandon
            (4, "general", 10 * 3600, 40, false, nil, 0, nil, "abandoned", "caller"),  // abandoned after T
            (5, "general", 10 * 3600, 25, false, nil, 0, nil, "abandoned", "agent"),   // not the caller: not abandoned
            (6, "general", 11 * 3600, 200, false, nil, 0, nil, "timed_out", "system"),
            (7, "general", 11 * 3600, 0, false, nil, 0, nil, "rejected", "system"),
            (11, "general", 11 * 3600, 60, false, nil, 0, nil, "transferred", "system"),  // timed out to another queue
            (12, "general", 11 * 3600, 2, false, nil, 0, nil, "transferred", "agent"),    // moved by call.transfer
            (8, "general", 86_400 + 3600, 5, true, 60, 0, 0, "completed", "caller"),   // the next day
            (9, "vip", 9 * 3600, 25, true, 40, 10, 5, "completed", "caller"),        // no such queue now: T = 20
            (10, "general", 8 * 86_400, 1, true, 10, 0, 0, "completed", "caller"),     // outside the range
        ]
        try store.writer.write { db in
            for (serial, queue, offered, wait, answered, talk, hold, wrapUp, outcome, hangupBy) in legs {
                let at = day0 + offered * 1000
                let answeredAt: Int64? = answered ? at + Int64((wait ?? 0) * 1000) : nil
                try db.execute(sql: """
                    INSERT INTO calls (serial, leg, call, caller, dialed, queue, agent, state, ticket, offered_at, queued_at, answered_at,
                                       ended_at, wait, talk, hold, wrap_up, outcome, hangup_by)
                    VALUES (?, 1, ?, '1', '2', ?, ?, 'ended', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [serial, "c\(serial)", queue, answered ? (serial % 2 == 0 ? "a2" : "a1") : nil, serial, at, at, answeredAt,
                                      at + 300_000, wait, talk, hold, wrapUp, outcome, hangupBy])
            }
            // Live legs only, in a queue and hour of their own: one waiting, one connected.
            try db.execute(sql: """
                INSERT INTO calls (serial, leg, call, caller, dialed, queue, state, ticket, offered_at, queued_at, answered_at)
                VALUES (20, 1, 'live1', '1', '2', 'late', 'queued', 20, ?, ?, NULL), (21, 1, 'live2', '1', '2', 'late', 'connected', 21, ?, ?, ?)
                """, arguments: [day0 + 12 * 3_600_000, day0 + 12 * 3_600_000, day0 + 12 * 3_600_000, day0 + 12 * 3_600_000, day0 + 12 * 3_600_000 + 5000])
        }
        return store
    }

    func testDaysByQueue() throws {
        let rows = try store().callsReport(CallsReportQuery(from: Instant(milliseconds: day0), until: Instant(milliseconds: day0 + 2 * 86_400_000)))
        XCTAssertEqual(rows.map { "\($0.slot) \($0.key)" }, ["1764547200 general", "1764547200 late", "1764547200 vip", "1764633600 general"])
        let general = rows[0]
        XCTAssertEqual(general.serviceLevelThreshold, 20)
        var expected = QueueCounters()
        expected.offered = 9
        expected.answered = 2
        expected.answeredWithinThreshold = 1
        expected.abandoned = 2
        expected.shortAbandoned = 1
        expected.abandonedAfterThreshold = 1
        expected.answeredWaitSeconds = 40
        expected.handled = 1
        expected.handleSeconds = 150
        expected.timedOut = 2
        expected.rejected = 1
        XCTAssertEqual(general.counters, expected)
        XCTAssertEqual(general.counters.serviceLevel ?? 0, 1.0 / 3, accuracy: 1e-9, "1 within T of 2 answered + 1 abandoned after T")
        XCTAssertEqual(general.talkedLegs, 2)
        XCTAssertEqual(general.talkSeconds, 150)
        XCTAssertEqual(general.holdSeconds, 20)
        var live = QueueCounters()
        live.offered = 2
        live.answered = 1
        XCTAssertEqual(rows[1].counters, live, "live legs count as offered (and answered), nothing else yet")
        XCTAssertEqual(rows[1].talkedLegs, 0, "a call still connected has no talk time yet")
        XCTAssertEqual(rows[2].serviceLevelThreshold, 20, "a queue no longer configured is measured against 20 s")
        XCTAssertEqual(rows[2].counters.answeredWithinThreshold, 0)
        XCTAssertEqual(rows[3].counters.offered, 1)
    }

    func testHoursOfOneQueueInLocalTime() throws {
        // UTC+8: 09:00 UTC is 17:00 local, on the same local day.
        let query = CallsReportQuery(from: Instant(milliseconds: day0 - 8 * 3_600_000), until: Instant(milliseconds: day0 + 16 * 3_600_000),
                                     utcOffsetSeconds: 8 * 3600, slotSeconds: 3600, queue: "general")
        let rows = try store().callsReport(query)
        let local = day0 / 1000 + 8 * 3600
        XCTAssertEqual(rows.map(\.slot), [local + 9 * 3600, local + 10 * 3600, local + 11 * 3600])
        XCTAssertEqual(rows.map(\.counters.offered), [2, 3, 4])
        XCTAssertEqual(rows.map(\.key), ["general", "general", "general"])
    }

    /// Per agent: the legs each answered, each measured against its own queue's T.
    func testDaysByAgent() throws {
        let rows = try store().callsReport(CallsReportQuery(from: Instant(milliseconds: day0), until: Instant(milliseconds: day0 + 2 * 86_400_000),
                                                            byAgent: true))
        XCTAssertEqual(rows.map { "\($0.slot) \($0.key) \($0.counters.answered)" }, ["1764547200 a1 2", "1764547200 a2 1", "1764633600 a2 1"])
        let a1 = rows[0]
        XCTAssertEqual(a1.counters.answeredWithinThreshold, 1, "10 s in general (T 20 s) is within; 25 s in vip (T 20 s) is not")
        XCTAssertEqual(a1.counters.handled, 2)
        XCTAssertEqual(a1.counters.handleSeconds, 150 + 55)
        XCTAssertEqual(a1.counters.answeredWaitSeconds, 35)
        XCTAssertEqual(a1.talkSeconds, 140)
        XCTAssertEqual(a1.holdSeconds, 30)
    }
}
