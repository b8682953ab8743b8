import CallCenterCore
import XCTest

/// `call.hold` / `call.unhold`: time on hold is counted apart from talk time,
/// and handle time is talk + hold + wrap-up (DOMAIN.md §8).
final class HoldTests: XCTestCase {
    func desk(wrapUp: Double = 10) throws -> Desk {
        try Desk(queues: [QueueConfig(id: "general", wrapUp: wrapUp)], agents: [profile("a1"), profile("a2")])
    }

    func testHoldsAreCountedApartFromTalk() throws {
        var desk = try desk()
        try desk.connect("c1", to: "a1")
        desk.advance(30)
        let held = try desk.apply(.callHold(call: "c1", onHold: true))
        XCTAssertEqual(desk.call("c1")?.onHoldSince, desk.now)
        XCTAssertEqual(held.changes.legs.map(\.id), ["c1"], "the call log is told")
        guard case let .notice(.call(event, call, _))? = held.effects.first else { return XCTFail("\(held.effects)") }
        XCTAssertEqual(event, "call.held")
        XCTAssertEqual(call.onHoldSince, desk.now)
        desk.advance(20)
        XCTAssertEqual(desk.call("c1")?.holdSeconds(now: desk.now), 20, "a hold in progress counts to now")
        XCTAssertEqual(desk.call("c1")?.talkSeconds(now: desk.now), 30)
        try desk.apply(.callHold(call: "c1", onHold: false))
        desk.advance(10)
        try desk.apply(.callHold(call: "c1", onHold: true))
        desk.advance(5)
        let ended = try desk.hangup("c1")  // on hold: the hold ends with the call

        let leg = try XCTUnwrap(ended.changes.legs.last)
        XCTAssertNil(leg.onHoldSince)
        XCTAssertEqual(leg.holdSeconds(now: desk.now), 25)
        XCTAssertEqual(leg.talkSeconds(now: desk.now), 40)
        XCTAssertEqual(desk.agent("a1").talkSecondsToday, 65, "talk today is the connected time, hold included (least_talk ranks by it)")
        desk.advance(10)
        try desk.tick()  // the wrap-up ends
        XCTAssertEqual(try desk.stats().counters.aht, 75, "handle time: 40 talk + 25 hold + 10 wrap-up")
    }

    func testOnlyAConnectedCallGoesOnHold() throws {
        var desk = try desk()
        try desk.offer("c1")
        XCTAssertEqual(desk.refuse(.callHold(call: "c1", onHold: true)),
                       CoreError(.invalidTransition, "call 'c1' is queued: only a connected call is put on hold or taken off it"))
        try desk.loginReady("a1")
        XCTAssertEqual(desk.refuse(.callHold(call: "c1", onHold: true))?.code, .invalidTransition, "ringing")
        XCTAssertEqual(desk.refuse(.callHold(call: "nope", onHold: true))?.code, .notFound)
        try desk.answer("c1", by: "a1")

        let unheld = try desk.apply(.callHold(call: "c1", onHold: false))
        XCTAssertTrue(unheld.effects.isEmpty && unheld.changes.isEmpty, "not on hold: taking it off changes nothing")
        try desk.apply(.callHold(call: "c1", onHold: true))
        let since = desk.now
        desk.advance(5)
        let again = try desk.apply(.callHold(call: "c1", onHold: true))
        XCTAssertTrue(again.effects.isEmpty && again.changes.isEmpty, "a repeated hold changes nothing")
        XCTAssertEqual(desk.call("c1")?.onHoldSince, since, "the hold still counts from its start")
    }

    /// A transfer ends the leg's hold; the new leg starts with none.
    func testATransferEndsTheHold() throws {
        var desk = try desk()
        try desk.connect("c1", to: "a1")
        desk.advance(10)
        try desk.apply(.callHold(call: "c1", onHold: true))
        desk.advance(15)
        try desk.loginReady("a2")
        let moved = try desk.apply(.callTransfer(call: "c1", target: .agent("a2")))
        let closed = try XCTUnwrap(moved.changes.legs.first { $0.leg == 1 })
        XCTAssertEqual(closed.holdSeconds(now: desk.now), 15)
        XCTAssertNil(closed.onHoldSince)
        XCTAssertEqual(closed.talkSeconds(now: desk.now), 10)
        XCTAssertEqual(desk.call("c1")?.leg, 2)
        XCTAssertEqual(desk.call("c1")?.holdSeconds(now: desk.now), 0)
        XCTAssertNil(desk.call("c1")?.onHoldSince)
    }

    /// A restart keeps a hold in progress and the holds before it.
    func testAHoldSurvivesARestart() throws {
        var desk = try desk()
        try desk.connect("c1", to: "a1")
        try desk.apply(.callHold(call: "c1", onHold: true))
        desk.advance(7)
        try desk.apply(.callHold(call: "c1", onHold: false))
        try desk.apply(.callHold(call: "c1", onHold: true))
        let since = desk.now
        let restored = CallCenter(restoring: desk.center.snapshot)
        XCTAssertEqual(restored.calls["c1"]?.onHoldSince, since)
        XCTAssertEqual(restored.calls["c1"]?.heldBefore, 7)
    }
}
