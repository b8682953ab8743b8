/// The ready agents of one queue (those with its skills), kept in the order the
/// queue's strategy serves them, so that an arriving call takes the first one
/// who may serve it instead of weighing every ready agent.
///
/// The order is (primary, idle, id), lower first: `primary` is the strategy's
/// measure (calls or talk today, minus the skill sum; 0 for longest idle), `idle`
/// when the agent became ready. Round robin orders by id alone; the caller starts
/// after the agent the queue routed to last. Random has no fixed order and is
/// chosen by a scan (`CallCenter.chooseByScan`).
///
/// Every part of an entry stays fixed while its agent is ready (calls and talk
/// are counted while busy, skills change through `upsertAgent`, which takes the
/// agent out and puts it back), so an entry is found again by binary search.
/// Insert and remove are O(log n) comparisons plus moving the entries behind.
struct ReadyLine: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var primary: Double
        var idle: Instant
        var id: AgentID
        /// The agent's profile as it is while the agent is in the line (a
        /// profile change takes the agent out and puts it back): a call choosing
        /// its agent reads tiers and languages here, without an agent lookup.
        var profile: ProfileBox

        /// The entry of `agent` in a queue served by `strategy` with `skills`.
        init(_ agent: Agent, strategy: RoutingStrategy, skills: [String: Int]) {
            id = agent.id
            profile = agent.profileBox
            switch strategy {
            case .roundRobin:
                primary = 0
                idle = Instant(milliseconds: 0)
            default:
                primary = StrategyOrder.primary(strategy, agent, skills: skills, serial: 0)
                idle = agent.idleSince ?? agent.since
            }
        }

        func precedes(_ other: Entry) -> Bool {
            if primary != other.primary { return primary < other.primary }
            if idle != other.idle { return idle < other.idle }
            return id < other.id
        }
    }

    /// The queue's strategy and skills, which the entries' keys come from.
    let strategy: RoutingStrategy
    let skills: [String: Int]
    private(set) var entries: [Entry] = []

    /// The line of a queue's ready agents, in any order (a rebuild sorts once
    /// instead of inserting each).
    init(_ config: QueueConfig, agents: [Agent]) {
        strategy = config.strategy
        skills = config.skills
        entries = agents.map { Entry($0, strategy: strategy, skills: skills) }.sorted { $0.precedes($1) }
    }

    /// Puts a ready agent in its place, or takes it out.
    mutating func update(_ agent: Agent, ready: Bool) {
        let entry = Entry(agent, strategy: strategy, skills: skills)
        if ready { insert(entry) } else { remove(entry) }
    }

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }
    subscript(_ index: Int) -> Entry { entries[index] }

    /// The first index whose entry does not precede `entry`: where `entry` goes.
    private func lowerBound(_ entry: Entry) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].precedes(entry) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func insert(_ entry: Entry) {
        entries.insert(entry, at: lowerBound(entry))
    }

    /// Removes the entry of `entry.id`; found by its key, else (should its key have
    /// changed while it was ready) by its id.
    private mutating func remove(_ entry: Entry) {
        let index = lowerBound(entry)
        if index < entries.count, entries[index].id == entry.id {
            entries.remove(at: index)
        } else if let index = entries.firstIndex(where: { $0.id == entry.id }) {
            entries.remove(at: index)
        }
    }

    /// Round robin: the index of the first agent whose id comes after `id` (0 when none does).
    func startAfter(_ id: AgentID) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].id <= id { low = mid + 1 } else { high = mid }
        }
        return low == entries.count ? 0 : low
    }
}
