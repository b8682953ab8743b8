@testable import CallCenterDaemon
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOEmbedded
import XCTest

/// The engine prunes history past `[retention]` a slice at a time, with a test clock.
final class RetentionEngineTests: XCTestCase {
    static let t0 = Instant(milliseconds: 1_790_000_000_000)
    static let day: Int64 = 86_400_000

    final class Harness {
        let now = NIOLockedValueBox(RetentionEngineTests.t0)
        let engine: Engine
        let store: CallCenterStore
        let output = NIOLockedValueBox<[UInt8]>([])
        let session: Session

        init(retention: RetentionPolicy) throws {
            var config = DaemonConfig(defaults: DefaultPaths(socket: "/nonexistent/s.sock", database: ":memory:"))
            config.retention = retention
            store = try CallCenterStore(inMemory: ())
            let now = now
            engine = try Engine(config: config, store: store, logger: Logger(label: "test"), daemonUID: 0, clock: { now.withLockedValue { $0 } })
            try engine.applyConfiguredQueues(actor: "config")
            session = Session(id: 1, channel: EmbeddedChannel(), uid: 0, gids: [], pid: 1)
            let output = output
            session.deliver = { d in output.withLockedValue { $0 += d.bytes } }
        }

        func advance(days: Int64) { now.withLockedValue { $0 = Instant(milliseconds: $0.milliseconds + days * RetentionEngineTests.day) } }
        var clock: Instant { now.withLockedValue { $0 } }

        /// Runs these request lines as `role` in one pass; their replies, in order.
        func pass(as role: Role, _ lines: [String]) throws -> [JSONValue] {
            session.role = role
            output.withLockedValue { $0 = [] }
            engine.pass(try lines.map { .request(session, try Request.parse(Array($0.utf8)).get()) })
            let text = String(decoding: output.withLockedValue { $0 }, as: UTF8.self)
            return try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }.filter { $0["id"] != nil }
        }

