import CallCenterCore
import Foundation
import XCTest
@testable import CallCenterStore

/// The hand-written JSON of the hot projection columns reads back as what
/// `JSONDecoder` expects, and a leg written twice in a batch is written once.
final class ProjectionJSONTests: XCTestCase {
    func testCountersReadBackExactly() throws {
        var counters = QueueCounters(day: 20_423)
        counters.offered = 12
        counters.answered = 9
        counters.answeredWithinThreshold = 7
        counters.abandoned = 2
        counters.shortAbandoned = 1
        counters.abandonedAfterThreshold = 1
        counters.answeredWaitSeconds = 123.25
        counters.handled = 8
        counters.handleSeconds = 1_440.5
        counters.timedOut = 1
        counters.rejected = 3
        let text = ProjectionJSON.counters(counters)
        XCTAssertEqual(try JSONDecoder().decode(QueueCounters.self, from: Data(text.utf8)), counters)
        // The same keys as JSONEncoder writes (a restart of an older file reads either).
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let reference = try JSONSerialization.jsonObject(with: encoder.encode(counters)) as? [String: Any]
        let ours = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        XCTAssertEqual(reference.map { Set($0.keys) }, ours.map { Set($0.keys) })
    }

    func testNonFiniteSecondsAreWrittenAsZero() throws {
        var counters = QueueCounters()
        counters.handleSeconds = .infinity
        let decoded = try JSONDecoder().decode(QueueCounters.self, from: Data(ProjectionJSON.counters(counters).utf8))
        XCTAssertEqual(decoded.handleSeconds, 0)
    }

    func testAttributesWithEscapesReadBack() throws {
        let attributes = ["intent": "complaint", "note": "said \"hello\"\nthen\\left\t", "语言": "粤语", "ctl": "\u{01}"]
        let text = ProjectionJSON.object(attributes)
        XCTAssertEqual(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)), attributes)
        XCTAssertEqual(ProjectionJSON.object([:]), "{}")
        XCTAssertEqual(ProjectionJSON.object(["b": "2", "a": "1"]), #"{"a":"1","b":"2"}"#, "keys sorted")
    }

    /// The memo gives the encoding of the profile it was given, also after a change.
    func testMemoFollowsProfileChanges() throws {
        let memo = EncodingMemo()
        var profile = AgentProfile(id: "a1", name: "A", seat: "s1", skills: ["billing": 5], languages: ["zh"])
        XCTAssertEqual(try memo.profile(profile).skills, #"{"billing":5}"#)
        profile.skills = ["billing": 6, "complaints": 3]
        profile.languages = ["zh", "yue"]
        let encoded = try memo.profile(profile)
        XCTAssertEqual(encoded.skills, #"{"billing":6,"complaints":3}"#)
        XCTAssertEqual(encoded.languages, #"["zh","yue"]"#)
    }

    /// A leg that appears twice in one batch (queued, then ringing) ends up as its last version.
    func testLegWrittenTwiceKeepsTheLastVersion() throws {
        let store = try CallCenterStore()
        var batch = CommitBatch()
        batch.entries = [Fixture.entry(1)]
        var ringing = Fixture.call("c1", ticket: 1, state: .ringing, agent: "a1")
        ringing.routeReason = "longest_idle among 1 [a1]"
        batch.legs = [Fixture.call("c1", ticket: 1), ringing]
        batch.nextTicket = 2
        try store.commit(batch)
        let log = try store.callLog(call: "c1")
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log.first?.call.state, .ringing)
        XCTAssertEqual(log.first?.call.routeReason, "longest_idle among 1 [a1]")
        XCTAssertEqual(try store.loadSnapshot().calls.map(\.state), [.ringing])
    }
}
