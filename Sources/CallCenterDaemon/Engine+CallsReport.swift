import CallCenterCore
import CallCenterStore
import CallCenterWire
import Dispatch

extension Engine {
    /// One report at a time, off the engine thread: a month of a busy center's
    /// call log takes seconds to add up, and routing must not wait for it.
    static let reports = DispatchQueue(label: "callcenterd.reports")

    /// What a `group: "agent"` row keeps of the counters (and adds `mean_talk`, `mean_hold`).
    static let agentFields: Set<String> = ["answered", "answered_within_threshold", "asa", "handled", "aht"]

    /// How much a session's output may pile up behind its running report: 16 times
    /// the bound of unsent output, as a report takes seconds and events keep coming.
    static func heldLimit(_ config: DaemonConfig) -> Int { 16 * config.maxOutputBytes }

    /// `calls.report`: the call log's figures per queue and local day or hour over
    /// local days `request.range` (both included), and each queue's totals. Read
    /// on a connection of its own; the session's later replies and events are held
    /// until this reply is out (replies stay in request order).
    func startCallsReport(_ request: CallsReportRequest, for session: Session, id: JSONValue) throws {
        if session.reportRunning {
            throw WireError(.conflict, "a calls.report is still running on this connection: wait for its reply, or open another connection")
        }
        let offset = core.settings.utcOffsetSeconds
        func start(ofDay day: Int) -> Instant { Instant(milliseconds: (Int64(day) * 86_400 - Int64(offset)) * 1000) }
        let query = CallsReportQuery(from: request.range.fromDay.map(start(ofDay:)), until: request.range.toDay.map { start(ofDay: $0 + 1) },
                                     utcOffsetSeconds: offset, slotSeconds: request.by.seconds, queue: request.queue,
                                     shortAbandon: core.settings.shortAbandon, byAgent: request.group == .agent)
        let configured = request.queue.map { core.queues[$0] != nil } ?? true
        session.reportRunning = true
        outbox.startHold(session)
        let store = store
        Self.reports.async { [weak self] in
            let bytes: [UInt8]
            do {
                if !configured, let queue = request.queue, try !store.callLogHasQueue(queue) {
                    throw WireError(.notFound, "queue '\(queue)' is not configured and has no calls in the call log")
                }
                bytes = Encode.ok(id: id, result: Self.encode(try store.callsReport(query), query: query, by: request.by, group: request.group))
            } catch let error as WireError {
                bytes = Encode.error(id: id, error)
            } catch {
                bytes = Encode.error(id: id, WireError(.internal, "internal error reading the call log: \(error)"))
            }
            self?.submit(.deferredReply(session, bytes))
        }
    }

    /// The report's rows and each queue's totals (every figure is a sum or is
    /// computed from sums, so a total adds its queue's rows).
    static func encode(_ rows: [CallsReportRow], query: CallsReportQuery, by: CallsReportRequest.Slot,
                       group: CallsReportRequest.Group) -> JSONValue {
        func encode(_ period: String, _ row: CallsReportRow) -> JSONValue {
            var o = Encode.counters(row.counters, threshold: row.serviceLevelThreshold)
            if group == .agent {
                // An agent's answered legs: the queue figures (offered, abandons, service level) do not apply.
                o = o.filter { Self.agentFields.contains($0.key) }
            }
            o["period"] = .string(period)
            o[group.rawValue] = .string(row.key)
            let ended = Double(row.talkedLegs)
            o["mean_talk"] = Encode.seconds(ended == 0 ? nil : row.talkSeconds / ended)
            o["mean_hold"] = Encode.seconds(ended == 0 ? nil : row.holdSeconds / ended)
            return .object(o)
        }
        var totals: [String: CallsReportRow] = [:]  // by queue or agent
        for row in rows {
            guard var total = totals[row.key] else { totals[row.key] = row; continue }
            total.counters.add(row.counters)
            total.talkedLegs += row.talkedLegs
            total.talkSeconds += row.talkSeconds
            total.holdSeconds += row.holdSeconds
            totals[row.key] = total
        }
        let width = by == .day ? 10 : 16  // 2026-12-01 or 2026-12-01T09:00
        return .object([
            "from": Encode.time(query.from), "until": Encode.time(query.until), "utc_offset": .from(query.utcOffsetSeconds),
            "by": .string(by.rawValue), "group": .string(group.rawValue),
            "rows": .array(rows.map { encode(String(RFC3339.format(Instant(milliseconds: $0.slot * 1000)).prefix(width)), $0) }),
            "totals": .array(totals.keys.sorted().compactMap { totals[$0].map { encode("total", $0) } }),
        ])
    }
}

extension QueueCounters {
    /// Adds another period's counts (the day is left as it is).
    mutating func add(_ other: QueueCounters) {
        offered += other.offered
        answered += other.answered
        answeredWithinThreshold += other.answeredWithinThreshold
        abandoned += other.abandoned
        shortAbandoned += other.shortAbandoned
        abandonedAfterThreshold += other.abandonedAfterThreshold
        answeredWaitSeconds += other.answeredWaitSeconds
        handled += other.handled
        handleSeconds += other.handleSeconds
        timedOut += other.timedOut
        rejected += other.rejected
    }
}
