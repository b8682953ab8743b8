import CallCenterClient
import Foundation
import XCTest

/// The customer archive through the real daemon: CSV import (good and bad files),
/// lookups by every spelling of a number, grading, export and regrading.
final class ArchiveTests: XCTestCase {
    var daemon: DaemonProcess!

    /// Seed 004's template 1 with its Chinese headers, plus 联系电话 and the scores.
    static let seedCSV = """
        客户编号,单位名称,行业类型,规模,联系人及职务,核心需求,最近合作时间,累计合作金额(万元),决策链成员,上次沟通反馈,联系电话,R得分,F得分,M得分,自定义指标
        C001,某科技有限公司,信息技术,500-1000人,张经理(采购总监),云服务采购,2023-10-15,120,技术部李总监,需增加定制功能,13800001111;010-12345678,90,85,88,95
        C002,某制造集团,机械制造,1000人以上,王总(总经理),设备升级,2023-08-20,80,副总刘经理,"价格偏高,需对比",+86 139-0000-2222,60,70,65,80

        """

    static let englishCSV = """
        id,company,industry,size,contact,phone,needs,last_cooperation,amount,decision_chain,last_feedback,r_score,f_score,m_score,custom_score
        C003,Acme Ltd,Retail,50-100,Ms Li (buyer),021-87654321,POS terminals,2023-11-01,15,Mr Zhao,wants a trial,70,60,40,90

        """

    override func setUpWithError() throws {
        daemon = try DaemonProcess(config: "[queues.general]\nwrap_up = 0\n")
        try daemon.start()
    }

    override func tearDown() {
        daemon.stop()
        daemon = nil
    }

    func callctl(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runCommand(DaemonProcess.callctlBinary, arguments + ["--socket", daemon.socketPath])
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = daemon.directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func importSeed() throws {
        let result = try callctl(["customers", "import", file("seed.csv", Self.seedCSV)])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("imported 2 customers (2 new, 0 updated)"), result.stdout)
    }

    /// Seed 004's rows with Chinese headers and a file with English headers both import; grading follows the seed.
    func testImportGradesTheSeedRows() throws {
        try importSeed()
        XCTAssertEqual(try callctl(["customers", "import", file("en.csv", Self.englishCSV)]).status, 0)
        let admin = try daemon.session("admin")
        let c001 = try admin.call("caller.profile", ["customer": "C001"])
        let scores = try XCTUnwrap(c001["scores"] as? [String: Any])
        XCTAssertEqual(scores["composite"] as? Double, 89.5)
        XCTAssertEqual(c001["tier"] as? String, "high_value")
        XCTAssertEqual(c001["company"] as? String, "某科技有限公司")
        XCTAssertEqual(c001["phones"] as? [String], ["+8613800001111", "+861012345678"])
        let c002 = try admin.call("caller.profile", ["customer": "C002"])
        XCTAssertEqual((c002["scores"] as? [String: Any])?["composite"] as? Double, 68.75)
        XCTAssertEqual(c002["tier"] as? String, "risk")
        XCTAssertEqual(c002["last_feedback"] as? String, "价格偏高,需对比")
        let c003 = try admin.call("caller.profile", ["number": "+86 21 8765 4321"])
        XCTAssertEqual(c003["id"] as? String, "C003")
        XCTAssertEqual(c003["tier"] as? String, "potential")  // custom 90 ≥ 85
    }

    /// A file with one bad row changes nothing; the error names the row and the column.
    func testBadFilesChangeNothing() throws {
        try importSeed()
        let badScore = try file("bad.csv", """
            客户编号,单位名称,联系电话,R得分
            C001,Renamed Co,13800001111,90
            C004,Fourth,13700004444,120

            """)
        let refused = try callctl(["customers", "import", badScore])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("row 3, field 'R得分': expected a score from 0 to 100, got 120"), refused.stderr)

