import XCTest
import CallCenterCore
import CallCenterWire

/// `Command.decode`: authentication, then authorization, then fields, with messages that name the problem.
final class CommandDecodeTests: XCTestCase {
    private let anonymous = SessionContext(role: nil, agent: nil)
    private let pbx = SessionContext(role: .pbx, agent: nil)
    private let admin = SessionContext(role: .admin, agent: nil)
    private let supervisor = SessionContext(role: .supervisor, agent: nil)
    private let agentA1 = SessionContext(role: .agent, agent: "a1")

    private func decode(_ op: String, _ fields: [String: JSONValue] = [:], as session: SessionContext) throws -> Command {
        try Command.decode(Request(id: 1, op: op, fields: fields), session: session)
    }

    /// Decodes and returns the error, failing the test when the request is accepted.
    private func refusal(_ op: String, _ fields: [String: JSONValue] = [:], as session: SessionContext,
                         file: StaticString = #filePath, line: UInt = #line) -> WireError? {
        do {
            let command = try decode(op, fields, as: session)
            XCTFail("\(op) decoded to \(command)", file: file, line: line)
            return nil
        } catch let error as WireError {
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return nil
        }
    }

    // MARK: - Authentication and authorization

    /// Before hello every op but hello and ping is unauthenticated, and the message shows how to say hello.
    func testUnauthenticatedBeforeHello() throws {
        for op in ["call.offer", "agent.state", "stats", "queue.upsert"] {
            let error = try XCTUnwrap(refusal(op, ["call": "c1"], as: anonymous))
            XCTAssertEqual(error.code, .unauthenticated, op)
            XCTAssertTrue(error.message.contains("say hello first"), error.message)
        }
        XCTAssertEqual(try decode("ping", as: anonymous), .ping)
        XCTAssertEqual(try decode("hello", ["role": "pbx", "client": "asterisk-bridge/1.0"], as: anonymous),
                       .hello(role: .pbx, agent: nil, token: nil, client: "asterisk-bridge/1.0"))
        XCTAssertEqual(try decode("hello", ["role": "agent", "agent": "a1", "token": "t0k"], as: anonymous),
                       .hello(role: .agent, agent: "a1", token: "t0k", client: nil))
    }

