import CallCenterClient
import Foundation

/// A replay as it runs: an admin session works the agents' shifts, a PBX session
/// offers, answers and hangs up the calls, and a timeline holds what is due when.
struct ReplayRun {
    enum Step {
        case shiftStart(String), shiftEnd(String), offer(Int), callerHangsUp(Int), agentHangsUp(Int), sweep
    }
    enum CallState { case pending, waiting, talking, ended }

    /// Recorded seconds a service level counts (the daemon's default `service_level`).
    static let threshold = 20.0
    /// Calls still waiting this long (recorded seconds) after the last arrival are hung up.
    static let sweepAfter = 1800

    let plan: ReplayPlan
    let speed: Double
    let wrapUp: Double
    let strategy: String
    let admin: CallCenterConnection
    let pbx: CallCenterConnection
    let prefix = "replay-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    /// Due steps, latest first (the next one is `last`).
    private var timeline: [(at: UInt64, step: Step)] = []
    private var state: [CallState]
    private var offeredAt: [UInt64]
    private var ended = 0
    private var indexOfCall: [String: Int] = [:]
    /// Shift ends the daemon refused (the agent was ringing): tried again shortly.
    private var shiftEnds: [String: Step] = [:]
    private var start: UInt64 = 0
    private let origin: Int
    private(set) var recorded: [String: ReplayFigures] = [:]
    private(set) var replayed: [String: ReplayFigures] = [:]
    private(set) var errors: [String] = []

    init(plan: ReplayPlan, speed: Double, wrapUp: Double, strategy: String, global: GlobalOptions) throws {
        self.plan = plan
        self.speed = speed
        self.wrapUp = wrapUp
        self.strategy = strategy
        var options = global
        options.role = "admin"
        admin = try options.connect(timeout: 30).0
        options.role = "pbx"
        pbx = try options.connect(timeout: 30).0
        state = Array(repeating: .pending, count: plan.calls.count)
        offeredAt = Array(repeating: 0, count: plan.calls.count)
        origin = min(plan.calls.first?.arrival ?? 0, plan.shifts.first?.start ?? .max)
        for call in plan.calls {
            Self.count(call, in: &recorded) {
                $0.offered += 1
                if call.answered { $0.answer(wait: Double(call.wait), threshold: Self.threshold) } else { $0.abandon(wait: Double(call.wait), threshold: Self.threshold) }
            }
        }
    }

    /// The figures a call counts in: its type's, and its callers' (`high_value` or `other`).
    static func count(_ call: RecordedCall, in figures: inout [String: ReplayFigures], _ change: (inout ReplayFigures) -> Void) {
        change(&figures[call.type, default: .init()])
        change(&figures[Self.callers(call), default: .init()])
    }

    /// The bank's high-priority customers (priority 2) are offered as `high_value`.
    static func callers(_ call: RecordedCall) -> String { call.priority == 2 ? "callers:high_value" : "callers:other" }

    static func queue(_ type: String) -> String { "replay-" + type.lowercased() }
    static func agent(_ name: String) -> String { "replay-" + name.lowercased() }

    /// Queues and agents, as the recording has them; every agent logged out to begin with.
    func setUp() throws {
        for type in plan.types {
            _ = try admin.call("queue.upsert", [
                "queue": Self.queue(type), "skills": [type.lowercased(): 1], "strategy": strategy,
                "service_level": Self.threshold / speed, "wrap_up": wrapUp / speed, "ring_timeout": 60,
                "max_wait": NSNull(), "max_attempts": 0, "manager_wait": 0, "overflow": [Any](),
                "on_timeout": "voicemail", "max_wait_no_agent": NSNull(),
            ])
        }
        // Agents of an earlier replay on this daemon take no calls in this one.
        for agent in try admin.call("agent.list")["agents"] as? [[String: Any]] ?? [] {
            if let id = agent["agent"] as? String, id.hasPrefix("replay-"), agent["state"] as? String != "logged_out" {
                _ = try? admin.call("agent.logout", ["agent": id])
            }
        }
        for name in Set(plan.shifts.map(\.agent)).sorted() {
            let id = Self.agent(name)
            let skills = Dictionary(uniqueKeysWithValues: plan.skills[name, default: []].map { ($0.lowercased(), 5) })
            _ = try admin.call("agent.upsert", ["agent": id, "name": name, "seat": id, "skills": skills, "languages": [Any](), "tiers": [Any]()])
        }
    }

    /// A recording may use a call id twice in a day: the replay's ids are by place in the plan.
    private func callID(_ i: Int) -> String { "\(prefix)-\(i + 1)-\(plan.calls[i].id)" }

    private func at(_ recordedSecond: Int) -> UInt64 {
        start + UInt64(max(0, Double(recordedSecond - origin)) / speed * 1e9)
    }

    private func recordedSeconds(since t: UInt64) -> Double { Double(monotonicNow() - t) / 1e9 * speed }

