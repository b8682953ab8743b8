import CallCenterCore
import CallCenterStore
import GRDB
import XCTest

/// The schema refuses rows that break the model's invariants, and a refused
/// batch leaves nothing behind: no journal entry, no projection.
final class StoreInvariantTests: XCTestCase {
    /// One bad row each; the rest of the batch is valid.
    static var badRows: [(name: String, spoil: (inout CommitBatch) -> Void)] { [
        ("ended call without ended_at", { b in
            var c = Fixture.call("c8", ticket: 8, state: .ended)
            c.endedAt = nil
            b.legs.append(c)
        }),
        ("ended call without outcome", { b in
            var c = Fixture.call("c8", ticket: 8, state: .ended)
            c.outcome = nil
            b.legs.append(c)
        }),
        ("queued call with an outcome", { b in
            var c = Fixture.call("c8", ticket: 8)
            c.outcome = .abandoned
            b.legs.append(c)
        }),
        ("call leg 0", { b in
            var c = Fixture.call("c8", ticket: 8)
            c.leg = 0
            b.legs.append(c)
        }),
        ("call with an empty id", { b in b.legs.append(Fixture.call("", ticket: 8)) }),
        ("ringing agent without a call", { b in b.agents.append(Fixture.agent("a8", state: .ringing)) }),
        ("busy agent without a call", { b in b.agents.append(Fixture.agent("a8", state: .busy)) }),
        ("ready agent holding a call", { b in b.agents.append(Fixture.agent("a8", state: .ready, call: "c1")) }),
        ("wrap-up agent without its wrap-up", { b in b.agents.append(Fixture.agent("a8", state: .wrapUp)) }),
        ("ready agent with a wrap-up record", { b in
            var a = Fixture.agent("a8", state: .ready)
            a.wrapUp = WrapUp(call: "c1", serial: 1, leg: 1, queue: "general", start: Fixture.at(1), until: Fixture.at(2), talkSeconds: 1)
            b.agents.append(a)
        }),
        ("agent pending a busy state", { b in
            var a = Fixture.agent("a8", state: .busy, call: "c1")
            a.pendingState = .busy
            b.agents.append(a)
        }),
        ("agent with an empty seat", { b in
            var a = Fixture.agent("a8")
            a.profile.seat = ""
            b.agents.append(a)
        }),
        ("queue ring timeout 0", { b in
            var q = Fixture.queue("q8")
            q.config.ringTimeout = 0
            b.queues.append(q)
        }),
        ("queue negative wrap-up", { b in
            var q = Fixture.queue("q8")
            q.config.wrapUp = -1
            b.queues.append(q)
        }),
        ("queue max wait 0", { b in b.queues.append(Fixture.queue("q8", maxWait: 0)) }),
        ("queue negative service level", { b in
            var q = Fixture.queue("q8")
            q.config.serviceLevel = -5
            b.queues.append(q)
        }),
        ("a queued call on hold", { b in
            var call = Fixture.call("c8", ticket: 12)
            call.onHoldSince = Fixture.at(20)
            b.legs.append(call)
        }),
        ("negative time on hold", { b in
            var call = Fixture.call("c8", ticket: 12, state: .connected, agent: "a5")
            call.heldBefore = -1
            b.legs.append(call)
        }),
        ("journal entry with an empty op", { b in b.entries.append(JournalEntry(seq: 9, at: Fixture.at(9), op: "", actor: "pbx", payload: "{}")) }),
        ("journal sequence already used", { b in b.entries.append(Fixture.entry(1)) }),
    ] }

    /// Each bad row makes `commit` throw a constraint error, and nothing of
    /// that batch (journal, legs, agents, queues, next ticket) is stored.
    func testBadRowsAreRefusedAtomically() throws {
        for (name, spoil) in Self.badRows {
            let store = try CallCenterStore(inMemory: ())
            try store.commit(CallCenterStoreTests.sampleBatch())
            let before = try store.loadSnapshot()

            var batch = CommitBatch()
            batch.entries = [Fixture.entry(4, at: 50), Fixture.entry(5, at: 50)]
            batch.legs = [Fixture.call("c1", ticket: 7, state: .ended), Fixture.call("c7", ticket: 10)]
            batch.agents = [Fixture.agent("a2", state: .notReady), Fixture.agent("a5", state: .ready)]
            batch.queues = [Fixture.queue("general", wrapUp: 99), Fixture.queue("sales")]
            batch.wrapUpsEnded = [(serial: 6, leg: 1, at: Fixture.at(60))]
            batch.nextTicket = 11
            spoil(&batch)

            XCTAssertThrowsError(try store.commit(batch), name) { error in
                XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_CONSTRAINT, "\(name): \(error)")
            }
            XCTAssertEqual(try store.loadSnapshot(), before, name)
            XCTAssertEqual(try store.lastSequence(), 3, name)
            XCTAssertEqual(try store.journalCount(), 3, name)
            XCTAssertEqual(try store.callLog(call: "c7"), [], name)
            XCTAssertEqual(try store.callLog(call: "c3").first?.wrapUp, nil, name)

            // The store is still usable: the same batch without the bad row commits.
            var good = batch
            good.entries = [Fixture.entry(4, at: 50)]
            good.legs = Array(batch.legs.prefix(2))
            good.agents = Array(batch.agents.prefix(2))
            good.queues = Array(batch.queues.prefix(2))
            XCTAssertNoThrow(try store.commit(good), name)
            XCTAssertEqual(try store.lastSequence(), 4, name)
        }
    }

    /// Sanity check of the fixture: the batch the bad rows are added to is valid.
    func testBaseBatchIsValid() throws {
        let store = try CallCenterStore(inMemory: ())
        try store.commit(CallCenterStoreTests.sampleBatch())
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(4, at: 50), Fixture.entry(5, at: 50)]
        batch.legs = [Fixture.call("c1", ticket: 7, state: .ended), Fixture.call("c7", ticket: 10)]
        batch.agents = [Fixture.agent("a2", state: .notReady), Fixture.agent("a5", state: .ready)]
        batch.queues = [Fixture.queue("general", wrapUp: 99), Fixture.queue("sales")]
        batch.wrapUpsEnded = [(serial: 6, leg: 1, at: Fixture.at(60))]
        batch.nextTicket = 11
        try store.commit(batch)
        XCTAssertEqual(try store.loadSnapshot().calls.map(\.id), ["c2", "c7"])
        XCTAssertEqual(try store.callLog(call: "c3").first?.wrapUp, 20)
        XCTAssertEqual(try store.loadSnapshot().nextTicket, 11)
    }
}
