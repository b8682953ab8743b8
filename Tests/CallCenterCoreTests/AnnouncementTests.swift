import CallCenterCore
import XCTest

/// `[routing] announce_every`: every so often the PBX is told each waiting call's
/// place in line and estimated wait, for the announcement it plays.
final class AnnouncementTests: XCTestCase {
    func positions(_ applied: CallCenter.Applied) -> [String] {
        applied.effects.compactMap {
            if case let .position(call, queue, position, ewt) = $0 { return "\(call) \(queue) #\(position) \(Int(ewt))s" }
            return nil
        }
    }

    func testWaitingCallsHearTheirPlaceEveryInterval() throws {
        var settings = CallCenter.Settings()
        settings.routing.announceEvery = 30
        var desk = try Desk(settings: settings, agents: [profile("a1")])
        desk.center.armAnnouncements(now: desk.now)  // as the shell does at start
        for id in ["c1", "c2", "c3"] { try desk.offer(id) }
        XCTAssertEqual(desk.center.nextDeadline(), desk.clock.after(30))

        desk.advance(30)
        XCTAssertEqual(positions(try desk.tick()), ["c1 general #1 180s", "c2 general #2 360s", "c3 general #3 540s"],
                       "no agent yet: the default handle time per call ahead, as call.offer's ewt")
        try desk.hangup("c1")
        try desk.loginReady("a1")  // takes c2
        try desk.answer("c2", by: "a1")
        desk.advance(30)
        XCTAssertEqual(positions(try desk.tick()), ["c3 general #1 180s"])
        try desk.hangup("c3")
        desk.advance(30)
        let quiet = try desk.tick()
        XCTAssertEqual(positions(quiet), [], "nobody waits: nothing to announce")
        XCTAssertEqual(desk.center.nextDeadline(), desk.clock.after(30), "and the next announcement is still armed")
    }

    /// Calls that overflowed in from another queue count where they stand in the
    /// line, as `call.get` counts them; each call is told its place in its own queue.
    func testPlacesCountCallsThatOverflowedIn() throws {
        var settings = CallCenter.Settings()
        settings.routing.announceEvery = 30
        var desk = try Desk(settings: settings, queues: [
            QueueConfig(id: "general"),
            QueueConfig(id: "billing", skills: ["billing": 3], overflow: [OverflowStep(after: 5, addQueue: "general")]),
        ])
        desk.center.armAnnouncements(now: desk.now)
        try desk.offer("b1", queue: "billing")
        desk.advance(6)
        try desk.tick()  // b1 now waits in general's line too, ahead of what comes next
        try desk.offer("g1")
        desk.advance(24)
        let told = positions(try desk.tick())
        XCTAssertEqual(told, ["b1 billing #1 180s", "g1 general #2 360s"])
        XCTAssertEqual(desk.center.placeInLine(of: "g1", now: desk.now)?.position, 2, "as call.get counts it")
    }

    func testNoAnnouncementsWithoutTheSettingOrOnceItIsGone() throws {
        var desk = try Desk()
        desk.center.armAnnouncements(now: desk.now)
        try desk.offer("c1")
        XCTAssertNil(desk.center.nextDeadline())

        desk.center.settings.routing.announceEvery = 20
        desk.center.armAnnouncements(now: desk.now)
        desk.advance(20)
        XCTAssertEqual(positions(try desk.tick()), ["c1 general #1 180s"])
        desk.center.settings.routing.announceEvery = nil  // a reload without it
        desk.center.armAnnouncements(now: desk.now)
        desk.advance(20)
        XCTAssertEqual(positions(try desk.tick()), [])
        XCTAssertNil(desk.center.nextDeadline())
    }
}
