import CallCenterArchive
import CallCenterCore
import CallCenterStore
import XCTest

/// The customer archive in the store: import, lookups, profile, flags, audit, export.
final class ArchiveStoreTests: XCTestCase {
    var store: CallCenterStore!

    override func setUpWithError() throws {
        store = try CallCenterStore()
    }

    static func patch(_ id: String, _ fields: [CustomerField: String], row: Int? = nil) throws -> CustomerPatch {
        try CustomerPatch.read([(.id, .text(id))] + fields.map { ($0.key, FieldInput.text($0.value)) }, row: row)
    }

    /// Seed 004's two rows, with phone numbers and scores.
    func importSeed() throws {
        try store.importCustomers([
            Self.patch("C001", [.company: "某科技有限公司", .phones: "13800001111;010-12345678", .rScore: "90", .fScore: "85", .mScore: "88",
                                .customScore: "95", .accountManager: "a7", .language: "zh"], row: 2),
            Self.patch("C002", [.company: "某制造集团", .phones: "+86 139-0000-2222", .rScore: "60", .fScore: "70", .mScore: "65",
                                .customScore: "80", .lastCooperation: "2023-08-20", .amount: "80"], row: 3),
        ], at: Fixture.at(0))
    }

    /// Every spelling of a customer's numbers finds the customer, with its graded tier.
    func testLookupByEverySpelling() throws {
        try importSeed()
        for spelling in ["13800001111", "+86 138-0000-1111", "008613800001111", "138 0000 1111", "010-12345678", "+861012345678", "01012345678"] {
            let number = try XCTUnwrap(PhoneNumber(spelling), spelling)
            let info = try XCTUnwrap(store.callerInfo(number: number.e164), spelling)
            XCTAssertEqual(info.customer, "C001")
            XCTAssertEqual(info.name, "某科技有限公司")
            XCTAssertEqual(info.tier, .highValue)
            XCTAssertEqual(info.accountManager, "a7")
            XCTAssertEqual(info.language, "zh")
            XCTAssertEqual(info.flags, [])
        }
        XCTAssertEqual(try store.callerInfo(number: "+8613900002222")?.tier, .risk)
        XCTAssertNil(try store.callerInfo(number: "+8613700007777"))
    }

    /// A file with a bad row changes nothing; the error names the row and field.
    func testBadRowChangesNothing() throws {
        try importSeed()
        let before = try store.customer(id: "C001")
        XCTAssertThrowsError(try store.importCustomers([
            Self.patch("C001", [.company: "Renamed"], row: 2),
            Self.patch("C003", [.company: "Third", .phones: "13800001111"], row: 3),
        ], at: Fixture.at(1))) { error in
            XCTAssertEqual("\(error)", "row 3, field 'phones': +8613800001111 is also a number of customer C001 (row 2): a number belongs to one customer")
        }
        XCTAssertThrowsError(try store.importCustomers([Self.patch("C004", [.company: "Fourth", .phones: "139 0000 2222"], row: 2)],
                                                       at: Fixture.at(1))) { error in
            XCTAssertEqual("\(error)", "row 2, field 'phones': +8613900002222 belongs to customer C002: remove it there first")
        }
        XCTAssertEqual(try store.customer(id: "C001"), before)
        XCTAssertNil(try store.customer(id: "C003"))
        XCTAssertEqual(try store.customerCount(), 2)
    }

    /// A number can move from one customer to another within one import.
    func testNumberMovesWithinAnImport() throws {
        try importSeed()
        let result = try store.importCustomers([
            Self.patch("C002", [.phones: ""], row: 2),
            Self.patch("C005", [.name: "New", .phones: "13900002222"], row: 3),
        ], at: Fixture.at(2))
        XCTAssertEqual(result.created, ["C005"])
        XCTAssertEqual(try store.customerID(number: "+8613900002222"), "C005")
        XCTAssertEqual(try store.customer(id: "C002")?.phones, [])
        XCTAssertEqual(try store.customer(id: "C002")?.company, "某制造集团")
    }

