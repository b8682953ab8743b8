import CallCenterClient
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The daemon behaves like a systemd service.
final class SystemdTests: XCTestCase {
    /// READY=1 comes once the socket is live; SIGTERM sends STOPPING=1 and exits 0.
    func testReadyAndStoppingOnNotifySocket() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        XCTAssertTrue(daemon.notify.received.contains { $0.contains("READY=1") })
        XCTAssertNoThrow(try daemon.connect().call("ping"))  // live when READY was sent
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertTrue(daemon.notify.waitFor("STOPPING=1", timeout: 5), "\(daemon.notify.received)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemon.socketPath), "the socket file is removed on stop")
    }

    /// With WatchdogSec= set (WATCHDOG_USEC), the daemon pings WATCHDOG=1 at half the interval.
    func testWatchdogPings() throws {
        let daemon = try DaemonProcess()
        try daemon.start(environment: ["WATCHDOG_USEC": "600000"])
        XCTAssertTrue(daemon.notify.waitFor("WATCHDOG=1", timeout: 3), "\(daemon.notify.received)")
        daemon.stop()
    }

    /// STATUS= carries live figures.
    func testStatusLineHasLiveFigures() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        XCTAssertTrue(daemon.notify.waitFor("STATUS=", timeout: 5), "\(daemon.notify.received)")
        XCTAssertTrue(daemon.notify.received.contains { $0.contains("waiting") }, "\(daemon.notify.received)")
        daemon.stop()
    }

    /// SIGHUP reloads the config: RELOADING=1, the new queue settings apply, READY=1 again.
    func testSighupReloadsQueues() throws {
        let daemon = try DaemonProcess(config: "[queues.general]\nwrap_up = 5\n")
        try daemon.start()
        try "[queues.general]\nwrap_up = 42\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.process!.processIdentifier, SIGHUP)
        XCTAssertTrue(daemon.notify.waitFor("RELOADING=1", timeout: 5))
        let admin = try daemon.session("admin")
        var wrapUp: Double?
        for _ in 0..<50 {
            let queues = try admin.call("queue.list")["queues"] as? [[String: Any]]
            wrapUp = (queues?.first { $0["queue"] as? String == "general" }?["wrap_up"] as? NSNumber)?.doubleValue
            if wrapUp == 42 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertEqual(wrapUp, 42)
        daemon.stop()
    }

    /// A bad config is refused at start with the file, the key and what was expected.
    func testBadConfigIsRefusedAtStart() throws {
        let daemon = try DaemonProcess(config: "[queues.general]\nring_timeout = \"soon\"\n")
        let result = try runCommand(DaemonProcess.daemonBinary, ["--config", daemon.configPath, "--socket", daemon.socketPath, "--database", daemon.databasePath])
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains(daemon.configPath), result.stderr)
        XCTAssertTrue(result.stderr.contains("queues.general.ring_timeout"), result.stderr)
        XCTAssertTrue(result.stderr.contains("expected seconds"), result.stderr)
    }

    /// The daemon serves a socket passed by systemd-socket-activate (LISTEN_FDS).
    func testServesAnActivatedSocket() throws {
        let activate = "/usr/bin/systemd-socket-activate"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: activate), "systemd-socket-activate is not installed")
        let daemon = try DaemonProcess()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: activate)
        p.arguments = ["-l", daemon.socketPath, "-E", "NOTIFY_SOCKET=\(daemon.notify.path)",
                       DaemonProcess.daemonBinary, "--database", daemon.databasePath]
        let log = Pipe()
        p.standardError = log
        p.standardOutput = log
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGTERM); p.waitUntilExit() } }
        // systemd-socket-activate binds first and starts the daemon on the first connection.
        var connection: CallCenterConnection?
        for _ in 0..<100 where connection == nil {
            connection = try? daemon.connect()
            if connection == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let c = try XCTUnwrap(connection, "could not connect to the activated socket")
        XCTAssertEqual(try c.call("ping")["pong"] as? Bool, true)
        XCTAssertTrue(daemon.notify.waitFor("READY=1", timeout: 10))
        XCTAssertEqual(try c.hello(role: "admin")["server"] as? String, "callcenterd")
    }
}

/// callctl against the real daemon.
final class CallctlTests: XCTestCase {
    /// `callctl ping` succeeds; with no daemon it exits 69 and names the socket.
    func testPingAndUnreachableDaemon() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let ok = try runCommand(DaemonProcess.callctlBinary, ["ping", "--socket", daemon.socketPath])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("pong"), ok.stdout)
        daemon.stop()
        let down = try runCommand(DaemonProcess.callctlBinary, ["ping", "--socket", daemon.socketPath])
        XCTAssertEqual(down.status, 69)
        XCTAssertTrue(down.stderr.contains(daemon.socketPath), down.stderr)
    }

    /// `callctl queue set`, `agent add` and `agents` administer the daemon; errors exit 1.
    func testAdministrationThroughCallctl() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        let s = ["--socket", daemon.socketPath]
        let queue = try runCommand(DaemonProcess.callctlBinary, ["queue", "set", "vip", "--skill", "billing=4", "--wrap-up", "15",
                                                                 "--max-wait-no-agent", "45"] + s)
        XCTAssertEqual(queue.status, 0, queue.stderr)
        XCTAssertTrue(queue.stdout.contains("max_wait_no_agent: 45"), queue.stdout)
        let off = try runCommand(DaemonProcess.callctlBinary, ["queue", "set", "vip", "--max-wait-no-agent", "off"] + s)
        XCTAssertTrue(off.stdout.contains("max_wait_no_agent: null"), off.stdout)
        let wrong = try runCommand(DaemonProcess.callctlBinary, ["queue", "set", "vip", "--max-wait-no-agent", "soon"] + s)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("--max-wait-no-agent wants seconds"), wrong.stderr)
        let agent = try runCommand(DaemonProcess.callctlBinary, ["agent", "add", "a9", "--seat", "209", "--name", "Li Lei", "--skill", "billing=6"] + s)
        XCTAssertEqual(agent.status, 0, agent.stderr)
        XCTAssertTrue(agent.stdout.contains("token"), agent.stdout)
        let agents = try runCommand(DaemonProcess.callctlBinary, ["agents"] + s)
        XCTAssertTrue(agents.stdout.contains("a9") && agents.stdout.contains("logged_out"), agents.stdout)
        let bad = try runCommand(DaemonProcess.callctlBinary, ["call", "get", "nope"] + s)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("not_found"), bad.stderr)
        daemon.stop()
    }
}