        // Only the daemon can see that the number belongs to C002: still nothing changes.
        let taken = try file("taken.csv", "id,company,phone\nC001,Renamed Co,13800001111\nC005,Fifth,139 0000 2222\n")
        let conflict = try callctl(["customers", "import", taken])
        XCTAssertEqual(conflict.status, 1)
        XCTAssertTrue(conflict.stderr.contains("row 3, field 'phones': +8613900002222 belongs to customer C002"), conflict.stderr)

        let unreadable = try file("unreadable.csv", "id,company,phone\nC006,Sixth,call me\n")
        XCTAssertTrue(try callctl(["customers", "import", unreadable]).stderr.contains("row 2, field 'phones': cannot read \"call me\""))

        let admin = try daemon.session("admin")
        XCTAssertEqual(try admin.call("caller.profile", ["customer": "C001"])["company"] as? String, "某科技有限公司")
        for id in ["C004", "C005", "C006"] {
            XCTAssertEqual(admin.failure("caller.profile", ["customer": id])?.code, "not_found")
        }
    }

    /// A file sent in many requests is still one transaction: a bad row in the last request undoes the staged ones.
    func testLargeFileIsOneTransaction() throws {
        var rows = (1...300).map { "G\(1000 + $0),Company \($0),13\(String(format: "%09d", 500_000_000 + $0))" }
        let good = try file("many.csv", "id,company,phone\n" + rows.joined(separator: "\n") + "\n")
        rows.append("G9999,Dup,13\(String(format: "%09d", 500_000_001))")  // G1001's number again
        let bad = try file("many-bad.csv", "id,company,phone\n" + rows.joined(separator: "\n") + "\n")
        let refused = try callctl(["customers", "import", bad, "--chunk-bytes", "2000"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("row 302, field 'phones': +8613500000001 is also a number of customer G1001 (row 2)"), refused.stderr)
        let admin = try daemon.session("admin")
        XCTAssertEqual(admin.failure("caller.profile", ["customer": "G1001"])?.code, "not_found")
        let imported = try callctl(["customers", "import", good, "--chunk-bytes", "2000"])
        XCTAssertTrue(imported.stdout.contains("imported 300 customers (300 new, 0 updated)"), imported.stdout + imported.stderr)
        XCTAssertEqual(try admin.call("caller.profile", ["number": "135 0000 0300"])["id"] as? String, "G1300")
    }

    /// A chunk refused for its fields drops the rows staged before it, as a refused
    /// last chunk does: the next import does not carry them.
    func testARefusedChunkDropsWhatWasStaged() throws {
        let admin = try daemon.session("admin")
        XCTAssertEqual(try admin.call("customer.import", ["rows": [["id": "S1", "name": "staged"]], "more": true])["staged"] as? Int, 1)
        let refused = admin.failure("customer.import", ["rows": [["id": "S2", "name": "s2", "r_score": "abc"]]])
        XCTAssertEqual(refused?.code, "bad_request")
        XCTAssertEqual(admin.failure("customer.import", ["rows": "x"])?.code, "bad_request")
        let next = try admin.call("customer.import", ["rows": [["id": "S3", "name": "s3"]]])
        XCTAssertEqual(next["imported"] as? Int, 1, "\(next)")
        XCTAssertEqual(admin.failure("caller.profile", ["customer": "S1"])?.code, "not_found")
    }

    /// Every spelling of issue 4's numbers finds its customer, in call.offer and in caller.profile.
    func testLookupsByEverySpelling() throws {
        try importSeed()
        let pbx = try daemon.session("pbx")
        let admin = try daemon.session("admin")
        let spellings = ["13800001111", "+86 138-0000-1111", "008613800001111", "138 0000 1111", "010-12345678", "+861012345678", "01012345678"]
        for (i, spelling) in spellings.enumerated() {
            let offer = try pbx.call("call.offer", ["call": "s\(i)", "from": spelling, "to": "4008001234"])
            let customer = try XCTUnwrap(offer["customer"] as? [String: Any], spelling)
            XCTAssertEqual(customer["id"] as? String, "C001", spelling)
            XCTAssertEqual(customer["tier"] as? String, "high_value", spelling)
            XCTAssertEqual(try admin.call("caller.profile", ["number": spelling])["id"] as? String, "C001", spelling)
        }
        let anonymous = try pbx.call("call.offer", ["call": "anon", "from": "anonymous", "to": "4008001234"])
        XCTAssertTrue(anonymous["customer"] is NSNull)
        XCTAssertEqual(anonymous["flags"] as? [String], [])
        XCTAssertEqual(admin.failure("caller.profile", ["number": "anonymous"])?.code, "bad_request")
        XCTAssertEqual(admin.failure("caller.profile", ["number": "13700009999"])?.code, "not_found")
        let bad = admin.failure("customer.upsert", ["customer": ["id": "C009", "name": "X", "phones": ["12-34"]]])
        XCTAssertEqual(bad?.code, "bad_request")
        XCTAssertTrue(bad?.message.contains("field 'customer.phones': cannot read \"12-34\"") ?? false, bad?.message ?? "")
    }

    /// Export writes what import reads; regrading from cooperation records follows the documented scale.
    func testExportAndRegrade() throws {
        try importSeed()
        let exported = try callctl(["customers", "export"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let lines = exported.stdout.split(separator: "\r\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("客户编号,单位名称,行业类型,规模,联系人及职务,联系电话,核心需求"), String(lines[0]))
        XCTAssertTrue(lines[2].hasSuffix(",68.75,risk"), String(lines[2]))
        let again = try callctl(["customers", "import", file("again.csv", exported.stdout)])
        XCTAssertTrue(again.stdout.contains("imported 2 customers (0 new, 2 updated)"), again.stdout + again.stderr)

        // C002 bought twice in the last months: it is no longer at risk.
        for (date, amount) in [("2023-10-01", "60"), ("2023-11-10", "60")] {
            XCTAssertEqual(try callctl(["customer", "cooperation", "C002", "--date", date, "--amount", amount]).status, 0)
        }
        let regraded = try callctl(["customers", "regrade", "--as-of", "2023-11-20"])
        XCTAssertTrue(regraded.stdout.contains("regraded 2 customers as of 2023-11-20: 1 from cooperation records, 1 changed"), regraded.stdout)
        let c002 = try daemon.session("admin").call("caller.profile", ["customer": "C002"])
        let scores = try XCTUnwrap(c002["scores"] as? [String: Any])
        XCTAssertEqual(scores["r"] as? Double, 100)    // this month
        XCTAssertEqual(scores["f"] as? Double, 70)     // 2 cooperations
        XCTAssertEqual(scores["m"] as? Double, 88)     // 120 万元 in the last 12 months
        XCTAssertEqual(c002["tier"] as? String, "potential")  // R 100 ≥ 85
        XCTAssertEqual(c002["amount"] as? Double, 200)
        XCTAssertEqual(c002["last_cooperation"] as? String, "2023-11-10")
    }

    /// Amounts survive the file: sums kept to 6 decimals (0.1 + 0.2 is 0.3), tiny
    /// amounts written without an exponent, and the file read back as it was written.
    func testAmountsSurviveExportAndImport() throws {
        let admin = try daemon.session("admin")
        _ = try admin.call("customer.upsert", ["customer": ["id": "A1", "name": "Sum", "amount": 0.1]])
        _ = try admin.call("customer.cooperation", ["customer": "A1", "date": "2023-10-01", "amount": 0.2])
        _ = try admin.call("customer.upsert", ["customer": ["id": "A2", "name": "Tiny", "amount": 0.00001]])
        XCTAssertEqual(try admin.call("caller.profile", ["customer": "A1"])["amount"] as? Double, 0.3)
        let exported = try callctl(["customers", "export", "--english"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let rows = try XCTUnwrap(String?(exported.stdout)).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let amount = try XCTUnwrap(rows.first?.firstIndex(of: "amount"))
        XCTAssertEqual(rows.dropFirst().map { String($0[amount]) }, ["0.3", "0.00001"])
        let again = try callctl(["customers", "import", file("again.csv", exported.stdout)])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try admin.call("caller.profile", ["customer": "A2"])["amount"] as? Double, 0.00001)
    }
}
