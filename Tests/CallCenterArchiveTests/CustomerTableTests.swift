import CallCenterArchive
import CallCenterCore
import XCTest

/// Seed 004's template 1 (Chinese or English headers) read into customer records.
final class CustomerTableTests: XCTestCase {
    static let chineseHeader = ["客户编号", "单位名称", "行业类型", "规模", "联系人及职务", "核心需求", "最近合作时间", "累计合作金额(万元)",
                                "决策链成员", "上次沟通反馈", "联系电话", "R得分", "F得分", "M得分", "自定义指标"]

    func record(_ table: CustomerTable, _ cells: [String], row: Int = 2) throws -> CustomerRecord {
        try table.patch(cells, row: row).applied(to: nil, country: .china, rules: GradingRules())
    }

    /// Seed 004's C001 row with Chinese headers becomes a graded high-value customer.
    func testSeedRowWithChineseHeaders() throws {
        let table = try CustomerTable(header: Self.chineseHeader)
        let c001 = try record(table, ["C001", "某科技有限公司", "信息技术", "500-1000人", "张经理(采购总监)", "云服务采购", "2023-10-15", "120",
                                      "技术部李总监", "需增加定制功能", "138 0000 1111; 010-12345678", "90", "85", "88", "95"])
        XCTAssertEqual(c001.id, "C001")
        XCTAssertEqual(c001.name, "某科技有限公司")
        XCTAssertEqual(c001.phones, ["+8613800001111", "+861012345678"])
        XCTAssertEqual(c001.lastCooperation?.description, "2023-10-15")
        XCTAssertEqual(c001.amount, 120)
        XCTAssertEqual(c001.scores, Scores(r: 90, f: 85, m: 88, custom: 95))
        XCTAssertEqual(c001.tier, .highValue)
        XCTAssertFalse(c001.tierIsManual)
    }

    /// English headers, template 2's annotated headers and cells, and redaction stars all read.
    func testHeaderSpellings() throws {
        let english = try CustomerTable(header: ["id", "company", "phone", "r_score", "f_score", "m_score", "custom_score"])
        XCTAssertEqual(try record(english, ["C002", "Zhizao", "+86 139-0000-2222", "60", "70", "65", "80"]).tier, .risk)
        let annotated = try CustomerTable(header: ["客户编号", "联系人*及职务", "规模（员工数/营收）", "R得分(近6个月合作)", "综合得分"])
        let row = try record(annotated, ["C003", "王总(总经理)", "1000人以上", "90(近1个月合作)", "89.5"])
        XCTAssertEqual(row.name, "王总(总经理)")
        XCTAssertEqual(row.size, "1000人以上")
        XCTAssertEqual(row.scores.r, 90)
    }

    /// Errors name the row and the column as the file spells it.
    func testErrorsNameRowAndColumn() throws {
        let table = try CustomerTable(header: Self.chineseHeader)
        var cells = ["C009", "X", "", "", "", "", "2023-10-15", "120", "", "", "13800009999", "120", "", "", ""]
        XCTAssertThrowsError(try record(table, cells, row: 7)) { error in
            XCTAssertEqual("\(error)", "row 7, field 'R得分': expected a score from 0 to 100, got 120")
        }
        cells[11] = "90"
        cells[6] = "2023-13-01"
        XCTAssertThrowsError(try record(table, cells, row: 8)) { error in
            XCTAssertEqual("\(error)", "row 8, field '最近合作时间': expected a date like 2023-10-15, got \"2023-13-01\"")
        }
        cells[6] = ""
        cells[10] = "call me"
        XCTAssertThrowsError(try record(table, cells, row: 9)) { error in
            XCTAssertEqual((error as? FieldError)?.row, 9)
            XCTAssertEqual((error as? FieldError)?.field, "phones")
        }
        XCTAssertThrowsError(try record(table, ["", "X"], row: 3)) { error in
            XCTAssertEqual("\(error)", "row 3, field '客户编号': is missing: every customer needs its archive id, like \"C001\"")
        }
    }

