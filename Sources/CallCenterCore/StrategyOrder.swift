/// How a queue's strategy orders ready agents: the agent whose key precedes all
/// others takes the call. Ties go to the agent idle longest, then the lower id.
struct StrategyOrder {
    struct Key {
        var id: AgentID
        /// The strategy's own measure (lower goes first); 0 for longest idle.
        var primary: Double
        var idle: Instant
        /// Round robin: whether the agent comes after the last one routed to.
        var afterLast: Bool
    }

    let strategy: RoutingStrategy
    let serial: UInt64
    let skills: [String: Int]
    let lastRouted: AgentID

    init(_ strategy: RoutingStrategy, call: Call, queue: Queue?) {
        self.strategy = strategy
        serial = call.serial
        skills = strategy == .mostSkilled ? queue?.config.skills ?? [:] : [:]
        lastRouted = queue?.lastRouted ?? ""
    }

    func key(_ a: Agent) -> Key {
        Key(id: a.id, primary: Self.primary(strategy, a, skills: skills, serial: serial), idle: a.idleSince ?? a.since, afterLast: a.id > lastRouted)
    }

    /// The strategy's own measure of an agent (lower goes first).
    static func primary(_ strategy: RoutingStrategy, _ a: Agent, skills: [String: Int], serial: UInt64) -> Double {
        switch strategy {
        case .longestIdle, .roundRobin: 0
        case .fewestCalls: Double(a.answeredToday)
        case .leastTalk: a.talkSecondsToday
        case .mostSkilled: -Double(skills.keys.reduce(0) { $0 + (a.profile.skills[$1] ?? 0) })
        case .random: Double(CallCenter.mix(serial, a.id) >> 11)
        }
    }

    /// Whether the agent of `a` goes before the agent of `b`.
    func precedes(_ a: Key, _ b: Key) -> Bool {
        switch strategy {
        case .roundRobin:
            // The next id after the last one routed to, wrapping around to the lowest.
            if a.afterLast != b.afterLast { return a.afterLast }
            return a.id < b.id
        case .random:
            return a.primary != b.primary ? a.primary < b.primary : a.id < b.id
        default:
            if a.primary != b.primary { return a.primary < b.primary }
            return a.idle != b.idle ? a.idle < b.idle : a.id < b.id
        }
    }
}
