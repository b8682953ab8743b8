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

    /// A client that pipelines requests and never reads the replies stops being read
    /// once its unsent replies pass the output bound: its socket fills and holds it,
    /// instead of the daemon keeping every reply in memory. Others are still served.
    func testClientThatNeverReadsIsHeldByItsSocket() throws {
        let daemon = try DaemonProcess(config: "[daemon]\nmax_output_bytes = 4096\n")
        try daemon.start()
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        _ = withUnsafeMutableBytes(of: &address.sun_path) { raw in daemon.socketPath.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) } }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(connected, 0)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        // Pings as fast as the socket takes them; nothing is read. Once the replies back
        // up, the daemon reads no more and the socket stays full: no send is taken for
        // two seconds. (Without back-pressure on unsent output the daemon went on
        // reading as fast as it answered, however long the client sent.)
        // Long lines (a padding field), so that what one read takes in is answered in
        // a moment even by a debug build: a pause of two seconds is then back-pressure,
        // not the daemon still busy with a backlog.
        let line = Array((#"{"id":1,"op":"ping","pad":""# + String(repeating: "x", count: 2000) + "\"}\n").utf8)
        let start = Date()
        var lastTaken = start, taken = 0, held = false
        while Date().timeIntervalSince(start) < 30 {
            let n = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                taken += n
                lastTaken = Date()
            } else if Date().timeIntervalSince(lastTaken) > 2 {
                held = true
                break
            } else {
                usleep(2000)
            }
        }
        XCTAssertTrue(held, "the daemon kept reading a client that never reads (\(taken / line.count) requests taken in 30 s)")
        XCTAssertEqual(try daemon.session("supervisor").call("ping")["pong"] as? Bool, true, "others are served")
        daemon.stop()
    }
}
