import CallCenterClient
import Foundation
import XCTest

/// `agent.remove` against the real daemon: refused while logged in, then the
/// agent's softphone hears it and is cut off, the token is gone, and a restart
/// does not bring the agent back.
final class AgentRemovalEndToEndTests: XCTestCase {
    func testARemovedAgentLosesAccessAndStaysRemovedAfterARestart() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        let admin = try daemon.session("admin")
        let token = try XCTUnwrap(try admin.call("agent.upsert", ["agent": "a7", "seat": "207"])["token"] as? String)
        _ = try admin.call("agent.upsert", ["agent": "a8", "seat": "208"])
        let softphone = try daemon.session("agent", agent: "a7", token: token)
        _ = try softphone.call("agent.login", [:])
        let supervisor = try daemon.session("supervisor")
        _ = try supervisor.call("subscribe", ["topics": ["agents"]])

        XCTAssertEqual(admin.failure("agent.remove", ["agent": "a7"])?.code, "invalid_transition", "logged in: log out first")
        XCTAssertEqual(admin.failure("agent.remove", ["agent": "nobody"])?.code, "not_found")
        XCTAssertEqual(admin.failure("agent.remove", [:])?.code, "bad_request")
        XCTAssertEqual(softphone.failure("agent.remove", ["agent": "a7"])?.code, "forbidden", "only an admin removes agents")
        _ = try softphone.call("agent.logout", [:])

        let removed = try admin.call("agent.remove", ["agent": "a7"])
        XCTAssertEqual(removed["agent"] as? String, "a7")
        XCTAssertEqual(removed["removed"] as? Bool, true)
        XCTAssertEqual(try supervisor.event(named: "agent.removed")["agent"] as? String, "a7")
        XCTAssertEqual(try softphone.event(named: "agent.removed")["agent"] as? String, "a7")
        XCTAssertThrowsError(try softphone.call("ping"), "the removed agent's session is closed")
        let list = try supervisor.call("agent.list")["agents"] as? [[String: Any]]
        XCTAssertEqual(list?.compactMap { $0["agent"] as? String }, ["a8"])

        // The CLI, for the agent still there.
        let cli = try runCommand(DaemonProcess.callctlBinary, ["agent", "remove", "a8", "--socket", daemon.socketPath])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertEqual(cli.stdout, "agent a8 removed\n")
        let again = try runCommand(DaemonProcess.callctlBinary, ["agent", "remove", "a8", "--socket", daemon.socketPath])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("not_found"), again.stderr)

        daemon.crash()
        try daemon.start()
        let after = try daemon.session("supervisor")
        XCTAssertEqual((try after.call("agent.list")["agents"] as? [[String: Any]])?.count, 0, "kill -9 and restart: still removed")
        let stranger = try daemon.connect()
        XCTAssertEqual(stranger.failure("hello", ["role": "agent", "agent": "a7", "token": token])?.code, "not_found",
                       "the old token opens nothing (root, as these tests run, learns that the id is unknown)")
        let admin2 = try daemon.session("admin")
        let reuse = admin2.failure("agent.upsert", ["agent": "a7", "seat": "217"])
        XCTAssertEqual(reuse?.code, "conflict", "the id is not given out again, after a restart too")
        XCTAssertTrue(reuse?.message.contains("choose another id") == true, reuse?.message ?? "")

        // An import that reaches the removed id stops there, and says what it saved.
        let file = daemon.directory.appendingPathComponent("agents.csv").path
        try "agent,seat\na9,209\na7,207\na10,210\n".write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try runCommand(DaemonProcess.callctlBinary, ["agent", "import", file, "--socket", daemon.socketPath])
        XCTAssertEqual(imported.status, 1)
        XCTAssertTrue(imported.stderr.hasPrefix("callctl: conflict: agent 'a7': agent id 'a7' belonged to an agent who was removed"), imported.stderr)
        XCTAssertTrue(imported.stderr.hasSuffix("(the 1 row before it was saved; import the rest again once it is fixed)\n"), imported.stderr)
        let listed = try admin2.call("agent.list")["agents"] as? [[String: Any]]
        XCTAssertEqual(listed?.compactMap { $0["agent"] as? String }, ["a9"])
    }

    /// A new token (a leaked one replaced) closes the sessions that proved
    /// themselves with the old one; a session trusted by its uid stays, and the
    /// new token opens a session.
    func testANewTokenClosesTheSessionsOfTheOldOne() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { daemon.stop() }
        let admin = try daemon.session("admin")
        let old = try XCTUnwrap(try admin.call("agent.upsert", ["agent": "a7", "seat": "207"])["token"] as? String)
        let leaked = try daemon.session("agent", agent: "a7", token: old)
        let trusted = try daemon.connect()  // root, as these tests run: trusted for any agent without a token
        _ = try trusted.call("hello", ["role": "agent", "agent": "a7"])

        let rotated = try admin.call("agent.upsert", ["agent": "a7", "rotate_token": true])
        let new = try XCTUnwrap(rotated["token"] as? String)
        XCTAssertNotEqual(new, old)
        XCTAssertEqual(try leaked.event(named: "agent.token_rotated")["agent"] as? String, "a7")
        XCTAssertThrowsError(try leaked.call("ping"), "the session of the old token is closed")
        XCTAssertNotNil(try trusted.call("ping")["pong"], "the session trusted by uid stays")
        XCTAssertEqual(try daemon.connect().failure("hello", ["role": "agent", "agent": "a7", "token": old])?.code, "forbidden")
        let renewed = try daemon.session("agent", agent: "a7", token: new)
        XCTAssertNotNil(try renewed.call("agent.login", [:])["state"])

        _ = try admin.call("agent.upsert", ["agent": "a7", "name": "Wang Fang"])  // a change without a new token
        XCTAssertNotNil(try renewed.call("ping")["pong"], "only a new token closes sessions")

        // The CLI rotates too.
        let cli = try runCommand(DaemonProcess.callctlBinary, ["agent", "add", "a7", "--seat", "207", "--rotate-token", "--socket", daemon.socketPath])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertTrue(cli.stdout.hasPrefix("agent a7 saved; token: "), cli.stdout)
        XCTAssertEqual(try renewed.event(named: "agent.token_rotated")["agent"] as? String, "a7")
    }
}
