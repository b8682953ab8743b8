import CallCenterCore

/// `agent.upsert`'s fields: what is given replaces, what is missing keeps the stored value.
public struct AgentPatch: Sendable, Equatable {
    public var agent: AgentID
    public var name: String?
    public var seat: String?
    public var skills: [String: Int]?
    public var languages: [String]?

    public init(agent: AgentID, name: String? = nil, seat: String? = nil, skills: [String: Int]? = nil, languages: [String]? = nil) {
        self.agent = agent
        self.name = name
        self.seat = seat
        self.skills = skills
        self.languages = languages
    }

    init(_ f: Fields) throws(WireError) {
        agent = try f.string("agent")
        name = try f.optionalString("name")
        seat = try f.optionalString("seat")
        skills = try f.optionalLevels("skills", range: 1...10)
        languages = try f.optionalStringArray("languages")
    }

    /// The profile after the patch; a new agent needs a seat.
    public func applied(to existing: AgentProfile?) throws(WireError) -> AgentProfile {
        guard let seat = seat ?? existing?.seat else {
            throw .badRequest("field 'seat' is missing: a new agent needs the seat (extension) the PBX rings")
        }
        return AgentProfile(
            id: agent, name: name ?? existing?.name ?? agent, seat: seat,
            skills: skills ?? existing?.skills ?? [:], languages: languages ?? existing?.languages ?? []
        )
    }
}

/// `queue.upsert`'s fields: what is given replaces, what is missing keeps the stored value.
public struct QueuePatch: Sendable, Equatable {
    public var queue: QueueID
    public var skills: [String: Int]?
    public var strategy: RoutingStrategy?
    public var wrapUp: Double?
    public var ringTimeout: Double?
    /// `.some(nil)` clears the limit (JSON null or 0).
    public var maxWait: Double??
    public var serviceLevel: Double?

    public init(queue: QueueID, skills: [String: Int]? = nil, strategy: RoutingStrategy? = nil, wrapUp: Double? = nil,
                ringTimeout: Double? = nil, maxWait: Double?? = nil, serviceLevel: Double? = nil) {
        self.queue = queue
        self.skills = skills
        self.strategy = strategy
        self.wrapUp = wrapUp
        self.ringTimeout = ringTimeout
        self.maxWait = maxWait
        self.serviceLevel = serviceLevel
    }

    init(_ f: Fields) throws(WireError) {
        queue = try f.string("queue")
        skills = try f.optionalLevels("skills", range: 1...10)
        strategy = f["strategy"] == nil || f["strategy"] == .null
            ? nil : try f.choice("strategy", RoutingStrategy.self, among: RoutingStrategy.allCases)
        wrapUp = try f.optionalSeconds("wrap_up")
        ringTimeout = try f.optionalSeconds("ring_timeout")
        if ringTimeout == 0 { throw .badRequest("field 'ring_timeout' must be more than 0 seconds") }
        if f["max_wait"] == .null { maxWait = .some(nil) } else if let m = try f.optionalSeconds("max_wait") { maxWait = .some(m == 0 ? nil : m) }
        serviceLevel = try f.optionalSeconds("service_level")
    }

    public func applied(to existing: QueueConfig?) -> QueueConfig {
        var config = existing ?? QueueConfig(id: queue)
        if let skills { config.skills = skills }
        if let strategy { config.strategy = strategy }
        if let wrapUp { config.wrapUp = wrapUp }
        if let ringTimeout { config.ringTimeout = ringTimeout }
        if let maxWait { config.maxWait = maxWait }
        if let serviceLevel { config.serviceLevel = serviceLevel }
        return config
    }
}