    /// The profile: record, last interactions newest first with their registrations, cooperations and flags.
    func testProfile() throws {
        try importSeed()
        var changes: [ArchiveChange] = []
        for i in 1...12 {
            changes.append(.callOffered(CallInteraction(customer: "C001", call: "c\(i)", serial: UInt64(i), number: "+8613800001111", at: Fixture.at(Double(i)))))
        }
        changes.append(.register(Registration(call: "c12", serial: 12, customer: "C001", number: "+8613800001111", category: .sales,
                                              summary: "wants 20 more seats", agent: "a7", registeredBy: "agent:a7", at: Fixture.at(100),
                                              offeredAt: Fixture.at(12))))
        changes.append(.addCooperation(Cooperation(customer: "C001", date: CalendarDate("2023-11-01")!, amount: 30, item: "cloud",
                                                   recordedAt: Fixture.at(101), recordedBy: "admin")))
        changes.append(.flagNumber(NumberFlag(number: "+861012345678", flag: .harassment, by: "agent:a7", at: Fixture.at(102), reason: "shouting", call: "c3")))
        try store.applyArchive(changes)

        let profile = try XCTUnwrap(store.profile(customer: "C001"))
        XCTAssertEqual(profile.interactions.count, 10)
        XCTAssertEqual(profile.interactions.first?.call, "c12")
        XCTAssertEqual(profile.interactions.first?.category, .sales)
        XCTAssertEqual(profile.interactions.first?.summary, "wants 20 more seats")
        XCTAssertEqual(profile.interactions.last?.call, "c3")
        XCTAssertEqual(profile.cooperations.map(\.amount), [30])
        XCTAssertEqual(profile.record.amount, 30)
        XCTAssertEqual(profile.record.lastCooperation?.description, "2023-11-01")
        XCTAssertEqual(profile.flags.map(\.flag), [.harassment])
        XCTAssertEqual(profile.openComplaints, 0)
        XCTAssertEqual(try store.callerInfo(number: "+861012345678")?.flags, ["harassment"])
        XCTAssertEqual(try store.registration(serial: 12)?.category, .sales)
        XCTAssertNil(try store.registration(serial: 11))
    }

    /// Every field of a record reads back as saved (records are read by column
    /// position, so a column out of place shows here).
    func testEveryFieldReadsBack() throws {
        var r = CustomerRecord(id: "C900", name: "王\"总\"")
        r.company = "某公司"; r.industry = "制造"; r.size = "500+"; r.contact = "王总 / 总经理"; r.phones = ["+8613800009999", "+861012349999"]
        r.address = "北京"; r.birthday = CalendarDate("1980-02-29"); r.language = "yue"; r.needs = "cloud"; r.decisionChain = "王总, 李工"
        r.lastFeedback = "good"; r.lastCooperation = CalendarDate("2023-11-01"); r.amount = 12.5; r.tags = ["vip", "云"]; r.notes = "n"
        r.accountManager = "a7"; r.scores = Scores(r: 90, f: 85, m: 88, custom: 95); r.tier = .potential; r.tierIsManual = true
        var bare = CustomerRecord(id: "C901", name: "bare")
        bare.tags = []
        try store.applyArchive([.saveCustomers([r, bare], at: Fixture.at(0))])
        XCTAssertEqual(try store.customer(id: "C900"), r)
        XCTAssertEqual(try store.customer(id: "C901"), bare)
        XCTAssertEqual(try store.customers(ids: ["C900", "C901", "C999"]), ["C900": r, "C901": bare])
        XCTAssertEqual(try store.profile(customer: "C900")?.record, r)
        XCTAssertEqual(try store.customerID(number: "+861012349999"), "C900")
        XCTAssertNil(try store.customerID(number: "+861012340000"))
    }

