public typealias QueueID = String

/// How a queue picks among eligible ready agents. Ties always go to the agent
/// idle longest, then to the lower agent id, so every choice is deterministic.
public enum RoutingStrategy: String, Sendable, Codable, CaseIterable {
    /// The agent free for the longest time (the default).
    case longestIdle = "longest_idle"
    /// The agent who answered the fewest calls today.
    case fewestCalls = "fewest_calls"
    /// The agent with the least talk time today.
    case leastTalk = "least_talk"
    /// The agent with the highest levels in the queue's skills.
    case mostSkilled = "most_skilled"
    /// The next agent (by id) after the one this queue used last.
    case roundRobin = "round_robin"
    /// A pseudo-random agent, reproducible from the call and agent ids.
    case random
}

/// What happens to a call that waited the queue's maximum, or rang unanswered
/// too many times: the PBX is told with a pushed `call.timeout`.
public enum TimeoutAction: Sendable, Equatable, Codable {
    /// The PBX takes the caller to voicemail; the call ends here (`timed_out`).
    case voicemail
    /// The PBX offers the caller a callback; the call ends here (`timed_out`).
    case callback
    /// The call moves to another queue (a new leg) and keeps waiting there.
    case queue(QueueID)

    /// `voicemail`, `callback` or `queue:NAME`.
    public var text: String {
        switch self {
        case .voicemail: return "voicemail"
        case .callback: return "callback"
        case let .queue(q): return "queue:\(q)"
        }
    }

    public init?(text: String) {
        switch text {
        case "voicemail": self = .voicemail
        case "callback": self = .callback
        default:
            guard text.hasPrefix("queue:"), text.count > 6 else { return nil }
            self = .queue(String(text.dropFirst(6)))
        }
    }
}

/// One overflow step: after a call has waited `after` seconds, widen who may take it.
public struct OverflowStep: Sendable, Equatable, Codable {
    public var after: Double
    /// Lower the skill minimums to these levels (`[:]`: no skills needed).
    public var relaxSkills: [String: Int]?
    /// Also offer the call to the agents of this queue.
    public var addQueue: QueueID?

    public init(after: Double, relaxSkills: [String: Int]? = nil, addQueue: QueueID? = nil) {
        self.after = after
        self.relaxSkills = relaxSkills
        self.addQueue = addQueue
    }
}

/// A queue's settings: what `queue.upsert` and the config file set.
public struct QueueConfig: Sendable, Equatable, Codable {
    public var id: QueueID
    /// Skill → minimum level an agent needs to take this queue's calls.
    public var skills: [String: Int]
    public var strategy: RoutingStrategy
    /// Seconds of wrap-up after each connected call; 0 means straight back to ready.
    public var wrapUp: Double
    /// Seconds a seat may ring before the call goes to the next agent.
    public var ringTimeout: Double
    /// Seconds a call may wait; nil for no limit.
    public var maxWait: Double?
    /// The service-level threshold T: answered within T seconds counts as met.
    public var serviceLevel: Double
    /// What happens at `maxWait` or after `maxAttempts` unanswered rings.
    public var onTimeout: TimeoutAction = .voicemail
    /// Rings without answer before the call times out; 0 for no limit.
    public var maxAttempts: Int = 0
    /// Seconds a call may wait for its busy account manager before anyone may take it.
    public var managerWait: Double = 30
    /// Ordered overflow steps (by `after`).
    public var overflow: [OverflowStep] = []
    /// Seconds a call may wait while nobody who may take it (the queue's agents,
    /// those of queues its overflow added) is working, that is logged in and not
    /// `not_ready`; then `onTimeout`, reason `no_agent`. 0: at once. Nil (the
    /// default): calls wait for agents to come.
    public var maxWaitNoAgent: Double?

    public init(
        id: QueueID, skills: [String: Int] = [:], strategy: RoutingStrategy = .longestIdle,
        wrapUp: Double = 0, ringTimeout: Double = 20, maxWait: Double? = nil, serviceLevel: Double = 20,
        onTimeout: TimeoutAction = .voicemail, maxAttempts: Int = 0, managerWait: Double = 30, overflow: [OverflowStep] = [],
        maxWaitNoAgent: Double? = nil
    ) {
        self.id = id
        self.skills = skills
        self.strategy = strategy
        self.wrapUp = wrapUp
        self.ringTimeout = ringTimeout
        self.maxWait = maxWait
        self.serviceLevel = serviceLevel
        self.onTimeout = onTimeout
        self.maxAttempts = maxAttempts
        self.managerWait = managerWait
        self.overflow = overflow.sorted { $0.after < $1.after }
        self.maxWaitNoAgent = maxWaitNoAgent
    }

    /// The longest any queue duration may be (one day): a larger one could only be
    /// a mistake, and the time arithmetic of deadlines must stay within range.
    public static let maximumSeconds: Double = 86_400

