import CallCenterClient
import Foundation
import XCTest

/// The screen pop, the privacy rule, the audit log and call registration, as
/// the PBX, agents and supervisors see them through the socket.
final class ArchivePrivacyTests: XCTestCase {
    var daemon: DaemonProcess!
    var tokens: [String: String] = [:]

    override func setUpWithError() throws {
        daemon = try DaemonProcess(config: "[queues.general]\nwrap_up = 0\n")
        try daemon.start()
        let admin = try daemon.session("admin")
        for (agent, seat) in [("a1", "201"), ("a2", "202")] {
            tokens[agent] = try XCTUnwrap(admin.call("agent.upsert", ["agent": agent, "seat": seat])["token"] as? String)
        }
        _ = try admin.call("customer.upsert", ["customer": [
            "id": "C001", "name": "张经理", "company": "某科技有限公司", "phones": ["13800001111"], "language": "zh",
            "r_score": 90, "f_score": 85, "m_score": 88, "custom_score": 95,
        ]])
        let c002 = try admin.call("customer.upsert", ["customer": [
            "id": "C002", "name": "王总", "company": "某制造集团", "phones": ["139 0000 2222"], "account_manager": "a2",
            "r_score": 60, "f_score": 70, "m_score": 65, "custom_score": 80,
        ]])
        XCTAssertEqual(c002["created"] as? Bool, true)
        XCTAssertEqual((c002["customer"] as? [String: Any])?["tier"] as? String, "risk")
    }

    override func tearDown() {
        daemon.stop()
        daemon = nil
    }

    func agent(_ id: String) throws -> CallCenterConnection {
        try daemon.session("agent", agent: id, token: tokens[id])
    }

    /// The agent a call is routed to gets the caller's summary with call.assigned, and may read that caller's record.
    func testScreenPopAndTheRecordOfTheCall() throws {
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        let offer = try pbx.call("call.offer", ["call": "p1", "from": "+86 138-0000-1111", "to": "4008001234"])
        XCTAssertEqual((offer["customer"] as? [String: Any])?["id"] as? String, "C001")

        let pop = try a1.event(named: "call.assigned")
        XCTAssertEqual(pop["call"] as? String, "p1")
        let customer = try XCTUnwrap(pop["customer"] as? [String: Any])
        XCTAssertEqual(customer["id"] as? String, "C001")
        XCTAssertEqual(customer["name"] as? String, "张经理")
        XCTAssertEqual(customer["company"] as? String, "某科技有限公司")
        XCTAssertEqual(customer["tier"] as? String, "high_value")
        XCTAssertEqual(customer["open_complaints"] as? Int, 0)
        XCTAssertEqual(pop["flags"] as? [String], [])

        let record = try a1.call("caller.profile", ["call": "p1"])
        XCTAssertEqual(record["id"] as? String, "C001")
        XCTAssertEqual((record["scores"] as? [String: Any])?["composite"] as? Double, 89.5)
        XCTAssertEqual((record["interactions"] as? [[String: Any]])?.first?["call"] as? String, "p1")
        // Reading by number works too while the call is the agent's.
        XCTAssertEqual(try a1.call("caller.profile", ["number": "13800001111"])["id"] as? String, "C001")
    }

