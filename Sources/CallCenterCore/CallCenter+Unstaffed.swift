/// Queues nobody staffs: a queue with `max_wait_no_agent` sends its waiting calls
/// to `on_timeout` (reason `no_agent`) once nobody who may take them has been
/// working (ready, ringing, busy, wrap-up) for that long: the evening shift went
/// home, the whole team is on a break. Who may take a call is its queue's agents
/// and those of the queues its overflow steps added; a call times out
/// `max_wait_no_agent` after the later of its own queuing and the moment the last
/// of them stopped working. That moment is kept with each queue
/// (`Queue.unstaffedSince`, in the store), so a restart does not start the count
/// again: a call that has waited with nobody there is not kept waiting longer
/// because the daemon restarted.
extension CallCenter {
    /// After each input: the queues whose staffing went to or from nobody get or
    /// lose their `unstaffedSince`; when a queue lost its last working agent, the
    /// queues with the setting look again at their waiting calls.
    mutating func watchStaffing(now: Instant) {
        guard !staffingChanged.isEmpty else { return }
        var lostAgents = false
        for id in staffingChanged where staffingWatched.contains(id) {
            if (staffedByQueue[id] ?? 0) > 0 {
                setUnstaffed(id, since: nil)
            } else if queues[id] != nil, unstaffedSince(id) == nil {
                setUnstaffed(id, since: now)
                lostAgents = true
            }
        }
        staffingChanged.removeAll(keepingCapacity: true)
        guard lostAgents else { return }
        for id in noAgentQueues where waitingCount(in: id) > 0 { rearmNoAgent(id) }
    }

    /// Since when nobody has been working in a watched queue (nil while someone is).
    func unstaffedSince(_ queue: QueueID) -> Instant? {
        queues.read(queue) { $0.unstaffedSince } ?? nil
    }

    /// Sets or clears a queue's `unstaffedSince`; a change is written with the queue.
    mutating func setUnstaffed(_ queue: QueueID, since: Instant?) {
        let changed: Bool? = queues.inPlace(queue) { q in
            guard q.unstaffedSince != since else { return false }
            q.unstaffedSince = since
            return true
        }
        if changed == true { changes.queues.insert(queue) }
    }

    /// After a restore, once the calls are back in line: a queue keeps the moment
    /// it lost its agents only while it is watched and still nobody works there,
    /// and the waiting calls' no-agent deadlines are armed from that moment (a
    /// call already past it times out at the first tick).
    mutating func restoreStaffing() {
        for id in queues.keys where unstaffedSince(id) != nil {
            if !staffingWatched.contains(id) || (staffedByQueue[id] ?? 0) > 0 { setUnstaffed(id, since: nil) }
        }
        for id in noAgentQueues where waitingCount(in: id) > 0 { rearmNoAgent(id) }
    }

    /// Arms a queue's no-agent deadline for the first of its waiting calls to come due.
    mutating func rearmNoAgent(_ queue: QueueID) {
        guard let wait = queues[queue]?.config.maxWaitNoAgent else { return }
        let first = waitingCalls(in: queue).compactMap { noAgentDue($0, wait: wait) }.min()
        if let first { armNoAgent(queue, at: first) }
    }

    /// Since when nobody who may take `call` has been working, or nil while
    /// someone is (its queue's agents and those of the queues overflow added).
    func unattendedSince(_ call: Call) -> Instant? {
        guard var since = unstaffedSince(call.queue) else { return nil }
        for extra in call.extraQueues {
            guard let other = unstaffedSince(extra) else { return nil }
            since = max(since, other)
        }
        return since
    }

    /// When a waiting call of a queue with `max_wait_no_agent` times out for want
    /// of agents, if nobody who may take it is working now.
    func noAgentDue(_ call: Call, wait: Double) -> Instant? {
        unattendedSince(call).map { max($0, call.queuedAt).adding(seconds: wait) }
    }

    /// Arms the no-agent deadline of a call entering its queue's line while
    /// nobody who may take it is working.
    mutating func armNoAgentWait(_ call: Call) {
        guard !noAgentQueues.isEmpty, let wait = queues[call.queue]?.config.maxWaitNoAgent,
              let due = noAgentDue(call, wait: wait) else { return }
        armNoAgent(call.queue, at: due)
    }

    /// Keeps one pending no-agent deadline per queue, the earliest asked for.
    mutating func armNoAgent(_ queue: QueueID, at instant: Instant) {
        if let pending = noAgentNext[queue], pending <= instant { return }
        noAgentNext[queue] = instant
        deadlines.insert(Deadline(at: instant, kind: .noAgent(queue: queue)))
    }

    /// The queue's no-agent deadline came: every waiting call that has waited
    /// `max_wait_no_agent` with nobody able to take it times out; the deadline is
    /// armed again for the next such call.
    mutating func timeOutUnstaffed(_ queue: QueueID, now: Instant) {
        noAgentNext[queue] = nil
        guard let wait = queues[queue]?.config.maxWaitNoAgent else { return }
        for call in waitingCalls(in: queue) where noAgentDue(call, wait: wait).map({ $0 <= now }) ?? false {
            timeOut(call.id, reason: "no_agent", now: now)
        }
        rearmNoAgent(queue)
    }

    /// Re-reads which queues have `max_wait_no_agent` (after a queue change or a
    /// restore). A queue whose setting changed arms its deadline again with the new
    /// value (calls already past it time out at the next tick).
    mutating func refreshNoAgentQueues(changed: QueueID? = nil) {
        noAgentQueues = queues.keys.filter { queues[$0]?.config.maxWaitNoAgent != nil }.sorted()
        // Watched: those queues, the queues their overflow adds and those it added
        // to calls waiting there (a step may be gone since). While any queue has
        // the setting nothing stops being watched: a call may still count on it.
        var watched = noAgentQueues.isEmpty ? IDSet() : staffingWatched
        for id in noAgentQueues {
            watched.insert(id)
            for step in queues[id]?.config.overflow ?? [] { if let add = step.addQueue { watched.insert(add) } }
            for call in waitingCalls(in: id) { for extra in call.extraQueues { watched.insert(extra) } }
        }
        if watched.isEmpty {
            for id in staffingWatched { setUnstaffed(id, since: nil) }
            staffingChanged = []
        }
        // A queue newly watched learns whether it is staffed at the end of this input.
        for id in watched where !staffingWatched.contains(id) { staffingChanged.append(id) }
        staffingWatched = watched
        guard let changed else { return }
        noAgentNext[changed] = nil
        rearmNoAgent(changed)
    }
}
