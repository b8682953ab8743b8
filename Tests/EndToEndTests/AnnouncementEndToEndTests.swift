import CallCenterClient
import CallCenterStore
import Foundation
import XCTest

/// `[routing] announce_every` through the socket: the PBX that offered a waiting
/// call hears its place in line and estimated wait, again and again.
final class AnnouncementEndToEndTests: XCTestCase {
    func testThePBXHearsWhereItsWaitingCallsStand() throws {
        let daemon = try DaemonProcess(config: "[routing]\nannounce_every = 1\n")
        try daemon.start()
        defer { daemon.stop() }
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "w1", "from": "13800001111"])
        _ = try pbx.call("call.offer", ["call": "w2", "from": "13800002222"])
        var heard: [String: Int] = [:]
        let started = Date()
        while heard.count < 2, Date().timeIntervalSince(started) < 5 {
            let event = try pbx.event(named: "call.position")
            XCTAssertEqual(event["queue"] as? String, "general")
            XCTAssertNotNil(event["ewt"] as? Double ?? (event["ewt"] as? Int).map(Double.init))
            if let call = event["call"] as? String { heard[call] = event["position"] as? Int }
        }
        XCTAssertEqual(heard, ["w1": 1, "w2": 2])
        _ = try pbx.call("call.hangup", ["call": "w1", "by": "caller"])
        // Announcements made before the hangup may still be on their way; then w2 moves up.
        var movedUp = false
        while !movedUp, Date().timeIntervalSince(started) < 10 {
            let next = try pbx.event(named: "call.position")
            movedUp = next["call"] as? String == "w2" && next["position"] as? Int == 1
        }
        XCTAssertTrue(movedUp, "w2 is told it is first once w1 hung up")

        // Announcements change nothing: no tick of theirs is in the journal.
        XCTAssertEqual(daemon.stop(), 0)
        let journal = try CallCenterStore(path: daemon.databasePath).journal()
        XCTAssertEqual(journal.map(\.op), ["queue.upsert", "call.offer", "call.offer", "call.hangup"], "the default queue, the calls")
    }
}
