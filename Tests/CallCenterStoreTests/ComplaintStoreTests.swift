import CallCenterCore
import CallCenterStore
import XCTest

/// The complaints projection: written with the journal, loaded back, reported on.
final class ComplaintStoreTests: XCTestCase {
    let t0 = Instant(milliseconds: 1_790_000_000_000)  // 2026-09-21T14:13:20Z

    func complaint(_ number: Int, tier: CustomerTier? = .highValue, agent: AgentID = "a1", openedAt: Instant? = nil, sla: Double = 7200) -> Complaint {
        let at = openedAt ?? t0
        return Complaint(
            id: Complaint.id(number: number), number: number, customer: tier == nil ? nil : "C00\(number)", customerName: "Customer \(number)",
            tier: tier, summary: "complaint \(number)",
            call: ComplaintCall(call: "c\(number)", serial: UInt64(number), agent: agent, at: at, followUp: false),
            openedAt: at, slaDue: at.adding(seconds: sla)
        )
    }

    /// Takes `step` on `c` at `seconds` after it was opened.
    func take(_ step: ComplaintStep, _ c: inout Complaint, after seconds: Double, by agent: AgentID = "a1", call: ComplaintCall? = nil) {
        let at = c.openedAt.adding(seconds: seconds)
        if let call { c.calls.append(call) }
        c.steps.append(ComplaintStepRecord(step: step, agent: agent, at: at, note: "note \(step.rawValue)", call: call?.call))
        c.step = step
        if step == .thanks { c.closedAt = at }
    }

    func commit(_ store: CallCenterStore, _ seq: Int64, _ complaints: [Complaint]) throws {
        var batch = CommitBatch()
        batch.entries = [JournalEntry(seq: seq, at: t0, op: "complaint.step", actor: "test", payload: "{}")]
        batch.complaints = complaints
        try store.commit(batch)
    }

    /// A complaint written step by step, with a follow-up call, loads back equal; open ones come back in the snapshot.
    func testRoundTripAndSnapshot() throws {
        let store = try CallCenterStore()
        var first = complaint(1)
        try commit(store, 1, [first])
        take(.calm, &first, after: 60)
        take(.solution, &first, after: 120)
        first.heldBy = "a2"
        first.assignedAt = t0.adding(seconds: 130)
        take(.action, &first, after: 3600, by: "a2", call: ComplaintCall(call: "c9", serial: 9, agent: "a2", at: t0.adding(seconds: 3600), followUp: true))
        try commit(store, 2, [first])
        var second = complaint(2, tier: nil)
        second.breached = true
        second.breachedAt = second.slaDue
        try commit(store, 3, [second, second])

        XCTAssertEqual(try store.complaint(id: first.id), first)
        XCTAssertEqual(try store.complaint(id: second.id), second)
        XCTAssertNil(try store.complaint(id: "CP-000404"))
        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot.complaints, [first, second])
        XCTAssertEqual(snapshot.nextComplaintNumber, 3)

        take(.thanks, &first, after: 4000, by: "a2")
        try commit(store, 4, [first])
        XCTAssertEqual(try store.loadSnapshot().complaints.map(\.id), [second.id], "closed complaints stay in the store only")
        XCTAssertEqual(try store.loadSnapshot().nextComplaintNumber, 3)
        XCTAssertEqual(try store.complaints(state: .closed, limit: 10), [first])
        XCTAssertEqual(try store.complaints(state: .open, limit: 10), [second])
        XCTAssertEqual(try store.complaints(state: nil, limit: 1).map(\.id), [second.id], "newest first")
    }

    /// The schema refuses a closed complaint whose step is not `thanks`, and a breach without its time.
    func testSchemaKeepsTheInvariants() throws {
        let store = try CallCenterStore()
        var bad = complaint(1)
        bad.closedAt = t0
        XCTAssertThrowsError(try commit(store, 1, [bad]))
        var unbreached = complaint(2)
        unbreached.breached = true
        XCTAssertThrowsError(try commit(store, 1, [unbreached]))
        XCTAssertEqual(try store.journalCount(), 0, "a refused batch leaves no journal entry")
    }

    /// The report: per day opened and closed, per tier and per agent SLA met / breached / pending and mean time to each step.
    func testReportByDayTierAndAgent() throws {
        let store = try CallCenterStore()
        let day = 86_400.0
        var a = complaint(1, tier: .highValue, agent: "a1")                         // met, closed next day
        take(.calm, &a, after: 60); take(.solution, &a, after: 600); take(.action, &a, after: 3600); take(.thanks, &a, after: day)
        var b = complaint(2, tier: .highValue, agent: "a2")                         // breached
        take(.calm, &b, after: 120)
        b.breached = true
        b.breachedAt = b.slaDue
        var c = complaint(3, tier: nil, agent: "a1", openedAt: t0.adding(seconds: day), sla: 48 * 3600)  // pending, next day
        take(.calm, &c, after: 180)
        try commit(store, 1, [a, b, c])

        let rows = try store.complaintReport(ComplaintReportQuery())
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ("\($0.dimension.rawValue):\($0.key)", $0) })
        XCTAssertEqual(rows.map { "\($0.dimension.rawValue):\($0.key)" },
                       ["day:2026-09-21", "day:2026-09-22", "tier:high_value", "tier:unknown", "agent:a1", "agent:a2"])
        XCTAssertEqual(byKey["day:2026-09-21"]?.opened, 2)
        XCTAssertEqual(byKey["day:2026-09-21"]?.closed, 0)
        XCTAssertEqual(byKey["day:2026-09-22"]?.opened, 1)
        XCTAssertEqual(byKey["day:2026-09-22"]?.closed, 1, "a closes on the next day")
        let vip = try XCTUnwrap(byKey["tier:high_value"])
        XCTAssertEqual([vip.opened, vip.closed, vip.slaMet, vip.slaBreached, vip.slaPending], [2, 1, 1, 1, 0])
        XCTAssertEqual(vip.meanSecondsTo[.calm], 90)
        XCTAssertEqual(vip.meanSecondsTo[.solution], 600)
        XCTAssertEqual(vip.meanSecondsTo[.action], 3600)
        XCTAssertEqual(vip.meanSecondsTo[.thanks], day)
        let a1 = try XCTUnwrap(byKey["agent:a1"])
        XCTAssertEqual([a1.opened, a1.slaMet, a1.slaBreached, a1.slaPending], [2, 1, 0, 1])

        // A range of local days: only the second day, in UTC+8 (t0 is 22:13 local: c opens, and a closes, on 09-22 local).
        let offset = 8 * 3600
        let startOfDay = Instant(milliseconds: (Int64(20_718) * 86_400 - Int64(offset)) * 1000)
        let ranged = try store.complaintReport(ComplaintReportQuery(from: startOfDay, until: startOfDay.adding(seconds: day), utcOffsetSeconds: offset))
        XCTAssertEqual(ranged.filter { $0.dimension == .tier }.map(\.key), ["unknown"])
        XCTAssertEqual(ranged.filter { $0.dimension == .day }.map { [$0.key, "\($0.opened)", "\($0.closed)"] }, [["2026-09-22", "1", "1"]])
    }
}
