import XCTest
import CallCenterCore

/// The SLA for reaching `action`, by the customer's tier, driven by a test clock.
final class ComplaintSLATests: XCTestCase {
    /// The defaults: high_value 2 h, potential 8 h, stable 24 h, risk 24 h, unknown 48 h.
    func testDefaultSLAByTier() {
        let sla = ComplaintSLA()
        XCTAssertEqual(sla.seconds(for: .highValue), 7200)
        XCTAssertEqual(sla.seconds(for: .potential), 8 * 3600)
        XCTAssertEqual(sla.seconds(for: .stable), 24 * 3600)
        XCTAssertEqual(sla.seconds(for: .risk), 24 * 3600)
        XCTAssertEqual(sla.seconds(for: nil), 48 * 3600)
        XCTAssertEqual(ComplaintSLA.tierNames, ["high_value", "potential", "stable", "risk", "unknown"])
    }

    /// Due = opened + the tier's SLA, from the configured settings.
    func testDueTimeComesFromTheTiersSLA() throws {
        var settings = CallCenter.Settings()
        settings.complaintSLA.set("high_value", seconds: 600)
        var desk = try Desk(settings: settings, agents: [profile("a1")])
        try desk.connect("c1", to: "a1", caller: vipCaller)
        let vip = try desk.openComplaint(on: "c1", by: "a1")
        XCTAssertEqual(vip.slaDue, desk.now.adding(seconds: 600))
        XCTAssertEqual(desk.center.nextDeadline(), vip.slaDue)
    }

    /// Before the due time nothing happens; at it the complaint is marked breached and announced, once.
    func testBreachIsMarkedOnceAtTheDueTime() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.connect("c1", to: "a1", caller: vipCaller)
        let opened = try desk.openComplaint(on: "c1", by: "a1")
        try desk.step(opened.id, .calm, by: "a1")

        desk.advance(7199)
        var applied = try desk.tick()
        XCTAssertEqual(applied.complaintEvents, [])
        XCTAssertFalse(desk.center.complaints.open[opened.id]!.breached)

        desk.advance(1)
        applied = try desk.tick()
        XCTAssertEqual(applied.complaintEvents, ["complaint.sla_breached"])
        let breached = try XCTUnwrap(desk.center.complaints.open[opened.id])
        XCTAssertTrue(breached.breached)
        XCTAssertEqual(breached.breachedAt, desk.now)
        XCTAssertEqual(breached.slaMet, false)
        XCTAssertEqual(applied.changes.complaints, [breached])

        desk.advance(3600)
        XCTAssertEqual(try desk.tick().complaintEvents, [], "a breach is announced once")
        XCTAssertNil(desk.center.nextDeadline())
        // The work goes on after a breach; the SLA stays missed.
        let after = try desk.step(opened.id, .solution, by: "a1", note: "refund")
        XCTAssertEqual(after.slaMet, false)
    }

    /// Reaching `action` in time disarms the deadline: no breach ever comes.
    func testActionInTimeMeetsTheSLA() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.connect("c1", to: "a1", caller: vipCaller)
        let opened = try desk.openComplaint(on: "c1", by: "a1")
        desk.advance(3600)
        let done = try { () throws -> Complaint in
            try desk.advance(opened.id, through: .action, by: "a1")
            return desk.center.complaints.open[opened.id]!
        }()
        XCTAssertEqual(done.slaMet, true)
        XCTAssertNil(desk.center.nextDeadline())
        desk.advance(7200)
        XCTAssertEqual(try desk.tick().complaintEvents, [])
        XCTAssertFalse(desk.center.complaints.open[opened.id]!.breached)
    }

    /// After a restart (a snapshot) the SLA deadline is armed again and fires on time.
    func testDeadlineSurvivesARestore() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        let opened = try desk.openComplaint(on: "c1", by: "a1")
        XCTAssertEqual(opened.slaDue, desk.now.adding(seconds: 48 * 3600))
        desk.center = CallCenter(restoring: desk.center.snapshot)
        XCTAssertEqual(desk.center.nextDeadline(), opened.slaDue)
        desk.advance(48 * 3600)
        XCTAssertEqual(try desk.tick().complaintEvents, ["complaint.sla_breached"])
        desk.center = CallCenter(restoring: desk.center.snapshot)
        XCTAssertNil(desk.center.nextDeadline(), "a breached complaint has no deadline left")
    }

    /// Two complaints due at different times breach in due order, each at its own time.
    func testComplaintsBreachInDueOrder() throws {
        var settings = CallCenter.Settings()
        settings.complaintSLA.set("unknown", seconds: 100)
        settings.complaintSLA.set("risk", seconds: 50)
        var desk = try Desk(settings: settings, agents: [profile("a1")])
        try desk.connect("c1", to: "a1")
        let slow = try desk.openComplaint(on: "c1", by: "a1")
        try desk.advance(slow.id, through: .solution, by: "a1")
        try desk.hangup("c1")
        try desk.connect("c2", to: "a1", caller: riskCaller)
        let fast = try desk.openComplaint(on: "c2", by: "a1")
        desk.advance(50)
        let first = try desk.tick()
        XCTAssertEqual(first.changes.complaints.map(\.id), [fast.id])
        desk.advance(50)
        let second = try desk.tick()
        XCTAssertEqual(second.changes.complaints.map(\.id), [slow.id])
    }
}
