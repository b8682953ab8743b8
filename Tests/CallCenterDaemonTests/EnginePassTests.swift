@testable import CallCenterDaemon
import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOEmbedded
import XCTest

/// The engine driven pass by pass on an in-memory store: several requests in
/// one pass, as a pipelining client's requests arrive, which an end-to-end test
/// cannot arrange deterministically.
final class EnginePassTests: XCTestCase {
    struct Harness {
        let engine: Engine
        let output = NIOLockedValueBox<[UInt8]>([])
        let session: Session

        init(store: CallCenterStore) throws {
            var config = DaemonConfig(defaults: DefaultPaths(socket: "/nonexistent/s.sock", database: ":memory:"))
            config.archive = ArchiveSettings()
            engine = try Engine(config: config, store: store, logger: Logger(label: "test"), daemonUID: 0,
                                clock: { Instant(milliseconds: 1_700_000_000_000) })
            try engine.applyConfiguredQueues(actor: "config")  // what start() does before the engine thread runs
            session = Session(id: 1, channel: EmbeddedChannel(), uid: 0, gids: [], pid: 1)
            let output = output
            session.deliver = { d in output.withLockedValue { $0 += d.bytes } }
        }

        /// Runs these request lines (as `role`) in one pass and returns their replies, in order.
        func pass(as role: Role, _ lines: [String]) throws -> [JSONValue] {
            session.role = role
            let requests = try lines.map { try Request.parse(Array($0.utf8)).get() }
            output.withLockedValue { $0 = [] }
            engine.pass(requests.map { .request(session, $0) })
            let text = String(decoding: output.withLockedValue { $0 }, as: UTF8.self)
            return try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }.filter { $0["id"] != nil }
        }
    }

    func archive(with flags: [NumberFlagKind]) throws -> CallCenterStore {
        let store = try CallCenterStore()
        var c001 = CustomerRecord(id: "C001", name: "张经理")
        c001.phones = ["+8613800001111"]
        var changes: [ArchiveChange] = [.saveCustomers([c001], at: Instant(milliseconds: 1))]
        for flag in flags {
            changes.append(.flagNumber(NumberFlag(number: "+8613800001111", flag: flag, by: "supervisor", at: Instant(milliseconds: 2),
                                                  reason: "set earlier", call: nil)))
        }
        try store.applyArchive(changes)
        return store
    }

    /// A softphone's request in the pass that removed its agent is refused: the
    /// session's close is still on its way, and its agent can no longer read the
    /// customers it managed.
    func testARemovedAgentsSessionIsRefusedInThePassThatRemovedIt() throws {
        let store = try CallCenterStore()
        var c001 = CustomerRecord(id: "C001", name: "张经理")
        c001.accountManager = "a7"
        try store.applyArchive([.saveCustomers([c001], at: Instant(milliseconds: 1))])
        let h = try Harness(store: store)
        XCTAssertEqual(try h.pass(as: .admin, [#"{"id":1,"op":"agent.upsert","agent":"a7","seat":"207"}"#]).first?["ok"], true)
        let softphone = Session(id: 2, channel: EmbeddedChannel(), uid: 0, gids: [], pid: 2)
        softphone.role = .agent
        softphone.agent = "a7"
        let heard = NIOLockedValueBox<[UInt8]>([])
        softphone.deliver = { d in heard.withLockedValue { $0 += d.bytes } }
        let read = try Request.parse(Array(#"{"id":7,"op":"caller.profile","customer":"C001"}"#.utf8)).get()
        h.engine.pass([.opened(softphone), .request(softphone, read)])
        XCTAssertEqual(try reply(7, in: heard)?["ok"], true, "the manager reads their customer's record")

        h.session.role = .admin
        let remove = try Request.parse(Array(#"{"id":2,"op":"agent.remove","agent":"a7"}"#.utf8)).get()
        h.engine.pass([.request(h.session, remove), .request(softphone, read)])
        let refused = try reply(7, in: heard)
        XCTAssertEqual(refused?["error"]?["code"], "forbidden", "\(String(describing: refused))")
        XCTAssertEqual(refused?["error"]?["message"], "agent 'a7' was removed (agent.remove); this session is being closed")
    }

    /// A request on a session of a replaced token, in the pass that replaced it, is refused.
    func testASessionOfAReplacedTokenIsRefusedInThePassThatReplacedIt() throws {
        let h = try Harness(store: CallCenterStore())
        XCTAssertEqual(try h.pass(as: .admin, [#"{"id":1,"op":"agent.upsert","agent":"a7","seat":"207"}"#]).first?["ok"], true)
        let softphone = Session(id: 2, channel: EmbeddedChannel(), uid: 1000, gids: [], pid: 2)
        softphone.role = .agent
        softphone.agent = "a7"
        softphone.tokenHash = h.engine.core.agents["a7"]?.tokenHash
        let heard = NIOLockedValueBox<[UInt8]>([])
        softphone.deliver = { d in heard.withLockedValue { $0 += d.bytes } }
        h.session.role = .admin
        let rotate = try Request.parse(Array(#"{"id":2,"op":"agent.upsert","agent":"a7","rotate_token":true}"#.utf8)).get()
        let ping = try Request.parse(Array(#"{"id":8,"op":"ping"}"#.utf8)).get()
        h.engine.pass([.opened(softphone), .request(h.session, rotate), .request(softphone, ping)])
        XCTAssertEqual(try reply(8, in: heard)?["error"]?["message"],
                       "agent 'a7' has a new token (agent.upsert with rotate_token); this session is being closed: say hello again with the new token")
    }

    /// Reads in one pass share their walks of the lines (`ReadMemo`), and still see
    /// every change made before them in the pass.
    func testReadsInOnePassSeeTheChangesBeforeThem() throws {
        let h = try Harness(store: CallCenterStore())
        let replies = try h.pass(as: .admin, [
            #"{"id":1,"op":"call.offer","call":"c1","from":"13800001111"}"#,
            #"{"id":2,"op":"call.offer","call":"c2","from":"13800002222"}"#,
            #"{"id":3,"op":"call.get","call":"c2"}"#,
            #"{"id":4,"op":"stats","queue":"general"}"#,
            #"{"id":5,"op":"call.get","call":"c2"}"#,
            #"{"id":6,"op":"call.hangup","call":"c1","by":"caller"}"#,
            #"{"id":7,"op":"call.get","call":"c2"}"#,
            #"{"id":8,"op":"stats","queue":"general"}"#,
        ])
        XCTAssertEqual(replies.map { $0["ok"] }, Array(repeating: true, count: 8), "\(replies)")
        XCTAssertEqual(replies[2]["result"]?["position"], 2)
        XCTAssertEqual(replies[3]["result"]?["queues"]?.arrayValue?.first?["waiting"], 2)
        XCTAssertEqual(replies[4]["result"]?["position"], 2)
        XCTAssertEqual(replies[6]["result"]?["position"], 1, "the hang-up ahead moved it up")
        XCTAssertEqual(replies[7]["result"]?["queues"]?.arrayValue?.first?["waiting"], 1)
    }

    /// The last reply with this id among what a session was sent.
    func reply(_ id: Int, in output: NIOLockedValueBox<[UInt8]>) throws -> JSONValue? {
        let text = String(decoding: output.withLockedValue { $0 }, as: UTF8.self)
        return try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }.last { $0["id"] == .from(id) }
    }

    /// A profile read in the pass that cleared a mark shows it cleared, as
    /// `number.flags` in the same pass does.
    func testProfileSeesAMarkClearedEarlierInItsPass() throws {
        let h = try Harness(store: archive(with: [.threat]))
        let replies = try h.pass(as: .supervisor, [
            #"{"id":1,"op":"number.unflag","number":"13800001111","reason":"set by mistake"}"#,
            #"{"id":2,"op":"caller.profile","customer":"C001"}"#,
            #"{"id":3,"op":"number.flags","number":"13800001111"}"#,
        ])
        XCTAssertEqual(replies.map { $0["ok"] }, [true, true, true], "\(replies)")
        let profile = replies[1]["result"]
        XCTAssertEqual(profile?["flags"], .array([]), "the cleared mark is no longer one of the record's flags")
        XCTAssertEqual(profile?["flag_log"]?.arrayValue?.first?["cleared"]?["reason"], "set by mistake")
        XCTAssertEqual(replies[2]["result"]?["flags"]?.arrayValue?.first?["cleared"]?["reason"], "set by mistake")
    }

    /// A number marked by a registration earlier in the pass carries the mark in the profile read after it.
    func testProfileSeesAMarkSetEarlierInItsPass() throws {
        let h = try Harness(store: archive(with: []))
        XCTAssertEqual(try h.pass(as: .pbx, [#"{"id":1,"op":"call.offer","call":"c1","from":"13800001111"}"#]).first?["ok"], true)
        let replies = try h.pass(as: .admin, [
            #"{"id":2,"op":"call.register","call":"c1","category":"harassment","summary":"abusive caller"}"#,
            #"{"id":3,"op":"caller.profile","customer":"C001"}"#,
        ])
        XCTAssertEqual(replies.map { $0["ok"] }, [true, true], "\(replies)")
        XCTAssertEqual(replies[1]["result"]?["flags"], .array(["harassment"]))
        XCTAssertEqual(replies[1]["result"]?["flag_log"]?.arrayValue?.first?["reason"], "abusive caller")
        // And the next pass reads it from the store, the same.
        let later = try h.pass(as: .supervisor, [#"{"id":4,"op":"caller.profile","customer":"C001"}"#])
        XCTAssertEqual(later.first?["result"]?["flags"], .array(["harassment"]))
    }

    /// A record saved earlier in the pass shows the marks of the numbers it has
    /// now, stored or new: the same as a read in the next pass.
    func testProfileOfARecordSavedInItsPassShowsTheMarksOfItsNewNumbers() throws {
        let store = try archive(with: [.threat])  // C001 has +8613800001111, marked threat
        try store.applyArchive([.flagNumber(NumberFlag(number: "+8613800002222", flag: .harassment, by: "supervisor",
                                                       at: Instant(milliseconds: 3), reason: "other number", call: nil))])
        let h = try Harness(store: store)
        let replies = try h.pass(as: .admin, [
            #"{"id":1,"op":"customer.upsert","customer":{"id":"C001","name":"张经理","phones":["13800002222"]}}"#,
            #"{"id":2,"op":"caller.profile","customer":"C001"}"#,
            #"{"id":3,"op":"customer.upsert","customer":{"id":"C002","name":"李","phones":["13800001111"]}}"#,
            #"{"id":4,"op":"caller.profile","customer":"C002"}"#,
        ])
        XCTAssertEqual(replies.map { $0["ok"] }, [true, true, true, true], "\(replies)")
        XCTAssertEqual(replies[1]["result"]?["flags"], .array(["harassment"]), "C001's number now is the harassing one")
        XCTAssertEqual(replies[3]["result"]?["flags"], .array(["threat"]), "a record created in the pass shows its number's stored mark")
        let later = try h.pass(as: .admin, [
            #"{"id":5,"op":"caller.profile","customer":"C001"}"#,
            #"{"id":6,"op":"caller.profile","customer":"C002"}"#,
        ])
        XCTAssertEqual(later[0]["result"]?["flag_log"], replies[1]["result"]?["flag_log"])
        XCTAssertEqual(later[1]["result"]?["flag_log"], replies[3]["result"]?["flag_log"])
    }
}
