/// Queues nobody staffs: a queue with `max_wait_no_agent` sends its waiting calls
/// to `on_timeout` (reason `no_agent`) once nobody who may take them has been
/// logged in and working (ready, ringing, busy, wrap-up) for that long: the
/// evening shift went home, the whole team is on a break. Each call counts from
/// the later of its own queuing and the moment the queue lost its last agent.
extension CallCenter {
    /// Keeps `unstaffedSince` true after each input: a queue with the setting that
    /// has nobody staffed gets the instant it lost them (and a deadline for the
    /// calls waiting then); a staffed one has none.
    mutating func watchStaffing(now: Instant) {
        for id in noAgentQueues {
            guard let wait = queues[id]?.config.maxWaitNoAgent else { continue }
            if (staffedByQueue[id] ?? 0) > 0 {
                if unstaffedSince[id] != nil { unstaffedSince[id] = nil }
                continue
            }
            guard unstaffedSince[id] == nil else { continue }
            unstaffedSince[id] = now
            if waitingCount(in: id) > 0 {
                deadlines.insert(Deadline(at: now.adding(seconds: wait), kind: .noAgent(queue: id, since: now)))
            }
        }
    }

    /// Arms the no-agent deadline of a call entering its queue's line while the
    /// queue has nobody staffed.
    mutating func armNoAgentWait(_ call: Call) {
        guard !unstaffedSince.isEmpty, let since = unstaffedSince[call.queue],
              let wait = queues[call.queue]?.config.maxWaitNoAgent else { return }
        deadlines.insert(Deadline(at: max(since, call.queuedAt).adding(seconds: wait), kind: .noAgent(queue: call.queue, since: since)))
    }

    /// The queue's no-agent deadline came: every call that has waited
    /// `max_wait_no_agent` with nobody staffed times out. A call that an overflow
    /// step opened to a staffed queue waits on for those agents.
    mutating func timeOutUnstaffed(_ queue: QueueID, since: Instant, now: Instant) {
        guard let wait = queues[queue]?.config.maxWaitNoAgent else { return }
        var next: Instant?
        for call in waitingCalls(in: queue) {
            guard !call.extraQueues.contains(where: { (staffedByQueue[$0] ?? 0) > 0 }) else { continue }
            let due = max(since, call.queuedAt).adding(seconds: wait)
            if due <= now {
                timeOut(call.id, reason: "no_agent", now: now)
            } else {
                next = min(next ?? due, due)
            }
        }
        if let next { deadlines.insert(Deadline(at: next, kind: .noAgent(queue: queue, since: since))) }
    }

    /// Re-reads which queues have `max_wait_no_agent` (after a queue change or a
    /// restore). A queue whose setting changed counts its time without agents
    /// again from the next input.
    mutating func refreshNoAgentQueues(changed: QueueID? = nil) {
        noAgentQueues = queues.keys.filter { queues[$0]?.config.maxWaitNoAgent != nil }.sorted()
        if let changed { unstaffedSince[changed] = nil }
        for id in unstaffedSince.keys where !noAgentQueues.contains(id) { unstaffedSince[id] = nil }
    }
}
