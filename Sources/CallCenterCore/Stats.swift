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
            let oldest = waitingCalls(in: id).map(\.queuedAt).min()
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
    public func placeInLine(of id: CallID, now: Instant) -> (position: Int, ewt: Double)? {
        guard let call = calls[id], call.state == .queued, let line = lines[call.queue] else { return nil }
        let isLive = isWaiting(in: call.queue)
        guard let index = line.liveEntries(isLive: { isLive($0) }).firstIndex(where: { $0.call == id }) else { return nil }
        return (index + 1, estimatedWait(position: index + 1, queue: call.queue, now: now))
    }
}