        /// Slices until the sweep is over; how many slices it took.
        func sweep() -> Int {
            var slices = 1
            while engine.pruneSlice(now: clock) {
                let due = engine.retentionDue!.milliseconds - clock.milliseconds
                XCTAssertTrue((1...1000).contains(due), "the next slice of a backlog is due after a short rest, not \(due) ms")
                slices += 1
                if slices > 100 { break }
            }
            return slices
        }
    }

    func testOldHistoryIsPrunedInSlicesAndTheLiveStateStays() throws {
        let h = try Harness(retention: RetentionPolicy(journalDays: 30, callsDays: 31))
        XCTAssertEqual(h.engine.retentionDue, Self.t0, "a sweep is due as soon as the engine starts")
        XCTAssertEqual(try h.pass(as: .pbx, [
            #"{"id":1,"op":"call.offer","call":"old1","from":"13800001111"}"#,
            #"{"id":2,"op":"call.offer","call":"old2","from":"13800002222"}"#,
            #"{"id":3,"op":"call.offer","call":"waiting","from":"13800003333"}"#,
            #"{"id":4,"op":"call.hangup","call":"old1","by":"caller"}"#,
            #"{"id":5,"op":"call.hangup","call":"old2","by":"caller"}"#,
        ]).map { $0["ok"] }, [true, true, true, true, true])
        XCTAssertEqual(h.sweep(), 1)
        XCTAssertEqual(try h.store.journalCount(), 6, "nothing is old yet (the configured queue and five requests)")
        XCTAssertEqual(h.engine.retentionDue, Instant(milliseconds: Self.t0.milliseconds + Engine.pruneIntervalMilliseconds))

        h.advance(days: 40)
        XCTAssertEqual(try h.pass(as: .pbx, [#"{"id":6,"op":"call.offer","call":"new","from":"13800004444"}"#]).first?["ok"], true)
        h.engine.pruneSliceRows = 2
        XCTAssertEqual(h.sweep(), 4, "six old journal entries, two rows a slice, then a slice that finds fewer")
        XCTAssertEqual(try h.store.journal().map(\.op), ["call.offer"], "only the new offer's entry is left")
        XCTAssertEqual(h.engine.retentionDue, Instant(milliseconds: h.clock.milliseconds + Engine.pruneIntervalMilliseconds))

        let replies = try h.pass(as: .supervisor, [
            #"{"id":7,"op":"call.get","call":"old1"}"#,
            #"{"id":8,"op":"call.get","call":"waiting"}"#,
            #"{"id":9,"op":"call.get","call":"new"}"#,
        ])
        XCTAssertEqual(replies[0]["error"]?["code"], "not_found", "the ended call's log is gone: \(replies[0])")
        XCTAssertEqual(replies[1]["result"]?["state"], "queued", "a call still waiting is live state, never history")
        XCTAssertEqual(replies[2]["result"]?["state"], "queued")
        XCTAssertEqual(try h.store.loadSnapshot().calls.map(\.id), ["waiting", "new"], "a restart still finds both waiting calls")
    }

    func testAReloadStartsOrStopsPruning() throws {
        let h = try Harness(retention: RetentionPolicy())
        XCTAssertNil(h.engine.retentionDue, "nothing to prune: no sweep is ever due")
        var next = h.engine.config
        next.retention = RetentionPolicy(auditDays: 365)
        let notes = NIOLockedValueBox<[String]>([])
        h.advance(days: 1)
        h.engine.pass([.reload(next, { got in notes.withLockedValue { $0 = got } })])
        XCTAssertEqual(notes.withLockedValue { $0 }, ["history past the new [retention] is pruned from now on"])
        XCTAssertEqual(h.engine.retentionDue, h.clock)
        next.retention = RetentionPolicy()
        h.engine.pass([.reload(next, { got in notes.withLockedValue { $0 = got } })])
        XCTAssertEqual(notes.withLockedValue { $0 }, ["history is kept for ever"])
        XCTAssertNil(h.engine.retentionDue)
    }

    /// A reload whose file names another default queue, without declaring it, changes
    /// nothing until the restart: not the running default, not the queue it names
    /// (whose settings queue.upsert gave it).
    func testAReloadWithAnotherDefaultQueueLeavesThatQueueAlone() throws {
        let h = try Harness(retention: RetentionPolicy())
        h.session.role = .admin
        let upsert = try Request.parse(Array(#"{"id":1,"op":"queue.upsert","queue":"sales","skills":{"sales":5},"wrap_up":42}"#.utf8)).get()
        h.engine.pass([.request(h.session, upsert)])
        let next = try ConfigFixture.parse("[routing]\ndefault_queue = \"sales\"\n[queues.vip]\nwrap_up = 7")
        let notes = NIOLockedValueBox<[String]>([])
        h.engine.pass([.reload(next, { got in notes.withLockedValue { $0 = got } })])
        XCTAssertEqual(notes.withLockedValue { $0 },
                       ["socket, socket_mode, database, synchronous, max_line_bytes, log_level and default_queue change only at restart", "queue vip updated"])
        XCTAssertEqual(h.engine.core.queues["sales"]?.config.wrapUp, 42)
        XCTAssertEqual(h.engine.core.queues["sales"]?.config.skills, ["sales": 5])
        XCTAssertEqual(h.engine.core.queues["vip"]?.config.wrapUp, 7)
        XCTAssertEqual(h.engine.config.core.defaultQueue, "general")

        // A new default queue that does not exist yet is created, so the numbers
        // the file sends to it work before the restart.
        let other = try ConfigFixture.parse("[routing]\ndefault_queue = \"night\"\n[routing.numbers]\n\"4001\" = \"night\"")
        h.engine.pass([.reload(other, { _ in })])
        XCTAssertEqual(h.engine.core.queues["night"]?.config, QueueConfig(id: "night"))
        XCTAssertEqual(h.engine.core.queues["sales"]?.config.wrapUp, 42, "the earlier one stays as queue.upsert left it")
    }

    /// A key that changes only at restart is named in the reload's note, log_level too.
    func testARestartOnlyKeyIsNamedAtAReload() throws {
        let h = try Harness(retention: RetentionPolicy())
        var next = h.engine.config
        next.logLevel = .error
        let notes = NIOLockedValueBox<[String]>([])
        h.engine.pass([.reload(next, { got in notes.withLockedValue { $0 = got } })])
        XCTAssertEqual(notes.withLockedValue { $0 },
                       ["socket, socket_mode, database, synchronous, max_line_bytes, log_level and default_queue change only at restart"])
        XCTAssertEqual(h.engine.config.logLevel, .info, "the running value stays")
    }
}
