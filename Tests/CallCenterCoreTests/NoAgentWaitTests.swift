import XCTest
@testable import CallCenterCore

/// `max_wait_no_agent`: calls in a queue nobody staffs go to `on_timeout` after
/// that long, counted from the later of their queuing and the moment the queue
/// lost its last working agent.
final class NoAgentWaitTests: XCTestCase {
    func general(_ wait: Double?, onTimeout: TimeoutAction = .callback, wrapUp: Double = 0) -> QueueConfig {
        QueueConfig(id: "general", wrapUp: wrapUp, onTimeout: onTimeout, maxWaitNoAgent: wait)
    }

    /// `general` (skill x, which nobody has) adds `other` after 10 s of waiting;
    /// `other`'s only agent, a1, is on call c0; c1 waits in `general`.
    func overflowDesk() throws -> Desk {
        let general = QueueConfig(id: "general", skills: ["x": 1], overflow: [OverflowStep(after: 10, addQueue: "other")], maxWaitNoAgent: 60)
        var desk = try Desk(queues: [general, QueueConfig(id: "other")], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c0", queue: "other")
        try desk.answer("c0", by: "a1")
        try desk.offer("c1")
        return desk
    }

    /// Nothing times out for the next `seconds` − 1; then `calls` do.
    func expectTimeouts(_ calls: [CallID], after seconds: Double, _ desk: inout Desk, file: StaticString = #filePath, line: UInt = #line) throws {
        desk.advance(seconds - 1)
        XCTAssertEqual(timeouts(try desk.tick()), [], "too early", file: file, line: line)
        desk.advance(1)
        XCTAssertEqual(Set(timeouts(try desk.tick())), Set(calls), file: file, line: line)
    }

    func timeouts(_ applied: CallCenter.Applied) -> [CallID] {
        applied.effects.compactMap { if case let .timeout(call, _, _, reason) = $0, reason == "no_agent" { return call } else { return nil } }
    }

    /// Nobody logged in: the call waits `max_wait_no_agent`, then times out with the queue's action.
    func testACallNobodyCanTakeTimesOut() throws {
        var desk = try Desk(queues: [general(60)], agents: [profile("a1")])
        try desk.offer("c1")
        XCTAssertEqual(desk.center.nextDeadline(), desk.clock.after(60))
        desk.advance(59.999)
        XCTAssertEqual(timeouts(try desk.tick()), [])
        XCTAssertEqual(desk.waiting(), ["c1"])
        desk.advance(0.001)
        let applied = try desk.tick()
        XCTAssertTrue(applied.effects.contains(.timeout(call: "c1", queue: "general", action: .callback, reason: "no_agent")))
        XCTAssertNil(desk.call("c1"))
        let ended = try XCTUnwrap(applied.changes.legs.last)
        XCTAssertEqual(ended.outcome, .timedOut)
        XCTAssertEqual(ended.cause, "no_agent: callback")
        XCTAssertEqual(try desk.stats().counters.timedOut, 1)
    }

    /// Without the setting a call waits for agents however long nobody is there.
    func testWithoutTheSettingCallsWaitForAgents() throws {
        var desk = try Desk(queues: [general(nil)])
        try desk.offer("c1")
        XCTAssertNil(desk.center.nextDeadline())
        desk.advance(86_400)
        try desk.tick()
        XCTAssertEqual(desk.waiting(), ["c1"])
    }

    /// An agent on a break does not staff the queue; a call arriving after the
    /// last one left counts from its own arrival.
    func testTheLastAgentOnABreakLeavesTheQueueUnstaffed() throws {
        var desk = try Desk(queues: [general(60)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.notReady("a1")
        desk.advance(10)
        try desk.offer("c1")
        try expectTimeouts(["c1"], after: 60, &desk)
    }

    /// Time waited while the queue was staffed does not count: a call waiting
    /// since 0 whose queue loses its last agent at 100 times out at 160.
    func testCallsWaitingWhenTheLastAgentLeavesCountFromThen() throws {
        var desk = try Desk(queues: [general(60)], agents: [profile("a1")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        try desk.offer("c2")
        try desk.notReady("a1")  // pending: a1 is on a call
        XCTAssertEqual(desk.state("a1"), .busy)
        desk.advance(100)
        try desk.tick()
        XCTAssertEqual(desk.waiting(), ["c2"], "staffed all along: nothing timed out")
        try desk.hangup("c1")
        XCTAssertEqual(desk.state("a1"), .notReady)
        try expectTimeouts(["c2"], after: 60, &desk)
    }

    /// An agent who comes back in time stops the count; the calls wait for them.
    func testAnAgentComingBackStopsTheCount() throws {
        var desk = try Desk(queues: [general(60)], agents: [profile("a1")])
        try desk.offer("c1")
        try desk.offer("c2")
        desk.advance(30)
        try desk.loginReady("a1")
        XCTAssertEqual(desk.call("c1")?.state, .ringing)
        try desk.answer("c1", by: "a1")
        desk.advance(30)
        XCTAssertEqual(timeouts(try desk.tick()), [])
        desk.advance(3_600)
        try desk.tick()
        XCTAssertEqual(desk.waiting(), ["c2"])

        // ...until the agent leaves again: the count starts over from then.
        try desk.hangup("c1")  // a1 is ready again, and takes c2
        XCTAssertEqual(desk.call("c2")?.state, .ringing)
        try desk.offer("c3")
        try desk.apply(.callNoAnswer(call: "c2", agent: "a1"))  // a1 → not_ready (no_answer): nobody staffs
        try expectTimeouts(["c2", "c3"], after: 60, &desk)
    }

    /// 0: a call offered while nobody staffs the queue is sent on at once (the next
    /// tick, at the same instant), here to another queue.
    func testZeroSendsCallsOnAtOnce() throws {
        var desk = try Desk(queues: [general(0, onTimeout: .queue("backup")), QueueConfig(id: "backup")])
        try desk.offer("c1")
        XCTAssertEqual(desk.center.nextDeadline(), desk.now)
        let applied = try desk.tick()
        XCTAssertTrue(applied.effects.contains(.timeout(call: "c1", queue: "general", action: .queue("backup"), reason: "no_agent")))
        XCTAssertEqual(desk.call("c1")?.queue, "backup")
        XCTAssertEqual(desk.waiting("backup"), ["c1"])
    }

    /// A call an overflow step opened to a staffed queue waits on for its agents.
    func testACallOpenToAStaffedQueueWaitsOn() throws {
        var desk = try overflowDesk()
        try desk.offer("c2", queue: "general")
        desk.advance(10)
        try desk.tick()  // both overflow into "other", staffed by a1
        desk.advance(50)
        XCTAssertEqual(timeouts(try desk.tick()), [])
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
    }

    /// Lowering the setting applies to the callers already waiting (those past it
    /// leave at the next tick); clearing it stops the count.
    func testChangingTheSettingAppliesToCallersWaiting() throws {
        var desk = try Desk(queues: [general(600)])
        try desk.offer("c1")
        desk.advance(540)
        try desk.offer("c2")
        try desk.apply(.upsertQueue(general(60)))
        XCTAssertEqual(timeouts(try desk.tick()), ["c1"], "waited 540 s of a new 60")
        try expectTimeouts(["c2"], after: 60, &desk)

        try desk.offer("c3")
        try desk.apply(.upsertQueue(general(nil)))
        desk.advance(3_600)
        XCTAssertEqual(timeouts(try desk.tick()), [])
        XCTAssertEqual(desk.waiting(), ["c3"])
    }

    /// A call an overflow step opened to another queue counts from when the last
    /// agent of either stopped working: here the other queue's agent goes on a
    /// break after their call at 100 s, and the call times out at 160, not before.
    func testOverflowHelpersLeavingStartTheCount() throws {
        var desk = try overflowDesk()
        try desk.notReady("a1")  // after the call
        desk.advance(10)
        try desk.tick()
        XCTAssertEqual(desk.call("c1")?.extraQueues, ["other"])
        desk.advance(90)
        XCTAssertEqual(timeouts(try desk.tick()), [], "a1 works for 'other' until 100 s")
        try desk.hangup("c0")
        XCTAssertEqual(desk.state("a1"), .notReady)
        try expectTimeouts(["c1"], after: 60, &desk)
    }

    /// The helper leaving at 59 s does not time the call out at 60: it has had
    /// nobody for a second only.
    func testAHelperLeavingLateDoesNotCutTheWaitShort() throws {
        var desk = try overflowDesk()
        desk.advance(10)
        try desk.tick()
        desk.advance(49)
        try desk.notReady("a1")
        try desk.hangup("c0")  // a1 stops working at 59 s
        desk.advance(1)
        XCTAssertEqual(timeouts(try desk.tick()), [])
        desk.advance(58)
        XCTAssertEqual(timeouts(try desk.tick()), [])
        desk.advance(1)
        XCTAssertEqual(timeouts(try desk.tick()), ["c1"])
    }

    /// Set later on a queue whose calls overflowed, the setting watches the
    /// overflow queue's agents from then on too.
    func testSetLaterTheSettingWatchesOverflowQueues() throws {
        var desk = try overflowDesk()
        var plain = try XCTUnwrap(desk.center.queues["general"]?.config)
        plain.maxWaitNoAgent = nil
        try desk.apply(.upsertQueue(plain))
        try desk.notReady("a1")  // after the call
        desk.advance(10)
        try desk.tick()  // c1 overflows into "other"
        desk.advance(10)
        plain.maxWaitNoAgent = 60
        try desk.apply(.upsertQueue(plain))
        desk.advance(80)
        XCTAssertEqual(timeouts(try desk.tick()), [], "a1 works for 'other' until 100 s")
        try desk.hangup("c0")
        try expectTimeouts(["c1"], after: 60, &desk)
    }

    /// A change of the queue's skills that leaves its busy agent out starts the count.
    func testNewSkillsThatLeaveNobodyStartTheCount() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", skills: ["x": 1], maxWaitNoAgent: 60)], agents: [profile("a1", skills: ["x": 1])])
        try desk.loginReady("a1")
        try desk.offer("c0")
        try desk.answer("c0", by: "a1")
        try desk.offer("c1")
        desk.advance(10)
        try desk.apply(.upsertQueue(QueueConfig(id: "general", skills: ["y": 1], maxWaitNoAgent: 60)))
        try expectTimeouts(["c1"], after: 60, &desk)
    }

    /// A call that overflowed keeps counting on the queue it was opened to after
    /// the step is removed: when that queue's agent stops working, it times out.
    func testAnOverflowStepRemovedLaterStillCounts() throws {
        var desk = try overflowDesk()
        desk.advance(10)
        try desk.tick()
        var general = try XCTUnwrap(desk.center.queues["general"]?.config)
        general.overflow = []
        try desk.apply(.upsertQueue(general))
        try desk.notReady("a1")
        try desk.hangup("c0")
        try expectTimeouts(["c1"], after: 60, &desk)
    }

    /// However many calls wait, a queue has one pending no-agent deadline, and each
    /// call times out once, at its own time.
    func testOneDeadlinePerQueue() throws {
        var desk = try Desk(queues: [general(60)])
        for i in 0..<40 {
            try desk.offer("c\(i)")
            desk.advance(1)
        }
        func pending() -> Int {
            desk.center.deadlines.unordered.filter { if case .noAgent = $0.kind { return desk.center.isLive($0) } else { return false } }.count
        }
        XCTAssertEqual(pending(), 1)
        desk.advance(20)  // 60 s after c0
        var timedOut: [CallID] = []
        for _ in 0..<40 {
            timedOut += timeouts(try desk.tick())
            XCTAssertLessThanOrEqual(pending(), 1)
            desk.advance(1)
        }
        XCTAssertEqual(timedOut, (0..<40).map { "c\($0)" })
        XCTAssertLessThanOrEqual(desk.center.deadlines.count, 45, "stale copies do not pile up")
    }

    /// A loop of on_timeout queues is refused: with max_wait_no_agent = 0 and
    /// nobody staffing either queue, a call would go round forever.
    func testATimeoutLoopIsRefused() throws {
        var desk = try Desk(queues: [QueueConfig(id: "a", onTimeout: .voicemail, maxWaitNoAgent: 0),
                                     QueueConfig(id: "b", onTimeout: .queue("a"), maxWaitNoAgent: 0)])
        let error = desk.refuse(.upsertQueue(QueueConfig(id: "a", onTimeout: .queue("b"), maxWaitNoAgent: 0)))
        XCTAssertEqual(error?.code, .badRequest)
        XCTAssertEqual(error?.message, "field 'on_timeout' of queue 'a' leads back to queue 'a' (a → b → a): a timed-out call would go round forever; end the chain with voicemail or callback")
        // A chain that ends is fine, and a call goes down it at once.
        try desk.apply(.upsertQueue(QueueConfig(id: "c", onTimeout: .queue("b"), maxWaitNoAgent: 0)))
        try desk.offer("k1", queue: "c")
        let applied = try desk.tick()
        XCTAssertEqual(timeouts(applied), ["k1", "k1", "k1"])
        XCTAssertNil(desk.call("k1"), "c → b → a → voicemail")
    }

    /// A restart does not start the count again: the moment the queue lost its
    /// agents is kept with the queue, so a call that waited 40 of its 60 s times
    /// out 20 s after the restart.
    func testARestartGoesOnCountingFromWhenTheQueueLostItsAgents() throws {
        var desk = try Desk(queues: [general(60)])
        let start = desk.now
        try desk.offer("c1")
        desk.advance(40)
        XCTAssertEqual(desk.center.queues["general"]?.unstaffedSince, start)
        desk.restart()
        try expectTimeouts(["c1"], after: 20, &desk)
    }

    /// The moment is written with the queue when it is set and when it is cleared.
    func testTheMomentIsAChangeOfTheQueue() throws {
        var desk = try Desk(queues: [general(60)], agents: [profile("a1")])
        let ready = try desk.apply(.agentLogin(agent: "a1", seat: nil))
        XCTAssertFalse(ready.changes.queues.contains("general"), "logged in, not working yet: nothing changed")
        let working = try desk.apply(.agentSetState(agent: "a1", state: .ready, reason: nil))
        XCTAssertTrue(working.changes.queues.contains("general"))
        XCTAssertNil(desk.center.queues["general"]?.unstaffedSince)
        desk.advance(5)
        let gone = try desk.notReady("a1")
        XCTAssertTrue(gone.changes.queues.contains("general"))
        XCTAssertEqual(desk.center.queues["general"]?.unstaffedSince, desk.now)
    }

    /// A stored moment that no longer holds (someone works there now, or nothing
    /// watches the queue any more) is dropped at the restore.
    func testAStaleMomentIsDroppedAtTheRestore() throws {
        var desk = try Desk(queues: [general(60), QueueConfig(id: "plain")], agents: [profile("a1")])
        try desk.loginReady("a1")
        var snapshot = desk.center.snapshot
        for i in snapshot.queues.indices { snapshot.queues[i].unstaffedSince = desk.now }
        desk.center = CallCenter(settings: desk.center.settings, restoring: snapshot)
        XCTAssertNil(desk.center.queues["general"]?.unstaffedSince, "a1 is ready")
        XCTAssertNil(desk.center.queues["plain"]?.unstaffedSince, "not watched")
    }

    /// A call that overflowed into another queue, whose step was removed since,
    /// still counts on that queue after a restart (the watched queues are worked
    /// out with the calls back in line).
    func testAfterARestartAnOverflowQueueOfAWaitingCallIsStillWatched() throws {
        var desk = try overflowDesk()
        desk.advance(10)
        try desk.tick()
        var general = try XCTUnwrap(desk.center.queues["general"]?.config)
        general.overflow = []
        try desk.apply(.upsertQueue(general))
        try desk.notReady("a1")
        try desk.hangup("c0")
        let left = desk.now
        desk.advance(30)
        desk.restart()
        XCTAssertEqual(desk.center.queues["other"]?.unstaffedSince, left)
        try expectTimeouts(["c1"], after: 30, &desk)
    }

    /// A duration past one day is refused like the queue's other durations.
    func testOutOfRangeIsRefused() throws {
        var desk = try Desk(queues: [])
        let error = desk.refuse(.upsertQueue(general(86_401)))
        XCTAssertEqual(error?.code, .badRequest)
        XCTAssertTrue(error?.message.contains("max_wait_no_agent") ?? false, "\(String(describing: error))")
    }
}
