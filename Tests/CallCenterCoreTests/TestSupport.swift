import XCTest
import CallCenterCore

// MARK: - Clock

/// A clock the test moves by hand: the core never reads time itself.
struct TestClock {
    /// 2023-11-14T22:13:20Z, an arbitrary fixed start.
    var now = Instant(milliseconds: 1_700_000_000_000)

    mutating func advance(_ seconds: Double) { now = now.adding(seconds: seconds) }

    /// The start plus `seconds`, for deadlines computed from a known moment.
    func after(_ seconds: Double) -> Instant { now.adding(seconds: seconds) }
}

// MARK: - Builders

/// An agent profile whose seat is `s` + its id unless given.
func profile(_ id: AgentID, seat: String? = nil, skills: [String: Int] = [:]) -> AgentProfile {
    AgentProfile(id: id, name: "Agent \(id)", seat: seat ?? "s-\(id)", skills: skills)
}

/// A call center driven through a test clock, with helpers that fail loudly when
/// the core refuses an input that should have been accepted.
struct Desk {
    var center: CallCenter
    var clock = TestClock()

    /// Queues as given, agents created (logged out).
    init(settings: CallCenter.Settings = CallCenter.Settings(),
         queues: [QueueConfig] = [QueueConfig(id: "general")],
         agents: [AgentProfile] = []) throws {
        center = CallCenter(settings: settings)
        for queue in queues { try apply(.upsertQueue(queue)) }
        for agent in agents { try apply(.upsertAgent(agent, tokenHash: nil)) }
    }

    var now: Instant { clock.now }

    mutating func advance(_ seconds: Double) { clock.advance(seconds) }

    /// A restart: the core rebuilt from its own snapshot (the store's part is
    /// tested apart), which must snapshot the same again.
    mutating func restart(file: StaticString = #filePath, line: UInt = #line) {
        let snapshot = center.snapshot
        center = CallCenter(settings: center.settings, restoring: snapshot)
        XCTAssertEqual(center.snapshot, snapshot, "restoring then snapshotting gives the same state", file: file, line: line)
    }

    /// This desk as it goes on, and a copy of it restarted.
    func withRestarted() -> [Desk] {
        var restarted = self
        restarted.restart()
        return [self, restarted]
    }

    /// Applies an input at the clock's time; throws the core's refusal.
    @discardableResult
    mutating func apply(_ input: Input) throws -> CallCenter.Applied {
        try center.apply(input, at: clock.now).get()
    }

    /// Applies an input that must be refused; checks that nothing changed and returns the error.
    mutating func refuse(_ input: Input, file: StaticString = #filePath, line: UInt = #line) -> CoreError? {
        let before = center.snapshot
        let deadlineBefore = center.nextDeadline()
        switch center.apply(input, at: clock.now) {
        case .success:
            XCTFail("expected \(input) to be refused", file: file, line: line)
            return nil
        case let .failure(error):
            XCTAssertEqual(center.snapshot, before, "a refused input changed the state", file: file, line: line)
            XCTAssertEqual(center.nextDeadline(), deadlineBefore, "a refused input changed the deadlines", file: file, line: line)
            return error
        }
    }

    // MARK: Shorthands

    @discardableResult
    mutating func offer(_ call: CallID, queue: QueueID? = nil, from: String? = nil) throws -> OfferResult {
        let applied = try apply(.offerCall(call: call, from: from ?? "+86-\(call)", to: "400-800", queue: queue, attributes: [:]))
        guard case let .offered(result) = applied.outcome else {
            throw CoreError(.badRequest, "test: call.offer answered \(applied.outcome)")
        }
        return result
    }

    @discardableResult
    mutating func login(_ agent: AgentID, seat: String? = nil) throws -> CallCenter.Applied {
        try apply(.agentLogin(agent: agent, seat: seat))
    }

    @discardableResult
    mutating func ready(_ agent: AgentID) throws -> CallCenter.Applied {
        try apply(.agentSetState(agent: agent, state: .ready, reason: nil))
    }

    @discardableResult
    mutating func notReady(_ agent: AgentID, reason: String? = "break") throws -> CallCenter.Applied {
        try apply(.agentSetState(agent: agent, state: .notReady, reason: reason))
    }

    /// Logs every agent in and makes them ready, in the given order.
    mutating func loginReady(_ agents: AgentID...) throws {
        for agent in agents {
            try login(agent)
            try ready(agent)
        }
    }

    @discardableResult
    mutating func answer(_ call: CallID, by agent: AgentID) throws -> CallCenter.Applied {
        try apply(.callAnswered(call: call, agent: agent))
    }

    @discardableResult
    mutating func hangup(_ call: CallID, by side: HangupSide = .caller) throws -> CallCenter.Applied {
        try apply(.callHangup(call: call, by: side, cause: nil))
    }

    @discardableResult
    mutating func tick() throws -> CallCenter.Applied { try apply(.tick) }

    // MARK: Reading

    func call(_ id: CallID) -> Call? { center.calls[id] }

    func agent(_ id: AgentID) -> Agent {
        guard let agent = center.agents[id] else { preconditionFailure("test: no agent \(id)") }
        return agent
    }

    func state(_ id: AgentID) -> AgentState { agent(id).state }

    /// Ids of the calls waiting in `queue`, in serving order.
    func waiting(_ queue: QueueID = "general") -> [CallID] { center.waitingCalls(in: queue).map(\.id) }

    func stats(_ queue: QueueID = "general") throws -> QueueStats {
        let all = try center.stats(queue: queue, now: clock.now)
        guard let first = all.first else { throw CoreError(.notFound, "test: no stats for \(queue)") }
        return first
    }
}

// MARK: - Effects

extension CallCenter.Applied {
    /// The `.route` effects, as (call, agent, seat).
    var routes: [(call: CallID, agent: AgentID, seat: String)] {
        effects.compactMap { if case let .route(call, agent, seat) = $0 { return (call, agent, seat) } else { return nil } }
    }

    /// The `.cancelRoute` effects, as (call, agent, seat, reason).
    var cancels: [(call: CallID, agent: AgentID, seat: String, reason: String)] {
        effects.compactMap {
            if case let .cancelRoute(call, agent, seat, reason) = $0 { return (call, agent, seat, reason) } else { return nil }
        }
    }

    /// Names of the `call.*` notices, in order.
    var callEvents: [String] {
        effects.compactMap { if case let .notice(.call(event, _, _)) = $0 { return event } else { return nil } }
    }
}

// MARK: - Randomness

/// A tiny seeded xorshift64 generator, so randomized tests replay exactly.
struct XorShift64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
