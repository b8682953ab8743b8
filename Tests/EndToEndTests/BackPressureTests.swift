import CallCenterClient
import Foundation
import XCTest

/// Nobody can stall anybody: a subscriber that stops reading is dropped with a
/// notice; the PBX keeps being answered.
final class BackPressureTests: XCTestCase {
    /// A supervisor that does not read passes its output bound, gets `overflow` and is closed; the PBX is unaffected.
    func testSlowSubscriberGetsOverflowAndPBXIsUnaffected() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nmax_output_bytes = 4096\n")
        try daemon.start()
        let slow = try daemon.session("supervisor")
        _ = try slow.call("subscribe", ["topics": ["calls", "agents", "queues"]])
        let pbx = try daemon.session("pbx")
        var ids: [String] = []
        for i in 0..<3000 {
            ids.append(try pbx.send("call.offer", ["call": "o\(i)", "from": "1380000\(i)", "attributes": ["note": String(repeating: "x", count: 200)]]))
        }
        var acknowledged = 0
        while acknowledged < ids.count, let message = try pbx.next(timeout: 20) {
            if case let .reply(_, ok, _) = message, ok { acknowledged += 1 }
        }
        XCTAssertEqual(acknowledged, ids.count, "every offer acknowledged while the supervisor was stuck")

        // Now read what the slow supervisor was sent: it ends with the overflow notice, then the close.
        var last: String?
        do {
            while let event = try slow.nextEvent(timeout: 10) { last = event["event"] as? String }
        } catch let error as ClientError {
            XCTAssertEqual(error.code, .connectionClosed)
        }
        XCTAssertEqual(last, "overflow")
        // It may reconnect and subscribe again.
        let again = try daemon.session("supervisor")
        XCTAssertNotNil(try again.call("subscribe", ["topics": ["calls"]])["subscribed"])
        daemon.stop()
    }
}
