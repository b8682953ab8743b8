import CallCenterClient
import Foundation
import XCTest

/// `call.hold` / `call.unhold` through the socket: supervisors see the hold, it
/// survives `kill -9`, and the call log counts it apart from talk.
final class HoldEndToEndTests: XCTestCase {
    func testAHoldIsSeenKeptAndCounted() throws {
        let daemon = try DaemonProcess(config: "[queues.general]\nwrap_up = 0\n")
        try daemon.start()
        defer { daemon.stop() }
        let admin = try daemon.session("admin")
        try admin.readyAgent("a1", seat: "201")
        _ = try admin.call("customer.upsert", ["customer": ["id": "C001", "name": "张经理", "phones": ["13800001111"]]])
        let supervisor = try daemon.session("supervisor")
        _ = try supervisor.call("subscribe", ["topics": ["calls"]])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "h1", "from": "13800001111"])
        XCTAssertEqual(pbx.failure("call.hold", ["call": "h1"])?.code, "invalid_transition", "ringing, not connected")
        _ = try pbx.call("call.answered", ["call": "h1", "agent": "a1"])

        XCTAssertEqual(pbx.failure("call.hold", [:])?.code, "bad_request")
        XCTAssertEqual(pbx.failure("call.hold", ["call": "nope"])?.code, "not_found")
        XCTAssertEqual(try daemon.session("supervisor").failure("call.hold", ["call": "h1"])?.code, "forbidden")
        let held = try pbx.call("call.hold", ["call": "h1"])
        XCTAssertNotNil(held["on_hold_since"] as? String)
        XCTAssertEqual(try supervisor.event(named: "call.held")["call"] as? String, "h1")
        let again = try pbx.call("call.hold", ["call": "h1"])
        XCTAssertEqual(again["on_hold_since"] as? String, held["on_hold_since"] as? String, "a repeated hold keeps its start")
        Thread.sleep(forTimeInterval: 0.3)

        daemon.crash()
        try daemon.start()
        let after = try daemon.session("pbx")
        let live = try daemon.session("supervisor").call("call.get", ["call": "h1"])
        XCTAssertEqual(live["on_hold_since"] as? String, held["on_hold_since"] as? String, "kill -9 and restart: still on hold")
        XCTAssertGreaterThanOrEqual(live["hold"] as? Double ?? 0, 0.3)
        let unheld = try after.call("call.unhold", ["call": "h1"])
        XCTAssertTrue(unheld["on_hold_since"] is NSNull)
        Thread.sleep(forTimeInterval: 0.1)
        let ended = try after.call("call.hangup", ["call": "h1", "by": "caller"])
        let hold = try XCTUnwrap(ended["hold"] as? Double)
        let talk = try XCTUnwrap(ended["talk"] as? Double)
        XCTAssertGreaterThanOrEqual(hold, 0.3)
        XCTAssertGreaterThanOrEqual(talk, 0.1)
        let logged = try daemon.session("supervisor").call("call.get", ["call": "h1"])
        XCTAssertEqual(logged["hold"] as? Double, hold, "the call log keeps the time on hold")
        XCTAssertEqual(logged["talk"] as? Double, talk, "and the talk time without it")
        let history = try daemon.session("admin").call("caller.profile", ["customer": "C001"])["interactions"] as? [[String: Any]]
        XCTAssertEqual(history?.first?["hold"] as? Double, hold, "the customer's history shows it too")
    }
}
