@testable import CallCenterDaemon
import NIOConcurrencyHelpers
import NIOEmbedded
import XCTest

/// The outbox's order rules, without a daemon: nothing after a close, and a
/// report's reply before what its session was sent while it ran.
final class OutboxTests: XCTestCase {
    /// What one session was handed: each write's text, "<close>" for a close.
    func session() -> (Session, NIOLockedValueBox<[String]>) {
        let session = Session(id: 1, channel: EmbeddedChannel(), uid: 0, gids: [], pid: 1)
        let writes = NIOLockedValueBox<[String]>([])
        session.deliver = { d in
            writes.withLockedValue {
                if !d.bytes.isEmpty { $0.append(String(decoding: d.bytes, as: UTF8.self)) }
                if d.close { $0.append("<close>") }
            }
        }
        return (session, writes)
    }

    func testNothingIsSentAfterAClose() {
        let (s, writes) = session()
        var outbox = Outbox()
        outbox.event(s, Array("rotated\n".utf8))
        outbox.close(s, causedByChange: true)
        outbox.event(s, Array("call.assigned\n".utf8))
        _ = outbox.send()
        XCTAssertEqual(writes.withLockedValue { $0 }, ["rotated\n", "<close>"])
    }

    func testAReportsReplyComesBeforeWhatWasHeldBehindIt() {
        let (s, writes) = session()
        var outbox = Outbox()
        outbox.reply(s, Array("p0\n".utf8))
        outbox.startHold(s)  // the report r1 starts
        outbox.reply(s, Array("p2\n".utf8))
        _ = outbox.send()
        XCTAssertEqual(writes.withLockedValue { $0 }, ["p0\n"], "what came before the report goes out; what came after waits")
        outbox.event(s, Array("e3\n".utf8))
        _ = outbox.send()
        XCTAssertEqual(writes.withLockedValue { $0 }, ["p0\n"])
        outbox.release(s, reply: Array("r1\n".utf8))
        outbox.reply(s, Array("p4\n".utf8))
        _ = outbox.send()
        XCTAssertEqual(writes.withLockedValue { $0 }, ["p0\n", "r1\np2\ne3\np4\n"])
        XCTAssertNil(s.heldOutput)
    }

    func testASubscriberHeldPastTheLimitOverflows() {
        let (s, writes) = session()
        s.topics = [.calls]
        var outbox = Outbox()
        outbox.heldLimit = 10
        outbox.startHold(s)
        outbox.event(s, Array("0123456789abc\n".utf8))
        outbox.event(s, Array("later\n".utf8))
        _ = outbox.send()
        outbox.release(s, reply: Array("r\n".utf8))
        _ = outbox.send()
        XCTAssertEqual(writes.withLockedValue { $0 }, ["r\n{\"event\":\"overflow\"}\n", "<close>"])
    }
}
