public typealias QueueID = String

/// How a queue picks among eligible ready agents.
public enum RoutingStrategy: String, Sendable, Codable, CaseIterable {
    /// The agent free for the longest time (the default).
    case longestIdle = "longest_idle"
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

    public init(
        id: QueueID, skills: [String: Int] = [:], strategy: RoutingStrategy = .longestIdle,
        wrapUp: Double = 0, ringTimeout: Double = 20, maxWait: Double? = nil, serviceLevel: Double = 20
    ) {
        self.id = id
        self.skills = skills
        self.strategy = strategy
        self.wrapUp = wrapUp
        self.ringTimeout = ringTimeout
        self.maxWait = maxWait
        self.serviceLevel = serviceLevel
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
    /// Handled calls whose handle time (talk + wrap-up) is complete.
    public var handled = 0
    public var handleSeconds: Double = 0

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
    /// Average handle time: talk + wrap-up per handled call.
    public var aht: Double? { handled == 0 ? nil : handleSeconds / Double(handled) }
}

/// A queue: its settings and today's counters.
public struct Queue: Sendable, Equatable, Codable {
    public var config: QueueConfig
    public var counters: QueueCounters

    public init(config: QueueConfig, counters: QueueCounters = QueueCounters()) {
        self.config = config
        self.counters = counters
    }

    public var id: QueueID { config.id }
}
