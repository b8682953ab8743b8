import CallCenterClient
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `queue.remove` against the real daemon: refused while a call waits in the
/// queue or while the config file declares it; then gone, also after `kill -9`.
final class QueueRemovalEndToEndTests: XCTestCase {
    func testAnUnusedQueueIsRemovedAndStaysRemoved() throws {
        let daemon = try DaemonProcess(config: "[queues.general]\n[queues.night]\nwrap_up = 0\n")
        try daemon.start()
        defer { daemon.stop() }
        let admin = try daemon.session("admin")
        _ = try admin.call("queue.upsert", ["queue": "promo"])
        let supervisor = try daemon.session("supervisor")
        _ = try supervisor.call("subscribe", ["topics": ["queues"]])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "p1", "from": "13800001111", "queue": "promo"])

        XCTAssertEqual(admin.failure("queue.remove", ["queue": "promo"])?.message,
                       "queue 'promo' has 1 live call (p1): let them end or move them (call.transfer) first")
        XCTAssertEqual(admin.failure("queue.remove", ["queue": "nope"])?.code, "not_found")
        XCTAssertEqual(admin.failure("queue.remove", ["queue": "general"])?.message,
                       "queue 'general' is the default queue (default_queue in the config): calls offered without a queue go there")
        XCTAssertEqual(admin.failure("queue.remove", [:])?.code, "bad_request")
        XCTAssertEqual(supervisor.failure("queue.remove", ["queue": "promo"])?.code, "forbidden", "only an admin removes queues")
        let declared = admin.failure("queue.remove", ["queue": "night"])
        XCTAssertEqual(declared?.code, "conflict")
        XCTAssertEqual(declared?.message, "queue 'night' is declared in the config file ([queues.night]), which would bring it back: remove it there, reload (SIGHUP), then remove it")
        _ = try pbx.call("call.hangup", ["call": "p1", "by": "caller"])

        let removed = try admin.call("queue.remove", ["queue": "promo"])
        XCTAssertEqual(removed["queue"] as? String, "promo")
        XCTAssertEqual(removed["removed"] as? Bool, true)
        XCTAssertEqual(try supervisor.event(named: "queue.removed")["queue"] as? String, "promo")
        XCTAssertEqual(pbx.failure("call.offer", ["call": "p2", "from": "13800001111", "queue": "promo"])?.code, "not_found")
        XCTAssertEqual(try supervisor.call("call.get", ["call": "p1"])["queue"] as? String, "promo", "the call log keeps the name")

        // Out of the file and reloaded, the config's queue may go too, with the CLI.
        try "[queues.general]\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.process!.processIdentifier, SIGHUP)
        XCTAssertTrue(daemon.notify.waitFor("RELOADING=1", timeout: 5))
        XCTAssertTrue(daemon.notify.waitFor("READY=1", timeout: 5))
        let cli = try runCommand(DaemonProcess.callctlBinary, ["queue", "remove", "night", "--socket", daemon.socketPath])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertEqual(cli.stdout, "queue night removed\n")

        daemon.crash()
        try daemon.start()
        let queues = try daemon.session("supervisor").call("queue.list")["queues"] as? [[String: Any]]
        XCTAssertEqual(queues?.compactMap { $0["queue"] as? String }, ["general"], "kill -9 and restart: still removed")
    }
}
