@testable import CallCenterDaemon
import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation
import Logging
import XCTest

/// The screen-pop lookup on the connection: the caller found goes with the request
/// and into its journal payload, so that replay sees what routing saw.
final class CallerLookupTests: XCTestCase {
    func runtime() throws -> ArchiveRuntime {
        let store = try CallCenterStore()
        var c001 = CustomerRecord(id: "C001", name: "张经理")
        c001.phones = ["+8613800001111"]
        c001.tier = .highValue
        c001.tierIsManual = true
        try store.applyArchive([.saveCustomers([c001], at: Instant(milliseconds: 1))])
        return ArchiveRuntime(store: store, settings: ArchiveSettings(), logger: Logger(label: "test"))
    }

    func offer(_ line: String, _ archive: ArchiveRuntime) throws -> Request {
        var request = try Request.parse(Array(line.utf8)).get()
        request.raw = line
        archive.attachCaller(to: &request)
        return request
    }

    /// A known number: the request carries the summary; the raw line gains "caller" and stays valid JSON.
    func testKnownCallerIsAddedToTheJournalPayload() throws {
        let request = try offer(#"{"id":1,"op":"call.offer","call":"c1","from":"+86 138-0000-1111"}  "#, try runtime())
        XCTAssertEqual(request.caller?.customer, "C001")
        XCTAssertEqual(request.caller?.tier, .highValue)
        let payload = try JSONParser.parse(Array(request.raw!.utf8))
        XCTAssertEqual(payload["call"], "c1")
        XCTAssertEqual(payload["caller"]?["customer"], "C001")
        XCTAssertEqual(payload["caller"]?["tier"], "high_value")
        XCTAssertEqual(request.callerNumber, "+8613800001111")
        XCTAssertTrue(request.raw!.hasPrefix(#"{"id":1,"op":"call.offer","call":"c1","from":"+86 138-0000-1111","caller":{"account_manager":null,"#), request.raw!)
        XCTAssertTrue(request.raw!.hasSuffix(#""tier":"high_value"}}"#), request.raw!)
    }

    /// The summary written straight as bytes is exactly what JSONWriter writes for it.
    func testCallerSummaryBytesMatchTheGenericWriter() {
        let summaries: [CallerInfo?] = [
            nil,
            CallerInfo(),
            CallerInfo(flags: ["harassment", "threat"]),
            CallerInfo(customer: "C001", name: "张经理", company: "某科技\"有限\\公司\n", tier: .highValue, accountManager: "a7",
                       language: "yue-HK", flags: ["threat"], openComplaints: 12),
            CallerInfo(customer: "C\u{1}2", name: "", tier: .risk),
        ]
        for c in summaries {
            var bytes: [UInt8] = []
            ArchiveEncoding.writeCallerInfo(c, into: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), JSONWriter.string(ArchiveEncoding.callerInfo(c)))
        }
    }

    /// Withheld and unknown numbers are recorded as null; a "caller" sent by the PBX is replaced, not trusted.
    func testUnknownAndForgedCallers() throws {
        let archive = try runtime()
        let anonymous = try offer(#"{"id":2,"op":"call.offer","call":"c2","from":"anonymous"}"#, archive)
        XCTAssertNil(anonymous.caller)
        XCTAssertEqual(try JSONParser.parse(Array(anonymous.raw!.utf8))["caller"], .null)
        let forged = try offer(#"{"id":3,"op":"call.offer","call":"c3","from":"13700000000","caller":{"customer":"C001"}}"#, archive)
        XCTAssertNil(forged.caller)
        XCTAssertEqual(try JSONParser.parse(Array(forged.raw!.utf8))["caller"], .null)
        let other = try offer(#"{"id":4,"op":"ping"}"#, archive)
        XCTAssertEqual(other.raw, #"{"id":4,"op":"ping"}"#)
    }
}