    /// The first duration outside 0…`maximumSeconds` (ring_timeout must be more
    /// than 0), with its field name, as a `bad_request` message; nil when all fit.
    public func durationProblem() -> (field: String, message: String)? {
        var durations: [(String, Double)] = [
            ("wrap_up", wrapUp), ("ring_timeout", ringTimeout), ("service_level", serviceLevel), ("max_wait", maxWait ?? 0),
            ("manager_wait", managerWait), ("max_wait_no_agent", maxWaitNoAgent ?? 0),
        ]
        for (i, step) in overflow.enumerated() { durations.append(("overflow[\(i)].after", step.after)) }
        for (field, value) in durations where !(0...Self.maximumSeconds).contains(value) {
            let shown = value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
            return (field, "is \(shown): durations are seconds from 0 to \(Int(Self.maximumSeconds)) (one day)")
        }
        if ringTimeout < 0.001 { return ("ring_timeout", "must be at least 0.001 seconds (times are kept to the millisecond)") }
        return nil
    }

    /// The first field naming a queue (`on_timeout`, an overflow step's `add_queue`)
    /// that `exists` does not know, or that names this queue itself, with what is
    /// wrong in words ending "…, not defined `place`"; nil when every name is good.
    public func queueReferenceProblem(exists: (QueueID) -> Bool, notDefinedIn place: String) -> (field: String, message: String)? {
        func unknown(_ target: QueueID) -> String {
            "names queue '\(target)', which is not defined \(place); define it first, or name another queue"
        }
        if case let .queue(target) = onTimeout {
            if target == id {
                return ("on_timeout", "names queue '\(id)' itself; a timed-out call would only end there: use voicemail, callback or another queue")
            }
            if !exists(target) { return ("on_timeout", unknown(target)) }
        }
        for (i, step) in overflow.enumerated() {
            guard let add = step.addQueue else { continue }
            if add == id {
                return ("overflow[\(i)].add_queue", "names queue '\(id)' itself, whose agents already take its calls: name another queue, or use relax_skills")
            }
            if !exists(add) { return ("overflow[\(i)].add_queue", unknown(add)) }
        }
        return nil
    }

    /// The queues a call timed out of this one passes through until it comes back
    /// here (`on_timeout = "queue:…"` all the way round), or nil when the chain
    /// ends in voicemail, callback or a queue not known. `lookup` gives the other
    /// queues' settings.
    public func timeoutLoop(lookup: (QueueID) -> QueueConfig?) -> [QueueID]? {
        var path = [id]
        var current = self
        while case let .queue(next) = current.onTimeout {
            if next == id { return path + [id] }
            guard !path.contains(next), let config = lookup(next) else { return nil }
            path.append(next)
            current = config
        }
        return nil
    }

    /// `timeoutLoop`'s refusal, for an error message.
    public static func timeoutLoopProblem(_ loop: [QueueID]) -> String {
        "leads back to queue '\(loop[0])' (\(loop.joined(separator: " → "))): a timed-out call would go round forever; end the chain with voicemail or callback"
    }
}

/// A queue's counters for one local day (`DOMAIN.md` §8 definitions).
public struct QueueCounters: Sendable, Equatable, Codable {
    /// The local day these counters belong to (days since the epoch, local time).
    public var day: Int = 0
    public var offered = 0
    public var answered = 0
    public var answeredWithinThreshold = 0
    public var abandoned = 0
    /// Abandoned within the short-abandon window (counted apart).
    public var shortAbandoned = 0
    public var abandonedAfterThreshold = 0
    /// Sum of waits of answered calls (ASA numerator).
    public var answeredWaitSeconds: Double = 0
    /// Handled calls whose handle time (talk + hold + wrap-up) is complete.
    public var handled = 0
    public var handleSeconds: Double = 0
    /// Calls that reached the queue's maximum wait or attempts (sent to voicemail, callback or another queue).
    public var timedOut = 0
    /// Calls refused by the flagged-number policy.
    public var rejected = 0

    public init(day: Int = 0) { self.day = day }

    /// answered within T ÷ (answered + abandoned after T); nil when nothing counts yet.
    public var serviceLevel: Double? {
        let denominator = answered + abandonedAfterThreshold
        return denominator == 0 ? nil : Double(answeredWithinThreshold) / Double(denominator)
    }
    /// abandoned ÷ offered.
    public var abandonRate: Double? { offered == 0 ? nil : Double(abandoned) / Double(offered) }
    /// Average speed of answer.
    public var asa: Double? { answered == 0 ? nil : answeredWaitSeconds / Double(answered) }
    /// Average handle time: talk + hold + wrap-up per handled call.
    public var aht: Double? { handled == 0 ? nil : handleSeconds / Double(handled) }
}

/// A queue: its settings and today's counters.
public struct Queue: Sendable, Equatable, Codable {
    public var config: QueueConfig
    public var counters: QueueCounters
    /// The agent this queue routed to last (round-robin).
    public var lastRouted: AgentID?
    /// Since when nobody who serves this queue has been working (ready, ringing,
    /// busy, wrap-up), kept only while it matters to `max_wait_no_agent` (see
    /// CallCenter+Unstaffed.swift); stored with the queue, so a restart goes on
    /// counting from there instead of starting again.
    public var unstaffedSince: Instant?

    public init(config: QueueConfig, counters: QueueCounters = QueueCounters()) {
        self.config = config
        self.counters = counters
    }

    public var id: QueueID { config.id }
}
