import CallCenterCore
import CallCenterStore
import Foundation
import XCTest

/// Builders for consistent rows (every value the schema's CHECKs accept) and a
/// driver that runs a real core and commits what it changes, as the engine does.
enum Fixture {
    static let t0 = Instant(milliseconds: 1_790_000_000_000)

    static func at(_ seconds: Double) -> Instant { t0.adding(seconds: seconds) }

    static func entry(_ seq: Int64, op: String = "call.offer", actor: String = "pbx", at seconds: Double = 0) -> JournalEntry {
        JournalEntry(seq: seq, at: at(seconds), op: op, actor: actor, payload: #"{"op":"\#(op)","seq":\#(seq)}"#)
    }

    static func queue(_ id: QueueID, skills: [String: Int] = [:], wrapUp: Double = 0, maxWait: Double? = nil) -> Queue {
        var counters = QueueCounters(day: 20_717)
        counters.offered = 3
        counters.answered = 2
        counters.answeredWithinThreshold = 1
        counters.answeredWaitSeconds = 12.345
        return Queue(
            config: QueueConfig(id: id, skills: skills, wrapUp: wrapUp, ringTimeout: 15, maxWait: maxWait, serviceLevel: 30),
            counters: counters
        )
    }

    static func agent(_ id: AgentID, state: AgentState = .loggedOut, call: CallID? = nil) -> Agent {
        var agent = Agent(
            profile: AgentProfile(id: id, name: "Agent \(id)", seat: "seat-\(id)", skills: ["sales": 5, "yue": 7], languages: ["yue", "en"]),
            tokenHash: String(repeating: "ab", count: 32),
            since: at(1)
        )
        agent.state = state
        agent.call = call
        if state.isLoggedIn { agent.activeSeat = "desk-\(id)" }
        if state == .ready { agent.idleSince = at(2) }
        if state == .notReady { agent.reason = "break" }
        agent.answeredToday = 4
        agent.talkSecondsToday = 321.5
        return agent
    }

    static func call(_ id: CallID, ticket: UInt64, queue: QueueID = "general", state: CallState = .queued, agent: AgentID? = nil) -> Call {
        var call = Call(id: id, from: "+85291234567", to: "1800", queue: queue, attributes: ["tier": "gold"], ticket: ticket, at: at(10))
        call.state = state
        call.agent = agent
        call.priority = 1
        switch state {
        case .queued:
            break
        case .ringing:
            call.ringingAt = at(11)
        case .connected:
            call.ringingAt = at(11)
            call.answeredAt = at(12)
        case .ended:
            call.answeredAt = agent == nil ? nil : at(12)
            call.endedAt = at(40)
            call.outcome = agent == nil ? .abandoned : .completed
            call.hangupBy = .caller
            call.cause = "normal_clearing"
        }
        return call
    }

    /// A directory of its own under the temporary directory, removed by the test case's teardown.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callcenterd-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// A real core whose accepted inputs are journaled and projected into a store,
/// one commit per input, the way `Engine.pass` builds its batch.
struct Driver {
    var core: CallCenter
    let store: CallCenterStore
    var nextSeq: Int64 = 1
    /// How many inputs were committed.
    var committed = 0

    init(store: CallCenterStore, settings: CallCenter.Settings = .init()) {
        self.store = store
        core = CallCenter(settings: settings)
    }

    /// Applies `input` at `t0 + seconds`; fails the test when the core refuses it.
    @discardableResult
    mutating func apply(_ input: Input, at seconds: Double, file: StaticString = #filePath, line: UInt = #line) throws -> CallCenter.Applied {
        switch core.apply(input, at: Fixture.at(seconds)) {
        case let .failure(error):
            XCTFail("core refused \(input): \(error)", file: file, line: line)
            throw error
        case let .success(applied):
            var batch = CommitBatch()
            batch.entries = [JournalEntry(seq: nextSeq, at: Fixture.at(seconds), op: Self.op(input), actor: "test", payload: "\(input)")]
            batch.legs = applied.changes.legs
            batch.wrapUpsEnded = applied.changes.wrapUpsEnded
            batch.agents = applied.changes.agents.compactMap { core.agents[$0] }
            batch.queues = applied.changes.queues.compactMap { core.queues[$0] }
            batch.nextTicket = core.nextTicket
            batch.complaints = applied.changes.complaints
            try store.commit(batch)
            nextSeq += 1
            committed += 1
            return applied
        }
    }

    /// The input's case name (`offerCall`, `tick`, ...), as the journal's op.
    static func op(_ input: Input) -> String {
        String(String(describing: input).prefix { $0.isLetter || $0.isNumber })
    }
}
