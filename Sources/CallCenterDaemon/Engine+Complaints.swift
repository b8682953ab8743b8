import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation

/// Complaints in the engine: what the shell adds to complaint inputs, the
/// supervisors' feed (`complaints` topic), and the complaint queries.
extension Engine {
    // MARK: - Inputs

    /// Completes a complaint input before the core sees it: a complaint opened in
    /// wrap-up gets its caller's record from the call log (the call has ended);
    /// a step on a closed complaint is refused naming why.
    func prepareComplaintInput(_ input: Input, pending: PassLog) throws -> Input {
        switch input {
        case let .openComplaint(call, agent, summary, nil):
            if let live = core.calls[call], live.agent == agent { return input }
            // In the wrap-up of the call: its caller is the ended leg's (the id may
            // already be offered again, by someone else: a new life of the call).
            guard let held = core.agents[agent], held.state == .wrapUp, let wrap = held.wrapUp, wrap.call == call else { return input }
            let caller = try endedLeg(call, serial: wrap.serial, pending: pending)?.caller
            return .openComplaint(call: call, agent: agent, summary: summary, caller: caller)
        case let .complaintStep(id, step, _, _, _) where core.complaints.open[id] == nil:
            if let closed = try storedComplaint(id, pending: pending) {
                try ComplaintDesk.check(step, on: closed, note: nil)
            }
            return input
        default:
            return input
        }
    }

    /// The last leg of one life (`serial`) of an ended call: from this pass, else from the call log.
    private func endedLeg(_ call: CallID, serial: UInt64, pending: PassLog) throws -> Call? {
        if let leg = pending.changes.legs.last(where: { $0.id == call && $0.serial == serial }) { return leg }
        return try store.callLog(call: call).last { $0.call.serial == serial }?.call
    }

    /// A complaint the desk no longer holds: closed in this pass, or in the store.
    private func storedComplaint(_ id: ComplaintID, pending: PassLog) throws -> Complaint? {
        if let c = pending.changes.complaints.last(where: { $0.id == id }) { return c }
        return try store.complaint(id: id)
    }

    // MARK: - The supervisors' feed

    /// After `subscribe` to `complaints`: one `complaint.snapshot` with every open complaint.
    func pushComplaintSnapshot(to session: Session, now: Instant) {
        let open = core.complaints.sorted.map { JSONValue.object(Encode.complaint($0, now: now)) }
        let line = Encode.event("complaint.snapshot", seq: nextSeq - 1, ["at": Encode.time(now), "complaints": .array(open)])
        outbox.event(session, line, causedByChange: false)
    }

    /// A complaint changed: tell the `complaints` subscribers; a reassignment also
    /// goes to the new holder's agent sessions.
    func publishComplaint(_ event: String, _ complaint: Complaint, seq: Int64, now: Instant) {
        let line = Encode.complaintEvent(event, complaint, seq: seq, now: now)
        for session in subscribers[.complaints] ?? [] { outbox.event(session, line) }
        if event == "complaint.assigned" {
            for session in agentSessions[complaint.heldBy] ?? [] where !session.topics.contains(.complaints) {
                outbox.event(session, line)
            }
        }
    }

    // MARK: - Queries

    /// `complaint.list`, `complaint.get`, `complaint.report`.
    func answerComplaintQuery(_ query: Query, now: Instant, pending: PassLog) throws -> JSONValue {
        switch query {
        case let .complaintGet(id):
            if let open = core.complaints.open[id] { return .object(Encode.complaint(open, now: now)) }
            guard let stored = try storedComplaint(id, pending: pending) else {
                throw WireError(.notFound, "complaint '\(id)' is not known")
            }
            return .object(Encode.complaint(stored, now: now))
        case let .complaintList(state, limit):
            var list: [Complaint] = []
            if state != .closed { list += core.complaints.sorted }
            if state != .open {
                let justClosed = Dictionary(pending.changes.complaints.filter { $0.state == .closed }.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
                var closed = Array(justClosed.values)
                closed += try store.complaints(state: .closed, limit: limit).filter { justClosed[$0.id] == nil }
                list += closed.sorted { $0.number > $1.number }.prefix(limit)
            }
            return .object(["complaints": .array(list.map { .object(Encode.complaint($0, now: now)) })])
        case let .complaintReport(range):
            return try complaintReport(range, now: now)
        default:
            throw WireError(.internal, "not a complaint query")
        }
    }

    /// The report over local days `range` (both included), computed by the store.
    private func complaintReport(_ range: ComplaintReportRange, now: Instant) throws -> JSONValue {
        let offset = core.settings.utcOffsetSeconds
        func start(ofDay day: Int) -> Instant { Instant(milliseconds: (Int64(day) * 86_400 - Int64(offset)) * 1000) }
        let query = ComplaintReportQuery(from: range.fromDay.map(start(ofDay:)), until: range.toDay.map { start(ofDay: $0 + 1) },
                                         utcOffsetSeconds: offset)
        let rows = try store.complaintReport(query).map { row -> JSONValue in
            var o: [String: JSONValue] = [
                "dimension": .string(row.dimension.rawValue), "key": .string(row.key), "opened": .from(row.opened),
                "closed": .from(row.closed), "sla_met": .from(row.slaMet), "sla_breached": .from(row.slaBreached),
                "sla_pending": .from(row.slaPending),
            ]
            for step in [ComplaintStep.calm, .solution, .action, .thanks] {
                o["mean_to_\(step.rawValue)"] = Encode.seconds(row.meanSecondsTo[step])
            }
            return .object(o)
        }
        return .object([
            "from": Encode.time(query.from), "until": Encode.time(query.until), "utc_offset": .from(offset), "rows": .array(rows),
        ])
    }
}
