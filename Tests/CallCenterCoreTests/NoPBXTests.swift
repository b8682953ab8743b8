import XCTest
import CallCenterCore

/// Without a PBX to ring the seat nothing starts to ring: calls wait in line and
/// agents stay ready; when a PBX comes, the lines are routed in their order.
final class NoPBXTests: XCTestCase {
    func testNothingRingsWithoutAPBXAndTheLinesAreRoutedWhenOneComes() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2")])
        try desk.loginReady("a1")
        try desk.offer("c0")
        XCTAssertEqual(desk.call("c0")?.agent, "a1", "a PBX is there: c0 rings")
        try desk.apply(.routesTaken(false))
        XCTAssertEqual(desk.call("c0")?.state, .ringing, "a ring in progress goes on: its route is out")
        try desk.offer("c1")
        desk.advance(1)
        try desk.offer("c2")
        try desk.loginReady("a2")
        XCTAssertEqual(desk.state("a2"), .ready, "no PBX: a2 is not rung")
        XCTAssertEqual(desk.waiting(), ["c1", "c2"])
        XCTAssertNil(desk.center.agentForArrival("c3", from: "1", now: desk.now), "an arrival would wait too")

        let opened = try desk.apply(.routesTaken(true))
        XCTAssertEqual(opened.routes.map(\.call), ["c1"], "the first in line rings on the ready agent")
        XCTAssertEqual(desk.call("c1")?.agent, "a2")
        XCTAssertEqual(desk.waiting(), ["c2"])
    }

    /// When a PBX comes, each ready agent takes the best call of the lines it
    /// serves, as if it had just become ready: the older call first, whatever the
    /// queues' names.
    func testTheLinesAreRoutedInTheirOrderAcrossQueues() throws {
        var desk = try Desk(queues: [QueueConfig(id: "alpha"), QueueConfig(id: "zeta")], agents: [profile("a1")])
        try desk.apply(.routesTaken(false))
        try desk.loginReady("a1")
        try desk.offer("z1", queue: "zeta")
        desk.advance(1)
        try desk.offer("a1c", queue: "alpha")
        try desk.apply(.routesTaken(true))
        XCTAssertEqual(desk.call("z1")?.agent, "a1", "z1 waited longer")
    }

    /// A transfer to an agent needs a PBX to ring the seat.
    func testATransferToAnAgentNeedsAPBX() throws {
        var desk = try Desk(agents: [profile("a1"), profile("a2")])
        try desk.loginReady("a1")
        try desk.offer("c1")
        try desk.answer("c1", by: "a1")
        try desk.loginReady("a2")
        try desk.apply(.routesTaken(false))
        let refused = try XCTUnwrap(desk.refuse(.callTransfer(call: "c1", target: .agent("a2"))))
        XCTAssertEqual(refused.message, "no PBX is connected to ring agent 'a2''s seat: transfer to a queue instead")
    }
}
