import CallCenterArchive
import CallCenterCore
import CallCenterWire
import XCTest

/// Decoding of the customer-archive ops: roles first, then fields, errors naming the field (and the row).
final class ArchiveCommandTests: XCTestCase {
    private let pbx = SessionContext(role: .pbx, agent: nil)
    private let agent = SessionContext(role: .agent, agent: "a1")
    private let supervisor = SessionContext(role: .supervisor, agent: nil)
    private let admin = SessionContext(role: .admin, agent: nil)

    private func decode(_ op: String, _ fields: [String: JSONValue], as session: SessionContext) throws -> Command {
        try Command.decode(Request(id: 1, op: op, fields: fields), session: session)
    }

    private func error(_ op: String, _ fields: [String: JSONValue], as session: SessionContext) -> WireError? {
        do {
            _ = try decode(op, fields, as: session)
            return nil
        } catch {
            return error as? WireError
        }
    }

    /// Who may call what: profiles for agents, supervisors and admins; registration for agents; writes for admins.
    func testRoles() {
        XCTAssertEqual(error("caller.profile", ["customer": "C001"], as: pbx)?.code, .forbidden)
        XCTAssertNil(error("caller.profile", ["customer": "C001"], as: agent))
        XCTAssertNil(error("caller.profile", ["customer": "C001"], as: supervisor))
        XCTAssertEqual(error("call.register", ["call": "c1", "category": "sales", "summary": "s"], as: supervisor)?.code, .forbidden)
        XCTAssertEqual(error("audit.list", [:], as: agent)?.code, .forbidden)
        XCTAssertEqual(error("customer.upsert", ["customer": ["id": "C1", "name": "N"]], as: supervisor)?.code, .forbidden)
        XCTAssertEqual(error("customer.import", ["rows": []], as: agent)?.code, .forbidden)
        XCTAssertTrue(Operation.callerProfile.changesState, "a profile read journals its audit entry")
        XCTAssertFalse(Operation.auditList.changesState)
    }

    /// caller.profile takes exactly one key.
    func testProfileKeys() throws {
        XCTAssertEqual(try decode("caller.profile", ["number": "138 0000 1111"], as: agent), .archive(.profile(.number("138 0000 1111"))))
        XCTAssertEqual(try decode("caller.profile", ["call": "c1"], as: agent), .archive(.profile(.call("c1"))))
        XCTAssertEqual(error("caller.profile", [:], as: agent)?.message, "caller.profile needs exactly one of 'call', 'number' or 'customer'")
        XCTAssertEqual(error("caller.profile", ["call": "c1", "customer": "C1"], as: agent)?.code, .badRequest)
    }

    /// call.register checks the category and the summary.
    func testRegister() throws {
        XCTAssertEqual(try decode("call.register", ["call": "c1", "category": "wrong_number", "summary": "asked for a taxi"], as: agent),
                       .archive(.register(call: "c1", category: .wrongNumber, summary: "asked for a taxi")))
        XCTAssertTrue(error("call.register", ["call": "c1", "category": "spam", "summary": "x"], as: agent)?.message
            .hasPrefix("field 'category' must be one of \"inquiry\"") ?? false)
        XCTAssertEqual(error("call.register", ["call": "c1", "category": "sales"], as: agent)?.message,
                       "field 'summary' is missing: expected a non-empty string")
    }

    /// customer.upsert reads the record's fields; errors name `customer.<field>`.
    func testUpsert() throws {
        let command = try decode("customer.upsert", ["customer": [
            "id": "C001", "name": "张经理", "phones": ["13800001111", "010-12345678"], "r_score": 90, "tier": nil, "birthday": "1980-02-29",
        ]], as: admin)
        guard case let .archive(.upsertCustomer(patch)) = command else { return XCTFail("\(command)") }
        XCTAssertEqual(patch.id, "C001")
        XCTAssertEqual(patch.values[.rScore], .some(.number(90)))
        XCTAssertEqual(patch.values[.phones], .some(.list(["13800001111", "010-12345678"])))
        XCTAssertEqual(patch.values[.tier], .some(nil))
        XCTAssertEqual(error("customer.upsert", ["customer": ["id": "C1", "colour": "red"]], as: admin)?.message.hasPrefix(
            "field 'customer.colour' is not a customer field"), true)
        XCTAssertEqual(error("customer.upsert", ["customer": ["id": "C1", "r_score": 101]], as: admin)?.message,
                       "field 'customer.r_score': expected a score from 0 to 100, got 101")
        XCTAssertEqual(error("customer.upsert", ["customer": ["name": "X"]], as: admin)?.message,
                       "field 'customer.id': is missing: every customer needs its archive id, like \"C001\"")
        XCTAssertEqual(error("customer.upsert", ["id": "C1"], as: admin)?.code, .badRequest)
    }

    /// customer.import rows carry their row numbers into errors.
    func testImportRows() throws {
        let command = try decode("customer.import", ["rows": [["row": 2, "id": "C1", "name": "A"], ["id": "C2", "name": "B"]], "more": true], as: admin)
        guard case let .archive(.importCustomers(patches, more)) = command else { return XCTFail("\(command)") }
        XCTAssertTrue(more)
        XCTAssertEqual(patches.map(\.row), [2, 3])
        XCTAssertEqual(error("customer.import", ["rows": [["row": 7, "id": "C1", "last_cooperation": "yesterday"]]], as: admin)?.message,
                       "row 7, field 'last_cooperation': expected a date like 2023-10-15, got \"yesterday\"")
    }

    /// Limits and dates of the paged ops.
    func testPagedOps() throws {
        XCTAssertEqual(try decode("audit.list", ["agent": "a7"], as: supervisor), .archive(.auditList(customer: nil, agent: "a7", limit: 100)))
        XCTAssertEqual(error("audit.list", ["limit": 0], as: supervisor)?.message, "field 'limit' must be from 1 to 10000, not 0")
        XCTAssertEqual(try decode("customer.regrade", ["as_of": "2023-11-20"], as: admin),
                       .archive(.regrade(after: nil, limit: 1000, asOf: CalendarDate("2023-11-20"))))
        XCTAssertEqual(error("customer.cooperation", ["customer": "C1", "date": "2023-11-20", "amount": -1], as: admin)?.code, .badRequest)
    }

    /// call.offer carries the caller the connection looked up, never one from the request's fields.
    func testOfferCarriesTheLookedUpCaller() throws {
        var request = Request(id: 1, op: "call.offer", fields: ["call": "c1", "from": "13800001111", "caller": ["customer": "FORGED"]])
        guard case let .input(.offerCall(_, _, _, _, _, none)) = try Command.decode(request, session: pbx) else { return XCTFail() }
        XCTAssertNil(none)
        request.caller = CallerInfo(customer: "C001", tier: .highValue)
        guard case let .input(.offerCall(_, _, _, _, _, caller)) = try Command.decode(request, session: pbx) else { return XCTFail() }
        XCTAssertEqual(caller?.customer, "C001")
    }
}