    /// A flagged number that belongs to no customer still shows its flags.
    func testFlagsOnAnUnknownNumber() throws {
        try store.applyArchive([
            .flagNumber(NumberFlag(number: "+8613600006666", flag: .threat, by: "agent:a1", at: Fixture.at(1), reason: "threatened staff", call: "x1")),
            .flagNumber(NumberFlag(number: "+8613600006666", flag: .harassment, by: "agent:a2", at: Fixture.at(2), reason: "again", call: "x2")),
            .flagNumber(NumberFlag(number: "+8613600006666", flag: .threat, by: "agent:a2", at: Fixture.at(3), reason: "again", call: "x3")),
        ])
        let info = try XCTUnwrap(store.callerInfo(number: "+8613600006666"))
        XCTAssertNil(info.customer)
        XCTAssertEqual(info.flags, ["harassment", "threat"])
        XCTAssertEqual(try store.flags(number: "+8613600006666").map(\.reason), ["again", "again", "threatened staff"])
    }

    /// A cleared flag no longer marks the number (screen pop, record) but stays in
    /// its history with who cleared it, when and why; a flag set again marks it again.
    func testClearedFlagsStopMarkingTheNumber() throws {
        let n = "+8613600006666"
        var zhou = CustomerRecord(id: "C900", name: "Zhou")
        zhou.phones = [n]
        try store.applyArchive([
            .saveCustomers([zhou], at: Fixture.at(0)),
            .flagNumber(NumberFlag(number: n, flag: .threat, by: "agent:a1", at: Fixture.at(1), reason: "threatened staff", call: "x1")),
            .flagNumber(NumberFlag(number: n, flag: .harassment, by: "agent:a2", at: Fixture.at(2), reason: "again", call: "x2")),
        ])
        try store.applyArchive([.clearFlags(number: n, flags: [.threat], by: "supervisor:s1", at: Fixture.at(5), reason: "wrong caller")])
        XCTAssertEqual(try store.callerInfo(number: n)?.flags, ["harassment"])
        XCTAssertEqual(try store.profile(customer: "C900")?.flags.map(\.flag), [.harassment, .threat], "the record's flag log keeps cleared flags")
        XCTAssertEqual(try store.profile(customer: "C900")?.flags.map { $0.cleared == nil }, [true, false])
        let history = try store.flags(number: n)
        XCTAssertEqual(history.map(\.flag), [.harassment, .threat])
        XCTAssertNil(history[0].cleared)
        XCTAssertEqual(history[1].cleared, NumberFlag.Clearing(by: "supervisor:s1", at: Fixture.at(5), reason: "wrong caller"))

        try store.applyArchive([.clearFlags(number: n, flags: NumberFlagKind.allCases, by: "admin", at: Fixture.at(6), reason: "all clear")])
        XCTAssertEqual(try store.callerInfo(number: n)?.flags, [])
        XCTAssertEqual(try store.flags(number: n)[1].cleared?.at, Fixture.at(5), "a cleared flag keeps its first clearing")
        try store.applyArchive([.flagNumber(NumberFlag(number: n, flag: .threat, by: "agent:a1", at: Fixture.at(7), reason: "again", call: "x3"))])
        XCTAssertEqual(try store.callerInfo(number: n)?.flags, ["threat"])
    }

    /// Audit entries are listed newest first and filter by customer and agent.
    func testAuditLog() throws {
        try store.applyArchive([
            .audit(AuditEntry(at: Fixture.at(1), role: "agent", agent: "a7", customer: "C001", call: "c1")),
            .audit(AuditEntry(at: Fixture.at(2), role: "supervisor", agent: nil, customer: "C002", call: nil)),
            .audit(AuditEntry(at: Fixture.at(3), role: "agent", agent: "a8", customer: "C001", call: nil)),
            .audit(AuditEntry(at: Fixture.at(4), role: "admin", agent: nil, customer: "*", call: nil, action: .export, detail: "2 customers")),
        ])
        XCTAssertEqual(try store.auditEntries().map(\.customer), ["*", "C001", "C002", "C001"])
        XCTAssertEqual(try store.auditEntries(customer: "C001").map(\.agent), ["a8", "a7"])
        XCTAssertEqual(try store.auditEntries(agent: "a7").map(\.call), ["c1"])
        XCTAssertEqual(try store.auditEntries(limit: 1).first?.action, .export)
    }