    private mutating func schedule(_ step: Step, at t: UInt64) {
        var low = 0, high = timeline.count  // descending by time: insert after every later step
        while low < high {
            let mid = (low + high) / 2
            if timeline[mid].at > t { low = mid + 1 } else { high = mid }
        }
        timeline.insert((t, step), at: low)
    }

    mutating func play() throws {
        start = monotonicNow()
        for shift in plan.shifts {
            schedule(.shiftStart(shift.agent), at: at(shift.start))
            schedule(.shiftEnd(shift.agent), at: at(shift.end))
        }
        for (i, call) in plan.calls.enumerated() {
            schedule(.offer(i), at: at(call.arrival))
            if !call.answered { schedule(.callerHangsUp(i), at: at(call.arrival + call.wait)) }
        }
        schedule(.sweep, at: at((plan.calls.last?.arrival ?? origin) + Self.sweepAfter))
        // Until every call has ended: shifts that end later do not matter.
        while let next = timeline.last, ended < state.count {
            try drain(until: next.at)
            let now = monotonicNow()
            while let due = timeline.last, due.at <= now {
                timeline.removeLast()
                try perform(due.step)
            }
        }
        try drain(until: monotonicNow() + 500_000_000)
        // Shifts that end later would leave agents ready: the replay is over.
        for name in Set(plan.shifts.map(\.agent)) { try admin.send("agent.logout", ["agent": Self.agent(name)]) }
        try drain(until: monotonicNow() + 200_000_000)
    }

    private mutating func perform(_ step: Step) throws {
        switch step {
        case let .shiftStart(name):
            try admin.send("agent.login", ["agent": Self.agent(name)])
            try admin.send("agent.state", ["agent": Self.agent(name), "state": "ready"])
        case let .shiftEnd(name):
            shiftEnds[try admin.send("agent.state", ["agent": Self.agent(name), "state": "not_ready", "reason": "end_of_shift"])] = step
        case let .offer(i):
            let call = plan.calls[i]
            let id = callID(i)
            indexOfCall[id] = i
            var fields: [String: Any] = ["call": id, "from": "anonymous", "queue": Self.queue(call.type)]
            if Self.callers(call) == "callers:high_value" { fields["attributes"] = ["tier": "high_value"] }
            try pbx.send("call.offer", fields)
            state[i] = .waiting
            offeredAt[i] = monotonicNow()
            Self.count(call, in: &replayed) { $0.offered += 1 }
        case let .callerHangsUp(i):
            guard state[i] == .waiting else { return }
            try hangUp(i, by: "caller")
        case let .agentHangsUp(i):
            try pbx.send("call.hangup", ["call": callID(i), "by": "agent"])
            state[i] = .ended
            ended += 1
        case .sweep:
            for i in state.indices where state[i] == .waiting {
                try hangUp(i, by: "caller")
                Self.count(plan.calls[i], in: &replayed) { $0.unserved += 1 }
            }
        }
    }

    private mutating func hangUp(_ i: Int, by: String) throws {
        try pbx.send("call.hangup", ["call": callID(i), "by": by])
        state[i] = .ended
        ended += 1
        let wait = recordedSeconds(since: offeredAt[i])
        Self.count(plan.calls[i], in: &replayed) { $0.abandon(wait: wait, threshold: Self.threshold) }
    }

    /// Takes routes and replies until `deadline`.
    private mutating func drain(until deadline: UInt64) throws {
        while true {
            while let message = try admin.next(timeout: 0) {
                guard case let .reply(id, ok, body) = message else { continue }
                if !ok, let step = shiftEnds[id], Self.error(body).code == "invalid_transition" {
                    schedule(step, at: monotonicNow() + 20_000_000)  // ringing: once it is answered
                } else if !ok {
                    failed(body)
                }
                shiftEnds[id] = nil
            }
            let now = monotonicNow()
            guard now < deadline else { return }
            guard let message = try pbx.next(timeout: min(Double(deadline - now) / 1e9, 0.05)) else { continue }
            switch message {
            case let .event(name, body) where name == "route":
                guard let call = body["call"] as? String, let i = indexOfCall[call], state[i] == .waiting else { continue }
                try pbx.send("call.answered", ["call": call, "agent": body["agent"] as? String ?? ""])
                state[i] = .talking
                let wait = recordedSeconds(since: offeredAt[i])
                Self.count(plan.calls[i], in: &replayed) { $0.answer(wait: wait, threshold: Self.threshold) }
                schedule(.agentHangsUp(i), at: monotonicNow() + UInt64(Double(plan.calls[i].talk) / speed * 1e9))
            case let .reply(_, ok, body) where !ok:
                failed(body)
            default:
                continue
            }
        }
    }

    private static func error(_ body: [String: Any]) -> (code: String, message: String) {
        let error = body["error"] as? [String: Any]
        return (error?["code"] as? String ?? "error", error?["message"] as? String ?? "")
    }

    private mutating func failed(_ body: [String: Any]) {
        let (code, message) = Self.error(body)
        errors.append("\(code): \(message)")
    }
}
