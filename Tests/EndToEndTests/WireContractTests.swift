import CallCenterClient
import Foundation
import XCTest

/// The error codes of the wire contract, through the real socket.
final class WireContractTests: XCTestCase {
    var daemon: DaemonProcess!

    override func setUpWithError() throws {
        daemon = try DaemonProcess(config: """
            [daemon]
            max_line_bytes = 4096
            """)
        try daemon.start()
    }

    override func tearDown() {
        daemon.stop()
        daemon = nil
    }

    /// Before hello only ping works; anything else is `unauthenticated`.
    func testOpsBeforeHelloAreUnauthenticated() throws {
        let c = try daemon.connect()
        XCTAssertEqual(try c.call("ping")["pong"] as? Bool, true)
        XCTAssertEqual(c.failure("stats")?.code, "unauthenticated")
        XCTAssertEqual(c.failure("call.offer", ["call": "c1", "from": "1"])?.code, "unauthenticated")
    }

    /// Malformed JSON gets `bad_request` and the connection stays usable.
    func testMalformedJSONIsBadRequestAndConnectionSurvives() throws {
        let c = try daemon.session("admin")
        try c.sendRaw("{\"id\": 1, \"op\": ")
        let reply = try XCTUnwrap(c.nextObject())
        XCTAssertEqual(reply["ok"] as? Bool, false)
        let error = try XCTUnwrap(reply["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "bad_request")
        XCTAssertTrue((error["message"] as? String ?? "").contains("malformed JSON"), "\(error)")
        XCTAssertEqual(try c.call("ping")["pong"] as? Bool, true)
    }

    /// A string with a NUL is refused: SQLite would keep only what comes before it,
    /// so an acknowledged call "a\u0000b" would come back as "a" after a restart.
    func testNULInAStringIsRefused() throws {
        let pbx = try daemon.session("pbx")
        try pbx.sendRaw(#"{"id":7,"op":"call.offer","call":"nul\u0000x","from":"13800001111"}"# + "\n")
        let reply = try XCTUnwrap(pbx.nextObject())
        XCTAssertEqual(reply["ok"] as? Bool, false)
        let error = try XCTUnwrap(reply["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "bad_request")
        XCTAssertTrue((error["message"] as? String ?? "").contains("\\u0000 (NUL) is refused in strings"), "\(error)")
        XCTAssertEqual(try daemon.session("supervisor").failure("call.get", ["call": "nul"])?.code, "not_found")
    }

    /// An unknown op is `unknown_op`, naming the ops the role may call.
    func testUnknownOp() throws {
        let c = try daemon.session("supervisor")
        let error = try XCTUnwrap(c.failure("call.teleport"))
        XCTAssertEqual(error.code, "unknown_op")
        XCTAssertTrue(error.message.contains("stats"), error.message)
    }

    /// Wrong types and missing fields are `bad_request` naming the field.
    func testWrongTypesNameTheField() throws {
        let pbx = try daemon.session("pbx")
        let wrongType = try XCTUnwrap(pbx.failure("call.offer", ["call": 42, "from": "13800001111"]))
        XCTAssertEqual(wrongType.code, "bad_request")
        XCTAssertTrue(wrongType.message.contains("'call'"), wrongType.message)
        let missing = try XCTUnwrap(pbx.failure("call.offer", ["call": "c1"]))
        XCTAssertEqual(missing.code, "bad_request")
        XCTAssertTrue(missing.message.contains("'from'"), missing.message)
        let badEnum = try XCTUnwrap(pbx.failure("call.hangup", ["call": "c1", "by": "martians"]))
        XCTAssertTrue(badEnum.message.contains("\"caller\""), badEnum.message)
    }

    /// A role may not call another role's ops, whatever the fields.
    func testForbiddenBeforeValidation() throws {
        let pbx = try daemon.session("pbx")
        XCTAssertEqual(pbx.failure("queue.upsert", ["nonsense": true])?.code, "forbidden")
    }

    /// A line over the maximum gets `too_large` and the connection is closed.
    func testOversizedLineIsTooLargeAndCloses() throws {
        let c = try daemon.session("admin")
        let huge = "{\"id\": 1, \"op\": \"ping\", \"pad\": \"" + String(repeating: "x", count: 10_000) + "\"}"
        try c.sendRaw(huge)
        let reply = try XCTUnwrap(c.nextObject())
        let error = try XCTUnwrap(reply["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "too_large")
        XCTAssertThrowsError(try c.next(timeout: 5)) { error in
            XCTAssertEqual((error as? ClientError)?.code, .connectionClosed)
        }
        // The daemon itself is fine.
        XCTAssertNoThrow(try daemon.session("admin").call("ping"))
    }

    /// Pipelined requests are answered in request order.
    func testRepliesComeInRequestOrder() throws {
        let c = try daemon.session("admin")
        _ = try c.call("agent.upsert", ["agent": "a1", "seat": "201"])
        var ids: [String] = []
        for i in 0..<500 {
            switch i % 4 {
            case 0: ids.append(try c.send("ping"))
            case 1: ids.append(try c.send("call.offer", ["call": "p\(i)", "from": "1380000\(i)"]))
            case 2: ids.append(try c.send("stats"))
            default: ids.append(try c.send("nope"))
            }
        }
        var replies: [String] = []
        while replies.count < ids.count {
            guard let message = try c.next(timeout: 10) else { break }
            if case let .reply(id, _, _) = message { replies.append(id) }
        }
        XCTAssertEqual(replies, ids)
    }

    /// An agent proves itself with the token from agent.upsert; a wrong token is forbidden.
    func testAgentHelloNeedsItsToken() throws {
        let admin = try daemon.session("admin")
        let token = try XCTUnwrap(admin.call("agent.upsert", ["agent": "a7", "seat": "207"])["token"] as? String)
        XCTAssertEqual(try daemon.connect().failure("hello", ["role": "agent", "agent": "a7", "token": "not-it"])?.code, "forbidden")
        let agent = try daemon.session("agent", agent: "a7", token: token)
        XCTAssertEqual(try agent.call("agent.login", ["seat": "207"])["state"] as? String, "not_ready")
        XCTAssertEqual(agent.failure("agent.login", ["agent": "a8"])?.code, "forbidden")
        // Updating the agent keeps the token unless asked to rotate it.
        XCTAssertNil(try admin.call("agent.upsert", ["agent": "a7", "name": "Ada"])["token"])
        XCTAssertNoThrow(try daemon.session("agent", agent: "a7", token: token))
    }
}
