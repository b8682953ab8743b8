import CallCenterCore
import CallCenterStore
import XCTest

/// Batches in, snapshots and journal out, on an in-memory database.
final class CallCenterStoreTests: XCTestCase {
    /// A batch with every kind of row, written to `store`: journal 1...3,
    /// agents a1 (ringing c2), a2 (ready), a3 (not ready), queues general and
    /// complaints, calls c1 queued, c2 ringing, c3 ended.
    static func sampleBatch() -> CommitBatch {
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1, op: "queue.upsert", actor: "config"), Fixture.entry(2, at: 1), Fixture.entry(3, op: "call.hangup", at: 2)]
        batch.agents = [Fixture.agent("a1", state: .ringing, call: "c2"), Fixture.agent("a2", state: .ready), Fixture.agent("a3", state: .notReady)]
        batch.queues = [Fixture.queue("general", wrapUp: 10), Fixture.queue("complaints", skills: ["complaints": 3], maxWait: 300)]
        batch.legs = [
            Fixture.call("c1", ticket: 7),
            Fixture.call("c2", ticket: 5, queue: "complaints", state: .ringing, agent: "a1"),
            Fixture.call("c3", ticket: 6, state: .ended),
        ]
        batch.nextTicket = 8
        return batch
    }

    /// An empty database loads as an empty snapshot, sequence 0, no journal.
    func testEmptyStoreLoadsEmptySnapshot() throws {
        let store = try CallCenterStore(inMemory: ())
        XCTAssertEqual(try store.loadSnapshot(), Snapshot())
        XCTAssertEqual(try store.lastSequence(), 0)
        XCTAssertEqual(try store.journal(), [])
        XCTAssertEqual(try store.journalCount(), 0)
        XCTAssertEqual(try store.callLog(call: "nope"), [])
    }

    /// A committed batch loads back: the same agents, queues and live calls
    /// (in ticket order, ended legs left out) and the next ticket.
    func testCommittedBatchLoadsBackAsSnapshot() throws {
        let store = try CallCenterStore(inMemory: ())
        let batch = Self.sampleBatch()
        try store.commit(batch)

        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot.agents, batch.agents.sorted { $0.id < $1.id })
        XCTAssertEqual(snapshot.queues, batch.queues.sorted { $0.id < $1.id })
        XCTAssertEqual(snapshot.calls, [batch.legs[1], batch.legs[0]], "live calls in ticket order; the ended c3 is not live")
        XCTAssertEqual(snapshot.nextTicket, 8)
    }

    /// A removed agent's row is deleted and its id kept with the time of removal
    /// (ids are not given out again); the other agents are written as usual.
    func testRemovedAgentsAreDeletedAndTheirIdsKept() throws {
        let store = try CallCenterStore(inMemory: ())
        try store.commit(Self.sampleBatch())
        var removal = CommitBatch()
        removal.entries = [Fixture.entry(4, op: "agent.remove", actor: "admin", at: 3)]
        removal.removedAgents = [("a2", Fixture.at(3))]
        var renamed = Fixture.agent("a1")
        renamed.profile.name = "Renamed a1"
        removal.agents = [renamed]
        removal.nextTicket = 8
        try store.commit(removal)
        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot.agents.map(\.id), ["a1", "a3"])
        XCTAssertEqual(snapshot.agents.first?.profile.name, "Renamed a1")
        XCTAssertEqual(snapshot.removedAgents, ["a2": Fixture.at(3)])
    }

    /// Optional fields survive as nil and empty collections as empty.
    func testSparseRowsRoundTrip() throws {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1)]
        let bare = Agent(profile: AgentProfile(id: "a9", name: "", seat: "s9"), since: Fixture.at(0))
        var call = Call(id: "c9", from: "", to: "", queue: "general", attributes: [:], ticket: 1, at: Fixture.at(0))
        call.priority = -2
        batch.agents = [bare]
        batch.queues = [Queue(config: QueueConfig(id: "general"))]
        batch.legs = [call]
        batch.nextTicket = 2
        try store.commit(batch)

        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot, Snapshot(agents: [bare], queues: [Queue(config: QueueConfig(id: "general"))], calls: [call], nextTicket: 2))
        XCTAssertNil(snapshot.agents.first?.tokenHash)
        XCTAssertNil(snapshot.queues.first?.config.maxWait)
    }

    /// An agent in wrap-up keeps its wrap-up record and pending state.
    func testWrapUpAgentRoundTrips() throws {
        let store = try CallCenterStore(inMemory: ())
        var agent = Fixture.agent("a4", state: .wrapUp)
        agent.wrapUp = WrapUp(call: "c1", serial: 3, leg: 2, queue: "general", start: Fixture.at(40), until: Fixture.at(70), talkSeconds: 27.25)
        agent.pendingState = .notReady
        agent.pendingReason = "lunch"
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1)]
        batch.agents = [agent]
        try store.commit(batch)
        XCTAssertEqual(try store.loadSnapshot().agents, [agent])
    }

    /// A later write of the same leg, agent or queue replaces the earlier one.
    func testLaterWritesReplaceEarlierRows() throws {
        let store = try CallCenterStore(inMemory: ())
        try store.commit(Self.sampleBatch())

        var next = CommitBatch()
        next.entries = [Fixture.entry(4, op: "call.answered", at: 3)]
        // Every field a row's later write may change is changed (rows are updated in place, column by column).
        var connected = Fixture.call("c2", ticket: 5, queue: "complaints", state: .connected, agent: "a1")
        connected.attempts = 2
        connected.priority = 3
        connected.ringingAt = Instant(milliseconds: 1_790_000_020_000)
        connected.answeredAt = Instant(milliseconds: 1_790_000_021_000)
        connected.holdUntil = Instant(milliseconds: 1_790_000_030_000)
        connected.overflowStage = 2
        connected.relaxedSkills = ["complaints": 1]
        connected.extraQueues = ["general"]
        connected.routeReason = "longest_idle among 2 ready [a1,a2]"
        var busy = Fixture.agent("a1", state: .busy, call: "c2")
        busy.answeredToday = 5
        busy.talkSecondsToday = 123.5
        busy.countersDay = 20_788
        busy.pendingState = .notReady
        busy.pendingReason = "lunch"
        busy.idleSince = Instant(milliseconds: 1_790_000_019_000)
        busy.activeSeat = "hot-desk-9"
        busy.tokenHash = String(repeating: "ab", count: 32)
        var profile = busy.profile
        profile.name = "Agent One (renamed)"
        profile.skills = ["complaints": 9]
        profile.languages = ["yue"]
        profile.tiers = [.highValue]
        busy.profile = profile
        var queue = Fixture.queue("complaints", skills: ["complaints": 4])
        queue.counters.answered += 1
        queue.config.strategy = .fewestCalls
        queue.config.maxWait = 90
        queue.config.maxAttempts = 4
        queue.lastRouted = "a1"
        next.legs = [connected]
        next.agents = [busy]
        next.queues = [queue]
        next.nextTicket = 8
        try store.commit(next)

        let snapshot = try store.loadSnapshot()
        XCTAssertEqual(snapshot.calls.first { $0.id == "c2" }, connected)
        XCTAssertEqual(snapshot.agents.first { $0.id == "a1" }, busy)
        XCTAssertEqual(snapshot.queues.first { $0.id == "complaints" }, queue)
        XCTAssertEqual(snapshot.agents.count, 3)
        XCTAssertEqual(snapshot.calls.count, 2)
    }

    /// When a leg ends it leaves the live calls but stays in the call log.
    func testEndedLegLeavesLiveCallsButStaysInLog() throws {
        let store = try CallCenterStore(inMemory: ())
        try store.commit(Self.sampleBatch())
        var next = CommitBatch()
        next.entries = [Fixture.entry(4, op: "call.hangup", at: 40)]
        let ended = Fixture.call("c1", ticket: 7, state: .ended)
        next.legs = [ended]
        next.nextTicket = 8
        try store.commit(next)

        XCTAssertEqual(try store.loadSnapshot().calls.map(\.id), ["c2"])
        let log = try store.callLog(call: "c1")
        XCTAssertEqual(log.map(\.call), [ended])
        XCTAssertEqual(log.map(\.wrapUp), [nil])
    }

    /// A removed queue's row is deleted; the others stay.
    func testRemovedQueuesAreDeleted() throws {
        let store = try CallCenterStore(inMemory: ())
        let batch = Self.sampleBatch()
        try store.commit(batch)
        let gone = try XCTUnwrap(batch.queues.first).id
        var removal = CommitBatch()
        removal.entries = [Fixture.entry(4, op: "queue.remove", actor: "admin", at: 3)]
        removal.removedQueues = [gone]
        removal.nextTicket = 8
        try store.commit(removal)
        XCTAssertEqual(try store.loadSnapshot().queues.map(\.id), batch.queues.map(\.id).filter { $0 != gone }.sorted())
    }

    /// A call on hold loads back on hold, with its earlier holds; an ended leg
    /// keeps its time on hold in the call log.
    func testHoldsRoundTrip() throws {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1, op: "call.hold", at: 30)]
        var held = Fixture.call("c1", ticket: 1, state: .connected, agent: "a1")
        held.heldBefore = 7.5
        held.onHoldSince = Fixture.at(30)
        var ended = Fixture.call("c2", ticket: 2, state: .ended, agent: "a2")
        ended.heldBefore = 12.25
        batch.legs = [held, ended]
        batch.nextTicket = 3
        try store.commit(batch)
        XCTAssertEqual(try store.loadSnapshot().calls, [held])
        XCTAssertEqual(try store.callLog(call: "c2").first?.call, ended)
        XCTAssertEqual(try store.callLog(call: "c2").first?.call.talkSeconds(now: Fixture.at(99)), 28 - 12.25)
    }

    /// Journal entries come back in sequence order, after the given sequence,
    /// at most `limit` of them; `lastSequence` is the highest.
    func testJournalReadsInOrder() throws {
        let store = try CallCenterStore(inMemory: ())
        var first = CommitBatch()
        first.entries = [Fixture.entry(1), Fixture.entry(2, op: "agent.login", actor: "agent:a7")]
        try store.commit(first)
        var second = CommitBatch()
        second.entries = (3...6).map { Fixture.entry(Int64($0), op: "tick", actor: "daemon", at: Double($0)) }
        try store.commit(second)

        let all = try store.journal()
        XCTAssertEqual(all, first.entries + second.entries)
        XCTAssertEqual(try store.journal(after: 2), second.entries)
        XCTAssertEqual(try store.journal(after: 2, limit: 2).map(\.seq), [3, 4])
        XCTAssertEqual(try store.journal(after: 6), [])
        XCTAssertEqual(try store.lastSequence(), 6)
        XCTAssertEqual(try store.journalCount(), 6)
        XCTAssertEqual(all[1].actor, "agent:a7")
        XCTAssertEqual(all[1].payload, #"{"op":"agent.login","seq":2}"#)
    }

    /// A batch without journal entries is not a change: nothing is written.
    func testEmptyBatchWritesNothing() throws {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.nextTicket = 99
        try store.commit(batch)
        XCTAssertEqual(try store.loadSnapshot(), Snapshot())
    }

    /// The call log keeps one row per leg: a transferred call has two rows,
    /// leg 1 `transferred` and leg 2 as it is now, in leg order.
    func testCallLogKeepsOneRowPerLeg() throws {
        let store = try CallCenterStore(inMemory: ())
        var leg1 = Fixture.call("c1", ticket: 1, state: .connected, agent: "a1")
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1)]
        batch.legs = [leg1]
        try store.commit(batch)

        leg1.state = .ended
        leg1.endedAt = Fixture.at(30)
        leg1.outcome = .transferred
        var leg2 = leg1
        leg2.leg = 2
        leg2.state = .queued
        leg2.queue = "complaints"
        leg2.agent = nil
        leg2.endedAt = nil
        leg2.outcome = nil
        leg2.answeredAt = nil
        leg2.ringingAt = nil
        leg2.ticket = 2
        leg2.queuedAt = Fixture.at(30)
        batch = CommitBatch()
        batch.entries = [Fixture.entry(2, op: "call.transfer", at: 30)]
        batch.legs = [leg1, leg2]
        try store.commit(batch)

        let log = try store.callLog(call: "c1")
        XCTAssertEqual(log.map(\.call.leg), [1, 2])
        XCTAssertEqual(log.map(\.call), [leg1, leg2])
        XCTAssertEqual(try store.loadSnapshot().calls, [leg2])
    }

    /// A finished wrap-up fills the leg's wrap-up seconds (end of wrap-up minus
    /// end of the leg), never negative.
    func testWrapUpsEndedFillWrapUpSeconds() throws {
        let store = try CallCenterStore(inMemory: ())
        let ended = Fixture.call("c1", ticket: 1, state: .ended, agent: "a1")  // ended at t0+40s
        let other = Fixture.call("c2", ticket: 2, state: .ended, agent: "a2")
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1, at: 40)]
        batch.legs = [ended, other]
        try store.commit(batch)
        XCTAssertEqual(try store.callLog(call: "c1").first?.wrapUp, nil, "no wrap-up figure while wrap-up goes on")

        batch = CommitBatch()
        batch.entries = [Fixture.entry(2, op: "tick", actor: "daemon", at: 52.5)]
        batch.wrapUpsEnded = [(serial: 1, leg: 1, at: Fixture.at(52.5)), (serial: 2, leg: 1, at: Fixture.at(39))]
        try store.commit(batch)
        XCTAssertEqual(try store.callLog(call: "c1").first?.wrapUp, 12.5)
        XCTAssertEqual(try store.callLog(call: "c2").first?.wrapUp, 0, "clamped at 0")
    }

    /// The leg and the end of its wrap-up may arrive in the same batch (wrap-up 0).
    func testWrapUpEndedInSameBatchAsLeg() throws {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1, op: "call.hangup", at: 40)]
        batch.legs = [Fixture.call("c1", ticket: 1, state: .ended, agent: "a1")]
        batch.wrapUpsEnded = [(serial: 1, leg: 1, at: Fixture.at(40))]
        try store.commit(batch)
        XCTAssertEqual(try store.callLog(call: "c1").first?.wrapUp, 0)
    }

    /// A call id reused by the PBX later is a new call (another serial): the
    /// log keeps both lives, oldest first.
    func testReusedCallIDKeepsBothLives() throws {
        let store = try CallCenterStore(inMemory: ())
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1)]
        batch.legs = [Fixture.call("c1", ticket: 1, state: .ended), Fixture.call("c1", ticket: 9)]
        try store.commit(batch)
        XCTAssertEqual(try store.callLog(call: "c1").map(\.call.serial), [1, 9])
        XCTAssertEqual(try store.loadSnapshot().calls.map(\.serial), [9])
    }
}