    /// hello needs a known role, and says which ones there are.
    func testHelloNeedsAKnownRole() throws {
        let error = try XCTUnwrap(refusal("hello", ["role": "root"], as: anonymous))
        XCTAssertEqual(error.code, .badRequest)
        XCTAssertEqual(error.message, #"field 'role' must be one of "pbx", "agent", "supervisor", "admin", not "root""#)
        XCTAssertEqual(refusal("hello", [:], as: anonymous)?.message, "field 'role' is missing: expected a non-empty string")
    }

    /// Every role may ping.
    func testEveryRoleMayPing() throws {
        for role in Role.allCases {
            XCTAssertEqual(try decode("ping", as: SessionContext(role: role, agent: role == .agent ? "a1" : nil)), .ping)
        }
    }

    /// An unknown op is unknown_op and lists the ops the session may call.
    func testUnknownOpListsTheRolesOps() throws {
        let before = try XCTUnwrap(refusal("call.offr", as: anonymous))
        XCTAssertEqual(before.code, .unknownOp)
        XCTAssertEqual(before.message, "unknown op 'call.offr'; before hello you may call: hello, ping")

        let asSupervisor = try XCTUnwrap(refusal("complaint.lst", as: supervisor))
        XCTAssertEqual(asSupervisor.code, .unknownOp)
        XCTAssertEqual(asSupervisor.message,
                       "unknown op 'complaint.lst'; the supervisor role may call: " + Operation.names(for: .supervisor).joined(separator: ", "))
        let supervisorOps = Operation.names(for: .supervisor)
        for op in ["hello", "ping", "subscribe", "stats", "agent.list", "call.get", "queue.list"] {
            XCTAssertTrue(supervisorOps.contains(op), "supervisors may call \(op)")
        }
        for op in ["call.offer", "agent.state", "queue.upsert", "agent.upsert"] {
            XCTAssertFalse(supervisorOps.contains(op), "supervisors may not call \(op)")
        }

        let asPBX = try XCTUnwrap(refusal("route", as: pbx))
        XCTAssertEqual(asPBX.message, "unknown op 'route'; the pbx role may call: " + Operation.names(for: .pbx).joined(separator: ", "))
        for op in ["call.offer", "call.answered", "call.noanswer", "call.hangup", "call.transfer"] {
            XCTAssertTrue(Operation.names(for: .pbx).contains(op), "the PBX may call \(op)")
        }
        XCTAssertEqual(Set(Operation.names(for: .admin)), Set(Operation.allCases.map(\.rawValue)), "admin may call every op")
    }

    /// An op the role may not call is forbidden whatever its fields, before any field is checked.
    func testForbiddenBeforeFieldValidation() throws {
        let upsert = try XCTUnwrap(refusal("queue.upsert", ["queue": 12, "ring_timeout": "soon"], as: pbx))
        XCTAssertEqual(upsert.code, .forbidden)
        XCTAssertEqual(upsert.message, "op 'queue.upsert' is not allowed for the pbx role; it needs: admin")

        let login = try XCTUnwrap(refusal("agent.login", [:], as: pbx))
        XCTAssertEqual(login.code, .forbidden)
        XCTAssertEqual(login.message, "op 'agent.login' is not allowed for the pbx role; it needs: admin or agent")

        XCTAssertEqual(refusal("call.offer", ["call": false], as: agentA1)?.code, .forbidden)
        XCTAssertEqual(refusal("stats", ["queue": []], as: pbx)?.code, .forbidden)
        XCTAssertEqual(refusal("agent.state", ["state": "busy"], as: supervisor)?.code, .forbidden)
    }

    /// The admin role may call every op of every role.
    func testAdminMayCallEveryOp() throws {
        XCTAssertEqual(try decode("call.answered", ["call": "c1", "agent": "a1"], as: admin), .input(.callAnswered(call: "c1", agent: "a1")))
        XCTAssertEqual(try decode("agent.logout", ["agent": "a2"], as: admin), .input(.agentLogout(agent: "a2")))
        XCTAssertEqual(try decode("stats", as: admin), .query(.stats(nil)))
        XCTAssertEqual(try decode("queue.list", as: admin), .query(.queueList))
    }

    // MARK: - PBX ops

    /// call.offer decodes its fields; a missing `to` is empty and attributes keep strings of numbers and booleans.
    func testCallOfferDecodes() throws {
        let command = try decode("call.offer", ["call": "c1", "from": "anonymous", "queue": "billing",
                                                "attributes": ["language": "yue", "score": 3, "vip": true, "gone": nil]], as: pbx)
        XCTAssertEqual(command, .input(.offerCall(call: "c1", from: "anonymous", to: "", queue: "billing",
                                                  attributes: ["language": "yue", "score": "3", "vip": "true"])))
    }

    /// call.offer with a missing or mistyped field is bad_request naming the field and what it should be.
    func testCallOfferBadFields() throws {
        let table: [([String: JSONValue], String, UInt)] = [
            (["from": "+861"], "field 'call' is missing: expected a non-empty string", #line),
            (["call": 7, "from": "+861"], "field 'call' must be a non-empty string, not a number", #line),
            (["call": "", "from": "+861"], "field 'call' must be a non-empty string, not an empty string", #line),
            (["call": "c1"], "field 'from' is missing: expected a non-empty string", #line),
            (["call": "c1", "from": nil], "field 'from' is missing: expected a non-empty string", #line),
            (["call": "c1", "from": ["+861"]], "field 'from' must be a non-empty string, not an array", #line),
            (["call": "c1", "from": ""], #"field 'from' must be a non-empty string, not an empty string: send "anonymous" for a caller without a number"#, #line),
            (["call": "c1", "from": "+861", "queue": 3], "field 'queue' must be a non-empty string, not a number", #line),
            (["call": "c1", "from": "+861", "attributes": ["language"]], "field 'attributes' must be an object, not an array", #line),
            (["call": "c1", "from": "+861", "attributes": ["x": ["y": 1]]], "field 'attributes.x' must be a string, not an object", #line),
        ]
        for (fields, message, line) in table {
            let error = refusal("call.offer", fields, as: pbx, line: line)
            XCTAssertEqual(error?.code, .badRequest, line: line)
            XCTAssertEqual(error?.message, message, line: line)
        }
    }

    /// call.hangup needs `by` among caller, agent, system; anything else is named with the choices.
    func testCallHangupBy() throws {
        XCTAssertEqual(try decode("call.hangup", ["call": "c1", "by": "agent", "cause": "normal"], as: pbx),
                       .input(.callHangup(call: "c1", by: .agent, cause: "normal")))
        let bad = try XCTUnwrap(refusal("call.hangup", ["call": "c1", "by": "pbx"], as: pbx))
        XCTAssertEqual(bad.code, .badRequest)
        XCTAssertEqual(bad.message, #"field 'by' must be one of "caller", "agent", "system", not "pbx""#)
        XCTAssertEqual(refusal("call.hangup", ["call": "c1"], as: pbx)?.message, "field 'by' is missing: expected a non-empty string")
        XCTAssertEqual(refusal("call.hangup", ["call": "c1", "by": 1], as: pbx)?.message, "field 'by' must be a non-empty string, not a number")
        // A cause as PBXs send it: Asterisk's numeric HANGUPCAUSE, or nothing.
        XCTAssertEqual(try decode("call.hangup", ["call": "c1", "by": "caller", "cause": 16], as: pbx),
                       .input(.callHangup(call: "c1", by: .caller, cause: "16")))
        XCTAssertEqual(try decode("call.hangup", ["call": "c1", "by": "caller", "cause": ""], as: pbx),
                       .input(.callHangup(call: "c1", by: .caller, cause: nil)))
        XCTAssertEqual(refusal("call.hangup", ["call": "c1", "by": "caller", "cause": ["x"]], as: pbx)?.message,
                       "field 'cause' must be a string or a number, not an array")
    }

    /// A PBX may read a call (to resync after a reconnect), not list the center.
    func testPBXMayReadACall() throws {
        XCTAssertEqual(try decode("call.get", ["call": "c1"], as: pbx), .query(.callGet("c1")))
        XCTAssertEqual(refusal("agent.list", as: pbx)?.code, .forbidden)
    }

    /// call.transfer needs exactly one of queue or agent.
    func testCallTransferTarget() throws {
        XCTAssertEqual(try decode("call.transfer", ["call": "c1", "queue": "billing"], as: pbx),
                       .input(.callTransfer(call: "c1", target: .queue("billing"))))
        XCTAssertEqual(try decode("call.transfer", ["call": "c1", "agent": "a2"], as: pbx),
                       .input(.callTransfer(call: "c1", target: .agent("a2"))))
        for fields: [String: JSONValue] in [["call": "c1"], ["call": "c1", "queue": "q", "agent": "a"]] {
            XCTAssertEqual(refusal("call.transfer", fields, as: pbx)?.message, "call.transfer needs exactly one of 'queue' or 'agent'")
        }
    }

    // MARK: - Agent ops

    /// agent.state takes ready or not_ready with a reason; anything else names the two choices.
    func testAgentState() throws {
        XCTAssertEqual(try decode("agent.state", ["state": "not_ready", "reason": "break"], as: agentA1),
                       .input(.agentSetState(agent: "a1", state: .notReady, reason: "break")))
        let busy = try XCTUnwrap(refusal("agent.state", ["state": "busy"], as: agentA1))
        XCTAssertEqual(busy.code, .badRequest)
        XCTAssertEqual(busy.message, #"field 'state' must be one of "ready", "not_ready", not "busy""#)
        XCTAssertEqual(refusal("agent.state", [:], as: agentA1)?.message, "field 'state' is missing: expected a non-empty string")
        XCTAssertEqual(refusal("agent.state", ["state": "ready", "reason": 4], as: agentA1)?.message,
                       "field 'reason' must be a non-empty string, not a number")
    }

    /// An agent session acts for its own agent; naming another agent is forbidden.
    func testAgentSessionCannotActForAnotherAgent() throws {
        XCTAssertEqual(try decode("agent.login", ["seat": "801"], as: agentA1), .input(.agentLogin(agent: "a1", seat: "801")))
        XCTAssertEqual(try decode("agent.logout", ["agent": "a1"], as: agentA1), .input(.agentLogout(agent: "a1")))

        let other = try XCTUnwrap(refusal("agent.state", ["agent": "a2", "state": "ready"], as: agentA1))
        XCTAssertEqual(other.code, .forbidden)
        XCTAssertEqual(other.message, "this session is agent 'a1'; it cannot act for agent 'a2'")
        XCTAssertEqual(refusal("agent.logout", ["agent": "a2"], as: agentA1)?.code, .forbidden)

        // The seat of a login is an id like agent.upsert's: it goes to the PBX in `route`.
        XCTAssertEqual(refusal("agent.login", ["seat": "a\u{1}\nb"], as: agentA1)?.message,
                       #"field 'seat' must be 1 to 64 characters without spaces or control characters, not "a\u0001\nb""#)
        XCTAssertEqual(refusal("agent.login", ["seat": "s t"], as: agentA1)?.code, .badRequest)
        XCTAssertEqual(refusal("agent.login", ["seat": .string(String(repeating: "8", count: 65))], as: agentA1)?.code, .badRequest)
        let unbound = try XCTUnwrap(refusal("agent.login", [:], as: SessionContext(role: .agent, agent: nil)))
        XCTAssertEqual(unbound.code, .unauthenticated)
    }

    /// An admin acting on agents must name the agent.
    func testAdminMustNameTheAgent() throws {
        XCTAssertEqual(refusal("agent.state", ["state": "ready"], as: admin)?.message, "field 'agent' is missing: expected a non-empty string")
        XCTAssertEqual(try decode("agent.state", ["agent": "a3", "state": "ready"], as: admin),
                       .input(.agentSetState(agent: "a3", state: .ready, reason: nil)))
    }

    // MARK: - Supervisor ops

    /// subscribe needs a non-empty list of known topics, and drops duplicates.
    func testSubscribeTopics() throws {
        XCTAssertEqual(try decode("subscribe", ["topics": ["calls", "agents", "calls"]], as: supervisor), .subscribe([.calls, .agents]))
        XCTAssertTrue(refusal("subscribe", ["topics": []], as: supervisor)?.message.hasPrefix("field 'topics' must be a non-empty array") ?? false)
        let unknown = try XCTUnwrap(refusal("subscribe", ["topics": ["weather"]], as: supervisor))
        XCTAssertEqual(unknown.code, .badRequest)
        XCTAssertTrue(unknown.message.hasPrefix(#"unknown topic "weather": topics are calls, agents, queues"#), unknown.message)
    }

    /// Supervisor queries decode to their queries.
    func testSupervisorQueries() throws {
        XCTAssertEqual(try decode("stats", ["queue": "billing"], as: supervisor), .query(.stats("billing")))
        XCTAssertEqual(try decode("call.get", ["call": "c9"], as: supervisor), .query(.callGet("c9")))
        XCTAssertEqual(try decode("agent.list", as: supervisor), .query(.agentList))
        XCTAssertEqual(refusal("call.get", [:], as: supervisor)?.message, "field 'call' is missing: expected a non-empty string")
    }

    // MARK: - Admin ops

    /// queue.upsert decodes durations, skills and max_wait (null or 0 clears it).
    func testQueueUpsertDecodes() throws {
        let command = try decode("queue.upsert", ["queue": "billing", "skills": ["billing": 3], "strategy": "longest_idle",
                                                  "wrap_up": 15, "ring_timeout": 12.5, "max_wait": 300, "service_level": 30], as: admin)
        XCTAssertEqual(command, .upsertQueue(QueuePatch(queue: "billing", skills: ["billing": 3], strategy: .longestIdle, wrapUp: 15,
                                                        ringTimeout: 12.5, maxWait: .some(300), serviceLevel: 30)))
        for clear: JSONValue in [nil, 0] {
            guard case let .upsertQueue(patch) = try decode("queue.upsert", ["queue": "q", "max_wait": clear], as: admin) else {
                return XCTFail("not a queue upsert")
            }
            XCTAssertEqual(patch.maxWait, .some(nil), "max_wait \(clear) clears the limit")
        }
        guard case let .upsertQueue(untouched) = try decode("queue.upsert", ["queue": "q"], as: admin) else { return XCTFail() }
        XCTAssertEqual(untouched.maxWait, .none, "absent max_wait keeps the stored value")
        XCTAssertEqual(untouched.maxWaitNoAgent, .none, "absent max_wait_no_agent keeps the stored value")
    }

    /// max_wait_no_agent: a number sets it (0 is kept: at once), null clears it.
    func testQueueUpsertMaxWaitNoAgent() throws {
        for (value, expected): (JSONValue, Double??) in [(60, .some(60)), (0, .some(0)), (nil, .some(nil))] {
            guard case let .upsertQueue(patch) = try decode("queue.upsert", ["queue": "q", "max_wait_no_agent": value], as: admin) else {
                return XCTFail("not a queue upsert")
            }
            XCTAssertEqual(patch.maxWaitNoAgent, expected, "\(value)")
        }
        let stored = QueueConfig(id: "q", maxWaitNoAgent: 60)
        var clear = QueuePatch(queue: "q")
        clear.maxWaitNoAgent = .some(nil)
        XCTAssertNil(clear.applied(to: stored).maxWaitNoAgent)
        XCTAssertEqual(QueuePatch(queue: "q").applied(to: stored).maxWaitNoAgent, 60)
    }

    /// queue.upsert with bad values is bad_request naming the field.
    func testQueueUpsertBadFields() throws {
        let table: [([String: JSONValue], String, UInt)] = [
            ([:], "field 'queue' is missing: expected a non-empty string", #line),
            (["queue": "q", "wrap_up": "ten"], "field 'wrap_up' must be a number, not a string", #line),
            (["queue": "q", "wrap_up": -1], "field 'wrap_up' must be seconds ≥ 0, not -1", #line),
            (["queue": "q", "ring_timeout": 0], "field 'ring_timeout' must be at least 0.001 seconds, not 0", #line),
            (["queue": "q", "ring_timeout": 1e-9], "field 'ring_timeout' must be at least 0.001 seconds, not 1e-09", #line),
            (["queue": "q", "ring_timeout": 1e300], "field 'ring_timeout' must be seconds from 0 to 86400 (one day), not 1e+300", #line),
            (["queue": "q", "max_wait": 86_400.5], "field 'max_wait' must be seconds from 0 to 86400 (one day), not 86400.5", #line),
            (["queue": "q", "max_wait_no_agent": -5], "field 'max_wait_no_agent' must be seconds ≥ 0, not -5", #line),
            (["queue": "q", "max_wait_no_agent": "soon"], "field 'max_wait_no_agent' must be a number, not a string", #line),
            (["queue": "q", "overflow": [["after": 1e16, "add_queue": "general"]]],
             "field 'overflow[0].after' must be seconds from 0 to 86400 (one day), not 1e+16", #line),
            (["queue": "q", "max_attempts": 1.5], "field 'max_attempts' must be a whole number, not 1.5", #line),
            (["queue": "q", "skills": ["billing": 0]], "field 'skills.billing' must be a whole number from 1 to 10, not 0", #line),
            (["queue": "q", "skills": ["billing"]], #"field 'skills' must be an object of skill → level, like {"billing": 5}, not an array"#, #line),
            (["queue": "q", "service_level": true], "field 'service_level' must be a number, not a boolean", #line),
        ]
        for (fields, message, line) in table {
            let error = refusal("queue.upsert", fields, as: admin, line: line)
            XCTAssertEqual(error?.code, .badRequest, line: line)
            XCTAssertEqual(error?.message, message, line: line)
        }
        let strategy = try XCTUnwrap(refusal("queue.upsert", ["queue": "q", "strategy": "fastest"], as: admin))
        XCTAssertEqual(strategy.code, .badRequest)
        XCTAssertTrue(strategy.message.hasPrefix(#"field 'strategy' must be one of "longest_idle""#), strategy.message)
        XCTAssertTrue(strategy.message.hasSuffix(#"not "fastest""#), strategy.message)
    }

    /// agent.upsert decodes skills, languages and rotate_token.
    func testAgentUpsertDecodes() throws {
        let command = try decode("agent.upsert", ["agent": "a1", "name": "Li Na", "seat": "801", "skills": ["billing": 10, "zh": 1],
                                                  "languages": ["zh", "yue"], "rotate_token": true], as: admin)
        XCTAssertEqual(command, .upsertAgent(AgentPatch(agent: "a1", name: "Li Na", seat: "801", skills: ["billing": 10, "zh": 1],
                                                        languages: ["zh", "yue"]), rotateToken: true))
    }

    /// agent.upsert with a skill level of 11 (or a fraction, or a bad language) is bad_request naming the field.
    func testAgentUpsertBadFields() throws {
        let table: [([String: JSONValue], String, UInt)] = [
            (["agent": "a1", "skills": ["billing": 11]], "field 'skills.billing' must be a whole number from 1 to 10, not 11", #line),
            (["agent": "a1", "skills": ["billing": 2.5]], "field 'skills.billing' must be a whole number from 1 to 10, not 2.5", #line),
            (["agent": "a1", "skills": ["billing": "high"]], #"field 'skills.billing' must be a whole number from 1 to 10, not "high""#, #line),
            (["agent": "a1", "skills": ["": 3]], "field 'skills' has an empty skill name", #line),
            (["agent": "a1", "languages": "zh"], "field 'languages' must be an array of strings, not a string", #line),
            (["agent": "a1", "languages": ["zh", 5]], "field 'languages[1]' must be a non-empty string, not a number", #line),
            (["agent": "a1", "rotate_token": "yes"], "field 'rotate_token' must be true or false, not a string", #line),
            (["seat": "801"], "field 'agent' is missing: expected a non-empty string", #line),
            // Ids appear in tables, logs, CSV and tail lines: no spaces, at most 64 characters; names at most 200.
            (["agent": "a 53", "seat": "801"], #"field 'agent' must be 1 to 64 characters without spaces or control characters, not "a 53""#, #line),
            (["agent": "a1", "seat": "80\t1"], #"field 'seat' must be 1 to 64 characters without spaces or control characters, not "80\t1""#, #line),
            (["agent": .string(String(repeating: "a", count: 65)), "seat": "801"],
             "field 'agent' must be 1 to 64 characters without spaces or control characters, not \"\(String(repeating: "a", count: 65))\"", #line),
            (["agent": "a1", "skills": ["bil ling": 3]],
             #"field 'skills' has the skill name "bil ling": skill names are 1 to 64 characters without spaces or control characters"#, #line),
            (["agent": "a1", "name": .string(String(repeating: "名", count: 201))],
             "field 'name' must be a name of at most 200 characters without control characters", #line),
        ]
        for (fields, message, line) in table {
            let error = refusal("agent.upsert", fields, as: admin, line: line)
            XCTAssertEqual(error?.code, .badRequest, line: line)
            XCTAssertEqual(error?.message, message, line: line)
        }
    }
}