    /// An agent reads only its calls' and its own customers' records; supervisors read any; every read is audited.
    func testPrivacyRuleAndAuditLog() throws {
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "p1", "from": "13800001111", "to": "4008001234"])
        _ = try a1.event(named: "call.assigned")
        _ = try a1.call("caller.profile", ["call": "p1"])

        XCTAssertEqual(a1.failure("caller.profile", ["customer": "C002"])?.code, "forbidden")
        XCTAssertEqual(a1.failure("caller.profile", ["number": "13900002222"])?.code, "forbidden")
        let a2 = try agent("a2")
        XCTAssertEqual(try a2.call("caller.profile", ["customer": "C002"])["id"] as? String, "C002")  // a2 manages C002
        XCTAssertEqual(a2.failure("caller.profile", ["call": "p1"])?.code, "forbidden")
        // A call that does not exist is refused the same way: an agent cannot probe for call ids.
        let unknown = a2.failure("caller.profile", ["call": "no-such-call"])
        XCTAssertEqual(unknown?.code, "forbidden")
        XCTAssertEqual(unknown?.message, a2.failure("caller.profile", ["call": "p1"])?.message.replacingOccurrences(of: "'p1'", with: "'no-such-call'"))
        XCTAssertEqual(a2.failure("caller.profile", ["customer": "C001"])?.code, "forbidden")
        XCTAssertEqual(a2.failure("audit.list", [:])?.code, "forbidden")
        XCTAssertEqual(pbx.failure("caller.profile", ["customer": "C001"])?.code, "forbidden")
        let supervisor = try daemon.session("supervisor")
        XCTAssertEqual(try supervisor.call("caller.profile", ["customer": "C002"])["id"] as? String, "C002")

        let entries = try XCTUnwrap(supervisor.call("audit.list", [:])["entries"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["customer"] as? String }, ["C002", "C002", "C001"])
        XCTAssertEqual(entries.map { $0["role"] as? String }, ["supervisor", "agent", "agent"])
        XCTAssertEqual(entries[1]["agent"] as? String, "a2")
        XCTAssertEqual(entries[2]["agent"] as? String, "a1")
        XCTAssertEqual(entries[2]["call"] as? String, "p1")
        XCTAssertNotNil(entries[2]["at"] as? String)
        let byA1 = try XCTUnwrap(supervisor.call("audit.list", ["agent": "a1"])["entries"] as? [[String: Any]])
        XCTAssertEqual(byA1.count, 1)
        XCTAssertEqual((try supervisor.call("audit.list", ["customer": "C002", "limit": 1])["entries"] as? [Any])?.count, 1)
        let audited = try runCommand(DaemonProcess.callctlBinary, ["audit", "--customer", "C001", "--socket", daemon.socketPath])
        let line = audited.stdout.split(separator: "\n").first { $0.contains(" p1 ") }
        XCTAssertEqual(line?.split(separator: " ").dropFirst().map(String.init), ["agent", "a1", "C001", "p1", "profile", "-"], audited.stdout)
    }

    /// Call p1 from `number`, routed to a1 (logged in, ready), answered and hung up;
    /// a1's session and the PBX's.
    func callServedByA1(from number: String) throws -> (agent: CallCenterConnection, pbx: CallCenterConnection) {
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "p1", "from": number, "to": "4008001234"])
        _ = try a1.event(named: "call.assigned")
        _ = try pbx.call("call.answered", ["call": "p1", "agent": "a1"])
        _ = try pbx.call("call.hangup", ["call": "p1", "by": "caller"])
        return (a1, pbx)
    }

    /// Registration: into the interaction history and the call log; harassment flags the number for later calls.
    func testRegistrationFlagsTheNumber() throws {
        let (a1, pbx) = try callServedByA1(from: "138 0000 1111")

        XCTAssertEqual(try agent("a2").failure("call.register", ["call": "p1", "category": "sales", "summary": "x"])?.code, "forbidden")
        XCTAssertEqual(a1.failure("call.register", ["call": "p1", "category": "gossip", "summary": "x"])?.code, "bad_request")
        let registered = try a1.call("call.register", ["call": "p1", "category": "harassment", "summary": "abusive language, third time"])
        XCTAssertEqual((registered["flagged"] as? [String: Any])?["number"] as? String, "+8613800001111")

        let next = try pbx.call("call.offer", ["call": "p2", "from": "13800001111", "to": "4008001234"])
        XCTAssertEqual(next["flags"] as? [String], ["harassment"])
        XCTAssertEqual((next["customer"] as? [String: Any])?["flags"] as? [String], ["harassment"])

        let supervisor = try daemon.session("supervisor")
        let logged = try supervisor.call("call.get", ["call": "p1"])
        XCTAssertEqual(logged["category"] as? String, "harassment")
        XCTAssertEqual(logged["summary"] as? String, "abusive language, third time")
        let record = try supervisor.call("caller.profile", ["customer": "C001"])
        XCTAssertEqual(record["flags"] as? [String], ["harassment"])
        let history = try XCTUnwrap(record["interactions"] as? [[String: Any]])
        XCTAssertEqual(history.map { $0["call"] as? String }, ["p2", "p1"])
        XCTAssertEqual(history[1]["category"] as? String, "harassment")
        XCTAssertEqual(history[1]["agent"] as? String, "a1")
        XCTAssertEqual(history[1]["outcome"] as? String, "completed")

        // Logs show the number masked.
        XCTAssertTrue(daemon.log.contains("138****1111"), daemon.log)
        XCTAssertFalse(daemon.log.contains("13800001111"), daemon.log)
    }

    /// A supervisor clears a flag set by mistake: later calls from the number carry
    /// no flag, and the number's history says who set it and who cleared it, why.
    func testSupervisorClearsAFlag() throws {
        let (a1, _) = try callServedByA1(from: "13900002222")
        _ = try a1.call("call.register", ["call": "p1", "category": "threat", "summary": "shouted"])

        let supervisor = try daemon.session("supervisor")
        XCTAssertEqual(a1.failure("number.unflag", ["number": "13900002222", "reason": "x"])?.code, "forbidden")
        XCTAssertEqual(supervisor.failure("number.unflag", ["number": "13900002222"])?.code, "bad_request", "a reason is required")
        XCTAssertEqual(supervisor.failure("number.unflag", ["number": "13900002222", "flag": "rude", "reason": "x"])?.code, "bad_request")
        XCTAssertEqual(supervisor.failure("number.unflag", ["number": "not a number", "reason": "x"])?.code, "bad_request")
        let notFlagged = supervisor.failure("number.unflag", ["number": "139 0000 2222", "flag": "harassment", "reason": "x"])
        XCTAssertEqual(notFlagged?.code, "not_found")
        XCTAssertEqual(notFlagged?.message, "the number +8613900002222 has no harassment flag to clear")

        let cleared = try supervisor.call("number.unflag", ["number": "+86 139-0000-2222", "reason": "it was the TV, not the caller"])
        XCTAssertEqual(cleared["number"] as? String, "+8613900002222")
        let flag = try XCTUnwrap((cleared["cleared"] as? [[String: Any]])?.first)
        XCTAssertEqual(flag["flag"] as? String, "threat")
        XCTAssertEqual(flag["by"] as? String, "agent:a1")
        XCTAssertEqual((flag["cleared"] as? [String: Any])?["reason"] as? String, "it was the TV, not the caller")
        XCTAssertEqual(supervisor.failure("number.unflag", ["number": "13900002222", "reason": "again"])?.code, "not_found")

        daemon.crash()  // kill -9: the acknowledged clearing is committed
        try daemon.start()
        let pbx2 = try daemon.session("pbx")
        let next = try pbx2.call("call.offer", ["call": "p2", "from": "13900002222", "to": "4008001234"])
        XCTAssertEqual(next["flags"] as? [String], [])
        let history = try daemon.session("supervisor").call("number.flags", ["number": "13900002222"])
        let flags = try XCTUnwrap(history["flags"] as? [[String: Any]])
        XCTAssertEqual(flags.count, 1)
        XCTAssertEqual(flags[0]["reason"] as? String, "shouted")
        XCTAssertNotNil((flags[0]["cleared"] as? [String: Any])?["at"] as? String)

        let record = try daemon.session("supervisor").call("caller.profile", ["number": "13900002222"])
        XCTAssertEqual(record["flags"] as? [String], [], "C002 is marked no more")
        XCTAssertEqual((record["flag_log"] as? [[String: Any]])?.count, 1, "the record's flag log keeps the cleared flag")

        let listed = try runCommand(DaemonProcess.callctlBinary, ["number", "flags", "13900002222", "--socket", daemon.socketPath])
        XCTAssertTrue(listed.stdout.contains("threat") && listed.stdout.contains("it was the TV"), listed.stdout)
    }

    /// Registering a call again replaces its registration and the flag it set: no
    /// second flag for the same category, and another category clears this call's
    /// flag (never one another call set).
    func testRegisteringAgainReplacesTheFlagOfThatCall() throws {
        let (a1, pbx) = try callServedByA1(from: "13900002222")
        _ = try a1.call("call.register", ["call": "p1", "category": "threat", "summary": "shouted"])
        _ = try a1.call("call.register", ["call": "p1", "category": "threat", "summary": "shouted, and hung up"])
        let supervisor = try daemon.session("supervisor")
        func flags() throws -> [[String: Any]] { try XCTUnwrap(supervisor.call("number.flags", ["number": "13900002222"])["flags"] as? [[String: Any]]) }
        XCTAssertEqual(try flags().count, 1, "the same registration again: one flag")

        _ = try pbx.call("call.offer", ["call": "p2", "from": "13900002222", "to": "4008001234"])
        _ = try daemon.session("admin").call("call.register", ["call": "p2", "category": "threat", "summary": "again"])
        let replaced = try a1.call("call.register", ["call": "p1", "category": "inquiry", "summary": "it was the TV"])
        XCTAssertTrue(replaced["flagged"] is NSNull)
        let now = try flags()
        XCTAssertEqual(now.count, 2)
        XCTAssertEqual(now.map { $0["call"] as? String }, ["p2", "p1"])
        XCTAssertNil(now[0]["cleared"] as? [String: Any], "p2's flag stays")
        XCTAssertEqual((now[1]["cleared"] as? [String: Any])?["reason"] as? String, "call p1 registered again as inquiry")
        let next = try pbx.call("call.offer", ["call": "p3", "from": "13900002222", "to": "4008001234"])
        XCTAssertEqual(next["flags"] as? [String], ["threat"])
    }

    /// A call from a number no record held, whose record was created during the call:
    /// its registration goes into that customer's history.
    func testRegistrationReachesARecordCreatedDuringTheCall() throws {
        let (a1, _) = try callServedByA1(from: "13700003333")
        _ = try daemon.session("admin").call("customer.upsert", ["customer": ["id": "C077", "name": "New", "phones": ["137 0000 3333"]]])
        let registered = try a1.call("call.register", ["call": "p1", "category": "sales", "summary": "wants a quote"])
        XCTAssertEqual(registered["customer"] as? String, "C077")
        let record = try daemon.session("supervisor").call("caller.profile", ["customer": "C077"])
        let history = try XCTUnwrap(record["interactions"] as? [[String: Any]])
        XCTAssertEqual(history.map { $0["call"] as? String }, ["p1"])
        XCTAssertEqual(history.first?["category"] as? String, "sales")
    }

    /// While wrapping up a call the agent still reads its caller's record, by call, number or id.
    func testWrapUpKeepsAccessToTheCaller() throws {
        _ = try daemon.session("admin").call("queue.upsert", ["queue": "care", "wrap_up": 60])
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "w1", "from": "13800001111", "to": "4008001234", "queue": "care"])
        _ = try a1.event(named: "call.assigned")
        _ = try pbx.call("call.answered", ["call": "w1", "agent": "a1"])
        _ = try pbx.call("call.hangup", ["call": "w1", "by": "caller"])
        let state = try XCTUnwrap((daemon.session("supervisor").call("agent.list")["agents"] as? [[String: Any]])?.first { $0["agent"] as? String == "a1" })
        XCTAssertEqual(state["state"] as? String, "wrap_up")
        XCTAssertEqual(try a1.call("caller.profile", ["call": "w1"])["id"] as? String, "C001")
        XCTAssertEqual(try a1.call("caller.profile", ["number": "138 0000 1111"])["id"] as? String, "C001")
        XCTAssertEqual(try a1.call("caller.profile", ["customer": "C001"])["id"] as? String, "C001")
        XCTAssertEqual(a1.failure("caller.profile", ["customer": "C002"])?.code, "forbidden")
    }

    /// A caller unknown at the offer whose record the agent creates during the call:
    /// the call now leads to that record (by call and by number).
    func testRecordCreatedDuringTheCall() throws {
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        let offer = try pbx.call("call.offer", ["call": "n1", "from": "13600000077", "to": "4008001234"])
        XCTAssertTrue(offer["customer"] is NSNull)
        _ = try a1.event(named: "call.assigned")
        XCTAssertEqual(a1.failure("caller.profile", ["call": "n1"])?.message, "call 'n1' is from a number that matches no customer in the archive")
        _ = try daemon.session("admin").call("customer.upsert", ["customer": ["id": "C077", "name": "新客户", "phones": ["13600000077"]]])
        XCTAssertEqual(try a1.call("caller.profile", ["call": "n1"])["id"] as? String, "C077")
        XCTAssertEqual(try a1.call("caller.profile", ["number": "136 0000 0077"])["id"] as? String, "C077")
        XCTAssertEqual(try daemon.session("supervisor").call("caller.profile", ["call": "n1"])["id"] as? String, "C077")
    }

    /// A refused agent learns nothing of the record: not its id, not whether there is one.
    func testRefusalRevealsNothing() throws {
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "u1", "from": "13700003333", "to": "4008001234"])  // nobody's number
        _ = try a1.event(named: "call.assigned")
        let a2 = try agent("a2")
        let known = try XCTUnwrap(a2.failure("caller.profile", ["number": "13800001111"]))
        let unknown = try XCTUnwrap(a2.failure("caller.profile", ["number": "13500004444"]))
        let otherCall = try XCTUnwrap(a2.failure("caller.profile", ["call": "u1"]))
        let noSuchID = try XCTUnwrap(a2.failure("caller.profile", ["customer": "C999"]))
        for refusal in [known, unknown, otherCall, noSuchID] {
            XCTAssertEqual(refusal.code, "forbidden")
            XCTAssertFalse(refusal.message.contains("C001"), refusal.message)
        }
        XCTAssertEqual(known.message, "agent 'a2' may read only the record of a call assigned to it or of a customer it manages; the number +8613800001111 is neither")
        XCTAssertEqual(unknown.message, "agent 'a2' may read only the record of a call assigned to it or of a customer it manages; the number +8613500004444 is neither")
        // A supervisor is told what is there.
        XCTAssertEqual(try daemon.session("supervisor").failure("caller.profile", ["number": "13500004444"])?.code, "not_found")
    }

    /// A customer's open complaints are counted in the screen pop of its next call and in its record.
    func testOpenComplaintsInTheScreenPop() throws {
        let a1 = try agent("a1")
        _ = try a1.call("agent.login", [:])
        _ = try a1.call("agent.state", ["state": "ready"])
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "q1", "from": "13800001111", "to": "4008001234"])
        _ = try a1.event(named: "call.assigned")
        _ = try pbx.call("call.answered", ["call": "q1", "agent": "a1"])
        _ = try a1.call("complaint.open", ["call": "q1", "summary": "billed twice"])
        let next = try pbx.call("call.offer", ["call": "q2", "from": "+86 138 0000 1111", "to": "4008001234"])
        XCTAssertEqual((next["customer"] as? [String: Any])?["open_complaints"] as? Int, 1)
        XCTAssertEqual(try daemon.session("supervisor").call("caller.profile", ["customer": "C001"])["open_complaints"] as? Int, 1)
    }

    /// The archive survives a restart, and the journal keeps what the offer's lookup found.
    func testArchiveSurvivesRestart() throws {
        let pbx = try daemon.session("pbx")
        _ = try pbx.call("call.offer", ["call": "r1", "from": "13900002222", "to": "4008001234"])
        pbx.close()
        daemon.crash()
        try daemon.start()
        let offer = try daemon.session("pbx").call("call.offer", ["call": "r2", "from": "+8613900002222", "to": "4008001234"])
        XCTAssertEqual((offer["customer"] as? [String: Any])?["tier"] as? String, "risk")
        let call = try daemon.session("supervisor").call("call.get", ["call": "r1"])
        XCTAssertEqual((call["customer"] as? [String: Any])?["id"] as? String, "C002")
    }
}
