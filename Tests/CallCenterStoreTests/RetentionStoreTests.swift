import CallCenterCore
import CallCenterStore
import XCTest

/// `prune`: history past the retention goes, a slice at a time; the live state,
/// the newest journal entry and anything younger stay.
final class RetentionStoreTests: XCTestCase {
    static let day = 86_400.0

    /// A leg offered `days` ago (relative to `Fixture.t0`), ended an hour later unless `live`.
    func leg(_ id: CallID, ticket: UInt64, daysAgo days: Double, live: Bool = false) -> Call {
        var call = Call(id: id, from: "+8613800001111", to: "1800", queue: "general", attributes: [:], ticket: ticket,
                        at: Fixture.at(-days * Self.day))
        if !live {
            call.state = .ended
            call.endedAt = Fixture.at(-days * Self.day + 3600)
            call.outcome = .abandoned
            call.hangupBy = .caller
        }
        return call
    }

    /// Journal 1...6 at 100, 90, 50, 10, 1 and 0 days ago; ended legs of 100, 60,
    /// 45 and 5 days ago, a leg offered 200 days ago still live; audit entries of
    /// 400, 40 and 2 days ago.
    func store() throws -> CallCenterStore {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [100, 90, 50, 10, 1, 0].enumerated().map { i, days in Fixture.entry(Int64(i + 1), at: -days * Self.day) }
        batch.queues = [Fixture.queue("general")]
        batch.legs = [leg("old", ticket: 1, daysAgo: 100), leg("stuck", ticket: 2, daysAgo: 200, live: true),
                      leg("c60", ticket: 3, daysAgo: 60), leg("c45", ticket: 4, daysAgo: 45), leg("c5", ticket: 5, daysAgo: 5)]
        batch.nextTicket = 6
        try store.commit(batch)
        try store.applyArchive([400, 40, 2].map {
            .audit(AuditEntry(at: Fixture.at(-$0 * Self.day), role: "supervisor", agent: nil, customer: "C001", call: nil))
        })
        return store
    }

    func loggedCalls(_ store: CallCenterStore) throws -> [CallID] {
        try ["old", "stuck", "c60", "c45", "c5"].filter { !(try store.callLog(call: $0)).isEmpty }
    }

    func testHistoryPastEachRetentionGoesAndTheRestStays() throws {
        let store = try store()
        let policy = RetentionPolicy(journalDays: 30, callsDays: 50, auditDays: 30)
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 100), PruneSlice(deleted: PruneCount(journal: 3, calls: 2, audit: 2)))
        XCTAssertEqual(try store.journal().map(\.seq), [4, 5, 6])
        XCTAssertEqual(try loggedCalls(store), ["stuck", "c45", "c5"], "ended legs past 50 days go; a live leg stays, however old")
        XCTAssertEqual(try store.auditEntries(customer: "C001").map(\.at), [Fixture.at(-2 * Self.day)])
        XCTAssertEqual(try store.loadSnapshot().calls.map(\.id), ["stuck"], "the live state is untouched")
        XCTAssertEqual(try store.loadSnapshot().nextTicket, 6)
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 100), PruneSlice(), "nothing left to prune")
    }

    /// A retention left unset keeps that history; an empty policy prunes nothing.
    func testUnsetRetentionKeepsThatHistory() throws {
        let store = try store()
        XCTAssertEqual(try store.prune(RetentionPolicy(), now: Fixture.t0, limit: 100), PruneSlice())
        XCTAssertEqual(try store.prune(RetentionPolicy(callsDays: 31), now: Fixture.t0, limit: 100).deleted, PruneCount(calls: 3))
        XCTAssertEqual(try store.journalCount(), 6)
        XCTAssertEqual(try store.auditEntries(customer: "C001").count, 3)
    }

    /// A slice deletes at most `limit` rows of each kind, oldest first.
    func testASliceDeletesAtMostLimitRowsOfEachKind() throws {
        let store = try store()
        let policy = RetentionPolicy(journalDays: 5, callsDays: 31, auditDays: 1)
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice(deleted: PruneCount(journal: 2, calls: 2, audit: 2), more: true))
        XCTAssertEqual(try store.journal().map(\.seq), [3, 4, 5, 6])
        XCTAssertEqual(try store.auditEntries(customer: "C001").count, 1)
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice(deleted: PruneCount(journal: 2, calls: 1, audit: 1), more: true))
        XCTAssertEqual(try store.journal().map(\.seq), [5, 6])
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice())
    }

    /// The newest journal entry stays, however old: the next start numbers on from it.
    func testTheNewestJournalEntryAlwaysStays() throws {
        let store = try store()
        let later = Fixture.at(1000 * Self.day)
        XCTAssertEqual(try store.prune(RetentionPolicy(journalDays: 1), now: later, limit: 100).deleted.journal, 5)
        XCTAssertEqual(try store.journal().map(\.seq), [6])
        XCTAssertEqual(try store.lastSequence(), 6)
    }

    /// An entry out of time order (the clock set back across a restart) stays,
    /// and the slices move past it to the old entries behind it.
    func testAJournalEntryOutOfOrderDoesNotStopTheSweep() throws {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [0, 0, 90, 90, 90, 0].enumerated().map { i, days in Fixture.entry(Int64(i + 1), at: -days * Self.day) }
        batch.entries[0] = Fixture.entry(1, at: -100 * Self.day)
        try store.commit(batch)
        let policy = RetentionPolicy(journalDays: 30)
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice(deleted: PruneCount(journal: 1), more: true))
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice(deleted: PruneCount(journal: 1), more: true))
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice(deleted: PruneCount(journal: 1), more: true))
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice(deleted: PruneCount(journal: 1), more: true))
        XCTAssertEqual(try store.prune(policy, now: Fixture.t0, limit: 2), PruneSlice())
        XCTAssertEqual(try store.journal().map(\.seq), [2, 6])
    }
}