    /// Export pages through customers by id with their phones.
    func testExportPages() throws {
        try importSeed()
        let first = try store.exportCustomers(after: nil, limit: 1)
        XCTAssertEqual(first.map(\.id), ["C001"])
        XCTAssertEqual(first.first?.phones, ["+8613800001111", "+861012345678"])
        XCTAssertEqual(try store.exportCustomers(after: "C001", limit: 10).map(\.id), ["C002"])
        XCTAssertEqual(try store.exportCustomers(after: "C002", limit: 10), [])
    }

    /// Regrade reads cooperation records of the last 12 months; customers without records have no history.
    func testRegradePage() throws {
        try importSeed()
        let cooperations = [("2023-01-05", 500.0), ("2023-03-10", 40.0), ("2023-06-01", 40.0)].map {
            ArchiveChange.addCooperation(Cooperation(customer: "C002", date: CalendarDate($0.0)!, amount: $0.1, item: nil,
                                                     recordedAt: Fixture.at(1), recordedBy: "admin"))
        }
        try store.applyArchive(cooperations)
        let page = try store.regradePage(after: nil, limit: 10, asOf: CalendarDate("2024-01-20")!)
        XCTAssertEqual(page.map(\.0.id), ["C001", "C002"])
        XCTAssertNil(page[0].1)
        // The imported last cooperation (2023-08-20) is later than the records; 2023-01-05 is outside the 12 months.
        XCTAssertEqual(page[1].1, CooperationHistory(lastCooperation: CalendarDate("2023-08-20"), countLast12Months: 2, amountLast12Months: 80))
    }

    /// The schema refuses what the model forbids, and a refused batch leaves no journal entry behind.
    func testSchemaRefusesBadArchiveRows() throws {
        var bad = CustomerRecord(id: "C009", name: "Bad")
        bad.scores.r = 120
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1, op: "customer.upsert", actor: "admin")]
        batch.archive = [.saveCustomers([bad], at: Fixture.at(1))]
        XCTAssertThrowsError(try store.commit(batch))
        var badPhone = CustomerRecord(id: "C009", name: "Bad")
        badPhone.phones = ["13800001111"]
        batch.archive = [.saveCustomers([badPhone], at: Fixture.at(1))]
        XCTAssertThrowsError(try store.commit(batch))
        batch.archive = [.audit(AuditEntry(at: Fixture.at(1), role: "agent", agent: nil, customer: "C001", call: nil))]
        XCTAssertThrowsError(try store.commit(batch))
        XCTAssertEqual(try store.journalCount(), 0)
        XCTAssertEqual(try store.customerCount(), 0)

        batch.archive = [.saveCustomers([CustomerRecord(id: "C009", name: "Good")], at: Fixture.at(1))]
        try store.commit(batch)
        XCTAssertEqual(try store.journalCount(), 1)
        XCTAssertEqual(try store.customer(id: "C009")?.name, "Good")
    }
}

/// The call log's `caller_info` JSON, written by hand, reads back as JSONDecoder reads it.
final class CallerInfoJSONTests: XCTestCase {
    func testRoundTrip() throws {
        let infos = [
            CallerInfo(customer: "C001", name: "张\"经理\"\n", company: "A\\B", tier: .highValue, accountManager: "a7", language: "zh",
                       flags: ["threat", "harassment"], openComplaints: 2),
            CallerInfo(flags: ["threat"]),
            CallerInfo(customer: "C\u{1}2"),
        ]
        let store = try CallCenterStore()
        for (i, info) in infos.enumerated() {
            var call = Fixture.call("j\(i)", ticket: UInt64(i + 1))
            call.serial = UInt64(100 + i)
            call.caller = info
            var batch = CommitBatch()
            batch.entries = [Fixture.entry(Int64(i + 1))]
            batch.legs = [call]
            try store.commit(batch)
            XCTAssertEqual(try store.callLog(call: "j\(i)").last?.call.caller, info)
        }
    }
}
