@testable import CallCenterDaemon
import CallCenterStore
import CallCenterWire
import NIOConcurrencyHelpers
import NIOEmbedded
import XCTest

/// A route must reach a PBX: when the connection it was given to cannot take it
/// (closed, failed write, overflow), it goes to another PBX or the next to say hello.
final class RouteDeliveryTests: XCTestCase {
    typealias Harness = EnginePassTests.Harness

    /// A PBX connection and everything it was handed.
    struct Link {
        let session: Session
        let heard = NIOLockedValueBox<[Delivery]>([])

        init(id: Int) {
            session = Session(id: id, channel: EmbeddedChannel(), uid: 0, gids: [], pid: Int32(id))
            let heard = heard
            session.deliver = { d in heard.withLockedValue { $0.append(d) } }
        }

        func request(_ line: String) throws -> Engine.Submission {
            .request(session, try Request.parse(Array(line.utf8)).get())
        }

        /// What it was sent, one JSON object per line.
        var lines: [JSONValue] {
            let text = String(decoding: heard.withLockedValue { $0.flatMap(\.bytes) }, as: UTF8.self)
            return text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
        }

        var routes: [JSONValue] { lines.filter { $0["event"] == "route" } }
    }

    func harnessWithCallWaiting(from pbx: Link) throws -> Harness {
        let h = try Harness(store: CallCenterStore())
        h.engine.pass([.opened(pbx.session), try pbx.request(#"{"id":1,"op":"hello","role":"pbx"}"#),
                       try pbx.request(#"{"id":2,"op":"call.offer","call":"c1","from":"13800001111"}"#)])
        XCTAssertEqual(pbx.lines.map { $0["ok"] }, [true, true])
        return h
    }

    let makeReady = [
        #"{"id":10,"op":"agent.upsert","agent":"a1","seat":"201"}"#,
        #"{"id":11,"op":"agent.login","agent":"a1"}"#,
        #"{"id":12,"op":"agent.state","agent":"a1","state":"ready"}"#,
    ]

    func testARouteItsConnectionCouldNotTakeGoesToTheNextPBXThatSaysHello() throws {
        let a = Link(id: 2)
        let h = try harnessWithCallWaiting(from: a)
        XCTAssertEqual(try h.pass(as: .admin, makeReady).map { $0["ok"] }, [true, true, true])
        XCTAssertEqual(a.routes.first?["call"], "c1")
        let kept = a.heard.withLockedValue { $0.last?.kept ?? [] }
        XCTAssertEqual(kept.count, 1, "the route is marked as a line to keep")

        h.engine.pass([.undelivered(a.session, kept)])  // its connection was gone
        let b = Link(id: 3)
        h.engine.pass([.opened(b.session), try b.request(#"{"id":1,"op":"hello","role":"pbx"}"#)])
        XCTAssertEqual(b.lines.first?["ok"], true, "the hello's reply first")
        XCTAssertEqual(b.routes.map { $0["call"] }, ["c1"])
        XCTAssertEqual(b.heard.withLockedValue { $0.flatMap(\.kept).count }, 1, "still a line to keep, should B fail too")
    }

    func testARouteForAConnectionThatClosedInThePassGoesToAnotherPBX() throws {
        let a = Link(id: 2)
        let h = try harnessWithCallWaiting(from: a)
        let b = Link(id: 3)
        h.engine.pass([.opened(b.session), try b.request(#"{"id":1,"op":"hello","role":"pbx"}"#)])
        h.session.role = .admin
        let requests = try makeReady.map { Engine.Submission.request(h.session, try Request.parse(Array($0.utf8)).get()) }
        // The route is given to A (its call's PBX), then A's close arrives in the same pass.
        h.engine.pass(requests + [.closed(a.session)])
        XCTAssertEqual(a.routes, [], "nothing is handed to a closed connection")
        XCTAssertEqual(b.routes.map { $0["call"] }, ["c1"])
    }

    /// A route given to every PBX (the call has no origin) and handed back by one
    /// is not sent again to the others: they have it.
    func testARouteHandedBackByOneOfSeveralPBXsIsNotRepeatedToTheOthers() throws {
        let h = try Harness(store: CallCenterStore())
        let a = Link(id: 2), b = Link(id: 3)
        h.engine.pass([.opened(a.session), try a.request(#"{"id":1,"op":"hello","role":"pbx"}"#),
                       .opened(b.session), try b.request(#"{"id":1,"op":"hello","role":"pbx"}"#)])
        XCTAssertEqual(try h.pass(as: .admin, [#"{"id":9,"op":"call.offer","call":"c1","from":"13800001111"}"#] + makeReady).map { $0["ok"] },
                       [true, true, true, true])
        XCTAssertEqual(a.routes.count, 1)
        XCTAssertEqual(b.routes.count, 1)
        h.engine.pass([.undelivered(a.session, a.heard.withLockedValue { $0.flatMap(\.kept) })])
        XCTAssertEqual(b.routes.count, 1, "B took it the first time")
        // B fails too: now nobody has it, and the next PBX gets it.
        h.engine.pass([.undelivered(b.session, b.heard.withLockedValue { $0.flatMap(\.kept) })])
        let c = Link(id: 4)
        h.engine.pass([.opened(c.session), try c.request(#"{"id":1,"op":"hello","role":"pbx"}"#)])
        XCTAssertEqual(c.routes.map { $0["call"] }, ["c1"])
        // A copy that comes back again (a late failure) sends nothing more.
        h.engine.pass([.undelivered(a.session, a.heard.withLockedValue { $0.flatMap(\.kept) })])
        XCTAssertEqual(c.routes.count, 1)
    }

    /// Both PBXs holding a route hand it back (a half-closing one and a reset one):
    /// the PBX connected after gets it once, not once per copy.
    func testARouteBothHoldersHandBackReachesTheThirdOnce() throws {
        let h = try Harness(store: CallCenterStore())
        let a = Link(id: 2), b = Link(id: 3), c = Link(id: 4)
        h.engine.pass([.opened(a.session), try a.request(#"{"id":1,"op":"hello","role":"pbx"}"#),
                       .opened(b.session), try b.request(#"{"id":1,"op":"hello","role":"pbx"}"#)])
        XCTAssertEqual(try h.pass(as: .admin, [#"{"id":9,"op":"call.offer","call":"c1","from":"13800001111"}"#] + makeReady).map { $0["ok"] },
                       [true, true, true, true])
        h.engine.pass([.opened(c.session), try c.request(#"{"id":1,"op":"hello","role":"pbx"}"#), .inputClosed(b.session)])
        h.engine.pass([.undelivered(a.session, a.heard.withLockedValue { $0.flatMap(\.kept) })])
        XCTAssertEqual(c.routes.count, 0, "B may still write it")
        h.engine.pass([.undelivered(b.session, b.heard.withLockedValue { $0.flatMap(\.kept) })])
        XCTAssertEqual(c.routes.map { $0["call"] }, ["c1"])
    }

    /// A PBX that half-closed (it is leaving) gets no route; the others do, once.
    func testAHalfClosedPBXTakesNoRoutes() throws {
        let a = Link(id: 2)
        let h = try harnessWithCallWaiting(from: a)
        let b = Link(id: 3)
        h.engine.pass([.opened(b.session), try b.request(#"{"id":1,"op":"hello","role":"pbx"}"#), .inputClosed(a.session)])
        XCTAssertTrue(a.heard.withLockedValue { $0.last?.close ?? false }, "closed after its replies")
        XCTAssertEqual(try h.pass(as: .admin, makeReady).map { $0["ok"] }, [true, true, true])
        XCTAssertEqual(a.routes, [])
        XCTAssertEqual(b.routes.map { $0["call"] }, ["c1"])
    }

    func testAPositionAnnouncementIsNotKept() throws {
        var outbox = Outbox()
        let a = Link(id: 2)
        a.session.isOpen = false
        outbox.event(a.session, Array("{\"event\":\"call.position\"}\n".utf8))
        outbox.event(a.session, Array("{\"event\":\"route\"}\n".utf8), keep: KeptLine(bytes: Array("{\"event\":\"route\"}\n".utf8), recipients: [a.session]))
        XCTAssertEqual(outbox.send().map(\.line.bytes), [Array("{\"event\":\"route\"}\n".utf8)], "only the route comes back")
    }
}
