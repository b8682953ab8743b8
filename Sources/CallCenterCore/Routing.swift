/// Which agent takes which call. For now: the longest-idle ready agent who
/// has the queue's skills takes the call that has waited longest (highest
/// priority first); ties go to the lower agent id.
extension CallCenter {
    /// Whether `agent` may take calls of `queue`.
    func isEligible(_ agent: Agent, for queue: QueueID) -> Bool {
        guard let config = queues[queue]?.config else { return false }
        return agent.hasSkills(config.skills)
    }

    /// Routes waiting calls of `queue` to ready agents while both exist.
    mutating func dispatch(queue: QueueID, now: Instant) {
        while let entry = frontOfLine(queue) {
            guard let agent = longestIdleAgent(for: queue) else { return }
            ring(entry.call, on: agent, now: now)
        }
    }

    /// Gives a ready agent the best waiting call it may take, if any.
    mutating func offerWork(to agentID: AgentID, now: Instant) {
        guard let agent = agents[agentID], agent.state == .ready else { return }
        var best: WaitingLine.Entry?
        for queue in Array(lines.keys) where (lines[queue]?.count ?? 0) > 0 && isEligible(agent, for: queue) {
            guard let front = frontOfLine(queue) else { continue }
            if best == nil || front.precedes(best!) { best = front }
        }
        if let best { ring(best.call, on: agentID, now: now) }
    }

    /// The next call to serve in `queue`, dropping stale entries.
    mutating func frontOfLine(_ queue: QueueID) -> WaitingLine.Entry? {
        let isLive = isWaiting(in: queue)
        return lines[queue]?.front(isLive: isLive)
    }

    func longestIdleAgent(for queue: QueueID) -> AgentID? {
        var best: Agent?
        for id in readyAgents {
            guard let agent = agents[id], isEligible(agent, for: queue) else { continue }
            if let current = best {
                let a = agent.idleSince ?? agent.since, b = current.idleSince ?? current.since
                if a < b || (a == b && agent.id < current.id) { best = agent }
            } else {
                best = agent
            }
        }
        return best?.id
    }

    /// Fires every deadline due at `now`: ring timeouts and wrap-up ends.
    mutating func fireDeadlines(now: Instant) {
        while let top = deadlines.min, top.at <= now {
            deadlines.removeMin()
            guard isLive(top) else { continue }
            switch top.kind {
            case let .ringTimeout(call, _):
                if let c = calls[call], let agentID = c.agent, let agent = agents[agentID] {
                    effects.append(.cancelRoute(call: call, agent: agentID, seat: agent.seat, reason: "ring_timeout"))
                }
                unanswered(call, reason: "ring_timeout", now: now)
            case let .wrapUpEnd(agentID):
                guard var agent = agents[agentID] else { continue }
                endWrapUp(&agent, now: now)
            }
        }
    }
}