    /// What a file writes comes back the same: an item holding a separator is refused
    /// (it would come back as two), numbers in exponent form are read, an empty name
    /// cell names a new customer by its company, and an amount out of range says the range.
    func testValuesThatMustSurviveAFile() throws {
        XCTAssertThrowsError(try CustomerPatch.read([(.id, .text("C1")), (.tags, .list(["B2B/SaaS"]))])) { error in
            XCTAssertEqual("\(error)", "field 'tags': an item cannot hold ; , ， 、 ； | / or a line break (they separate items in a CSV cell): got \"B2B/SaaS\"")
        }
        XCTAssertEqual(try CustomerField.tags.read(.text("a;b\r\nc")), .list(["a", "b", "c"]))
        XCTAssertEqual(try CustomerField.amount.read(.text("1e-05")), .number(0.00001))
        XCTAssertEqual(try CustomerField.amount.read(.text("1.5E3万元")), .number(1500))
        XCTAssertThrowsError(try CustomerField.amount.read(.text("1e12"))) { error in
            XCTAssertEqual("\(error)", "field 'amount': expected an amount in 万元 from 0 to below 1000000000000 (10¹² 万元), got 1000000000000")
        }
        let table = try CustomerTable(header: ["id", "name", "company"])
        XCTAssertEqual(try record(table, ["A3", "", "SomeCo"]).name, "SomeCo")
        XCTAssertThrowsError(try record(table, ["A4", "", ""])) { error in
            XCTAssertEqual((error as? FieldError)?.field, "name")
        }
    }

    /// Unknown, repeated and missing id columns are refused before any row is read.
    func testBadHeaders() {
        XCTAssertThrowsError(try CustomerTable(header: ["id", "colour"])) { XCTAssertEqual(($0 as? FieldError)?.field, "colour") }
        XCTAssertThrowsError(try CustomerTable(header: ["id", "company", "单位名称"])) { XCTAssertEqual(($0 as? FieldError)?.field, "单位名称") }
        XCTAssertThrowsError(try CustomerTable(header: ["company"])) { XCTAssertEqual(($0 as? FieldError)?.field, "id") }
    }

    /// A patch keeps what it does not name, clears what it sets empty, and a manual tier wins over grading.
    func testPatchSemantics() throws {
        var base = CustomerRecord(id: "C001", name: "A")
        base.company = "Old Co"
        base.notes = "keep me"
        base.scores = Scores(r: 90, f: 85, m: 88, custom: 95)
        base.regrade(GradingRules())
        let patch = try CustomerPatch.read([(.id, .text("C001")), (.company, .text("")), (.tier, .text("风险客户"))])
        let patched = try patch.applied(to: base, country: .china, rules: GradingRules())
        XCTAssertNil(patched.company)
        XCTAssertEqual(patched.notes, "keep me")
        XCTAssertEqual(patched.tier, .risk)
        XCTAssertTrue(patched.tierIsManual)
        let regraded = try CustomerPatch.read([(.id, .text("C001")), (.tier, .null)]).applied(to: patched, country: .china, rules: GradingRules())
        XCTAssertEqual(regraded.tier, .highValue)
        XCTAssertThrowsError(try CustomerPatch.read([(.id, .text("C404"))]).applied(to: nil, country: .china, rules: GradingRules()))
    }

    /// Export writes the same shape import reads: a record survives the round trip.
    func testExportRoundTrip() throws {
        var r = CustomerRecord(id: "C001", name: "张经理")
        r.company = "某科技有限公司"
        r.phones = ["+8613800001111"]
        r.tags = ["vip", "cloud"]
        r.birthday = CalendarDate("1980-02-29")
        r.amount = 120.5
        r.scores = Scores(r: 90, f: 85, m: 88, custom: 95)
        r.accountManager = "a7"
        r.regrade(GradingRules())
        for chinese in [true, false] {
            let text = CSV.line(CustomerTable.exportHeader(chinese: chinese)) + CSV.line(CustomerTable.exportRow(r, composite: 89.5, gradedTier: "high_value"))
            let rows = try CSV.parse(text)
            let table = try CustomerTable(header: rows[0])
            XCTAssertEqual(try record(table, rows[1]), r)
        }
    }
}
