/// Live figures of one queue, by the definitions of `DOMAIN.md` §8.
public struct QueueStats: Sendable, Equatable {
    public var queue: QueueID
    public var waiting: Int
    /// Age in seconds of the oldest call waiting now (0 when none).
    public var longestWait: Double
    /// Agents who may take this queue's calls, by state (logged-out ones omitted).
    public var agents: [AgentState: Int]
    /// Today's counters (zero at a new local day).
    public var counters: QueueCounters
    public var serviceLevelThreshold: Double
    /// Estimated seconds a call arriving now would wait.
    public var ewt: Double = 0
    /// Today's occupancy of the agents who may take this queue's calls, together:
    /// Σ(talk + hold + wrap-up) ÷ Σ(logged-in − not-ready time); nil before any such time.
    public var occupancy: Double?
}

extension CallCenter {
    /// Figures for one queue, or every queue when `queue` is nil.
    public func stats(queue: QueueID? = nil, now: Instant) throws -> [QueueStats] {
        let ids: [QueueID]
        if let queue {
            guard queues[queue] != nil else { throw CoreError.noSuchQueue(queue) }
            ids = [queue]
        } else {
            ids = queues.keys.sorted()
        }
        let today = day(of: now)
        return ids.compactMap { id in
            guard let q = queues[id] else { return nil }
            var byState: [AgentState: Int] = [:]
            var handle = 0.0, available = 0.0
            for agent in agents.values where agent.hasSkills(q.config.skills) {
                if agent.state.isLoggedIn { byState[agent.state, default: 0] += 1 }
                let work = workToday(of: agent, now: now)
                handle += work.handle
                available += work.available
            }
            let oldest = oldestWaiting(in: id)
            return QueueStats(
                queue: id,
                waiting: waitingCount(in: id),
                longestWait: oldest.map { max(0, now.seconds(since: $0)) } ?? 0,
                agents: byState,
                counters: q.counters.day == today ? q.counters : QueueCounters(day: today),
                serviceLevelThreshold: q.config.serviceLevel,
                // behind every call in the line, those overflowed in from other queues too
                ewt: estimatedWait(position: (lines[id]?.count ?? 0) + 1, queue: id, now: now),
                occupancy: handle + available > 0 ? handle / (handle + available) : nil
            )
        }
    }
}

extension CallCenter {
    /// A waiting call's 1-based place in its line and its estimated wait; nil when it is not waiting.
    /// Counted as `call.offer` counts it: every call ahead in the line, calls that
    /// overflowed in from other queues too (this queue's agents take them in turn).
    /// O(its place), nothing copied.
    public func placeInLine(of id: CallID, now: Instant) -> (position: Int, ewt: Double)? {
        guard let queue = calls.read(id, { $0.state == .queued ? $0.queue : nil }) ?? nil, let line = lines[queue] else { return nil }
        let isLive = isWaiting(in: queue)
        var position = 0
        for entry in line.entries where isLive(entry) {
            position += 1
            if entry.call == id { return (position, estimatedWait(position: position, queue: queue, now: now)) }
        }
        return nil
    }

    /// The place and estimated wait of every call waiting in `queue` (its own
    /// calls, counted as `placeInLine` counts), in line order: one walk of the line.
    public func placesInLine(of queue: QueueID, now: Instant) -> [(call: CallID, position: Int, ewt: Double)] {
        guard waitingCount(in: queue) > 0, let line = lines[queue] else { return [] }
        let isLive = isWaiting(in: queue)
        let terms = waitTerms(queue: queue, now: now)
        var places: [(call: CallID, position: Int, ewt: Double)] = []
        var position = 0
        for entry in line.entries where isLive(entry) {
            position += 1
            guard calls.read(entry.call, { $0.queue == queue }) == true else { continue }
            places.append((entry.call, position, terms.wait(position)))
        }
        return places
    }

    /// When the call waiting longest in `queue` (its own calls) was queued.
    func oldestWaiting(in queue: QueueID) -> Instant? {
        guard waitingCount(in: queue) > 0, let line = lines[queue] else { return nil }
        let isLive = isWaiting(in: queue)
        var oldest: Instant?
        for entry in line.entries where isLive(entry) {
            guard let at = calls.read(entry.call, { $0.queue == queue ? $0.queuedAt : nil }) ?? nil else { continue }
            if oldest.map({ at < $0 }) ?? true { oldest = at }
        }
        return oldest
    }
}
