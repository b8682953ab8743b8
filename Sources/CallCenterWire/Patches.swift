import CallCenterCore

/// `agent.upsert`'s fields: what is given replaces, what is missing keeps the stored value.
public struct AgentPatch: Sendable, Equatable {
    public var agent: AgentID
    public var name: String?
    public var seat: String?
    public var skills: [String: Int]?
    public var languages: [String]?
    public var tiers: [CustomerTier]?

    public init(agent: AgentID, name: String? = nil, seat: String? = nil, skills: [String: Int]? = nil, languages: [String]? = nil,
                tiers: [CustomerTier]? = nil) {
        self.agent = agent
        self.name = name
        self.seat = seat
        self.skills = skills
        self.languages = languages
        self.tiers = tiers
    }

    init(_ f: Fields) throws(WireError) {
        agent = try f.identifier("agent")
        name = try f.optionalName("name")
        seat = try f.optionalIdentifier("seat")
        skills = try f.optionalLevels("skills", range: 1...10)
        languages = try f.optionalStringArray("languages")
        tiers = try f.optionalStringArray("tiers").map { names throws(WireError) in
            var out: [CustomerTier] = []
            for name in names {
                guard let tier = CustomerTier(rawValue: name) else {
                    throw .badRequest("field 'tiers' has \"\(name)\": tiers are \(CustomerTier.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
                }
                out.append(tier)
            }
            return out
        }
    }

    /// The profile after the patch; a new agent needs a seat.
    public func applied(to existing: AgentProfile?) throws(WireError) -> AgentProfile {
        guard let seat = seat ?? existing?.seat else {
            throw .badRequest("field 'seat' is missing: a new agent needs the seat (extension) the PBX rings")
        }
        return AgentProfile(
            id: agent, name: name ?? existing?.name ?? agent, seat: seat,
            skills: skills ?? existing?.skills ?? [:], languages: languages ?? existing?.languages ?? [],
            tiers: tiers ?? existing?.tiers ?? []
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
    public var onTimeout: TimeoutAction?
    public var maxAttempts: Int?
    public var managerWait: Double?
    public var overflow: [OverflowStep]?
    /// `.some(nil)` clears it (JSON null); 0 means at once.
    public var maxWaitNoAgent: Double??

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
        queue = try f.identifier("queue")
        skills = try f.optionalLevels("skills", range: 1...10)
        strategy = f["strategy"] == nil || f["strategy"] == .null
            ? nil : try f.choice("strategy", RoutingStrategy.self, among: RoutingStrategy.allCases)
        wrapUp = try f.optionalSeconds("wrap_up")
        ringTimeout = try f.optionalSeconds("ring_timeout")
        // Times are kept to the millisecond: less would be shown (and stored) as 0.
        if let r = ringTimeout, r < 0.001 { throw .badRequest("field 'ring_timeout' must be at least 0.001 seconds, not \(JSONWriter.string(.number(r)))") }
        if f["max_wait"] == .null { maxWait = .some(nil) } else if let m = try f.optionalSeconds("max_wait") { maxWait = .some(m == 0 ? nil : m) }
        serviceLevel = try f.optionalSeconds("service_level")
        if let text = try f.optionalString("on_timeout") {
            guard let action = TimeoutAction(text: text) else {
                throw .badRequest("field 'on_timeout' must be \"voicemail\", \"callback\" or \"queue:NAME\", not \"\(text)\"")
            }
            onTimeout = action
        }
        if let n = try f.optionalInt("max_attempts") {
            guard n >= 0 else { throw .badRequest("field 'max_attempts' must be ≥ 0 (0: no limit), not \(n)") }
            maxAttempts = n
        }
        managerWait = try f.optionalSeconds("manager_wait")
        if f["max_wait_no_agent"] == .null { maxWaitNoAgent = .some(nil) } else if let m = try f.optionalSeconds("max_wait_no_agent") { maxWaitNoAgent = .some(m) }
        if let steps = f["overflow"], steps != .null {
            guard case let .array(items) = steps else { throw .badRequest("field 'overflow' must be an array of steps like {\"after\": 60, \"add_queue\": \"general\"}") }
            var out: [OverflowStep] = []
            for (i, item) in items.enumerated() {
                guard case let .object(o) = item else { throw .badRequest("field 'overflow[\(i)]' must be an object") }
                let step = Fields(o, path: "overflow[\(i)]")
                guard let after = try step.optionalSeconds("after") else { throw .badRequest("field 'overflow[\(i)].after' is missing: seconds of waiting before the step") }
                let relax = try step.optionalLevels("relax_skills", range: 1...10)
                let add = try step.optionalString("add_queue")
                guard relax != nil || add != nil else {
                    throw .badRequest("field 'overflow[\(i)]' needs 'relax_skills' (skill → lower minimum, {} for none) or 'add_queue'")
                }
                out.append(OverflowStep(after: after, relaxSkills: relax, addQueue: add))
            }
            overflow = out.sorted { $0.after < $1.after }
        }
    }

    public func applied(to existing: QueueConfig?) -> QueueConfig {
        var config = existing ?? QueueConfig(id: queue)
        if let skills { config.skills = skills }
        if let strategy { config.strategy = strategy }
        if let wrapUp { config.wrapUp = wrapUp }
        if let ringTimeout { config.ringTimeout = ringTimeout }
        if let maxWait { config.maxWait = maxWait }
        if let serviceLevel { config.serviceLevel = serviceLevel }
        if let onTimeout { config.onTimeout = onTimeout }
        if let maxAttempts { config.maxAttempts = maxAttempts }
        if let managerWait { config.managerWait = managerWait }
        if let overflow { config.overflow = overflow }
        if let maxWaitNoAgent { config.maxWaitNoAgent = maxWaitNoAgent }
        return config
    }
}
