/// A call arrives: `call.offer`, and the same decision taken alone.
extension CallCenter {
    mutating func offerCall(
        _ id: CallID, from: String, to: String, queue requested: QueueID?, attributes: [String: String], caller: CallerInfo?, now: Instant
    ) throws -> Outcome {
        let (call, flagged) = try arrivingCall(id, from: from, to: to, queue: requested, attributes: attributes, caller: caller,
                                               ticket: nextTicket, now: now)
        _ = takeTicket()  // the call's, taken once nothing can refuse the offer any more
        let policy = settings.routing
        let queueID = call.queue
        calls[id] = call
        touch(id)
        count(in: queueID, now: now) { $0.offered += 1 }
        publish("call.offered", id)

        if let flag = flagged, let rule = policy.flags[flag] {
            switch rule {
            case .reject:
                effects.append(.rejected(call: id, reason: flag))
                count(in: queueID, now: now) { $0.rejected += 1 }
                end(id, outcome: .rejected, by: .system, cause: "flagged \(flag)", now: now)
                return .offered(OfferResult(call: id, queue: queueID, priority: call.priority, position: 0, ewt: 0, caller: caller))
            case .alert:
                effects.append(.alert(call: id, flag: flag))
            case .queue:
                break
            }
        }
        let position = enqueue(id, now: now)
        place(id, now: now)
        let routed = calls[id]?.state == .ringing
        return .offered(OfferResult(
            call: id, queue: queueID, priority: call.priority,
            position: routed ? 0 : position, ewt: routed ? 0 : estimatedWait(position: position, queue: queueID, now: now),
            caller: caller
        ))
    }

    /// The call `call.offer` makes, before it is counted or queued: its queue
    /// (explicit, else the IVR intent's, else the dialled number's, else the
    /// default; a flag's queue policy overrides it), tier weight, language and
    /// account manager, and the flag whose policy it follows.
    func arrivingCall(
        _ id: CallID, from: String, to: String, queue requested: QueueID?, attributes: [String: String], caller: CallerInfo?,
        ticket: UInt64, now: Instant
    ) throws -> (call: Call, flagged: String?) {
        if let existing = calls[id] {
            let whereNow = existing.agent.map { agent in
                " on agent '\(agent)' at seat '\(agents[agent].map { $0.activeSeat ?? $0.seat } ?? "?")'"
            } ?? ""
            throw CoreError(.conflict, "call '\(id)' is already live (it is \(existing.state.rawValue)\(whereNow)): an offer sent again after a reconnect landed the first time; a new call needs an id not in use")
        }
        let policy = settings.routing
        var queueID = requested ?? attributes["intent"].flatMap { policy.intents[$0] } ?? policy.numbers[to] ?? settings.defaultQueue
        let flags = caller?.flags ?? []
        // A number with several flags follows the strictest policy: reject, then a queue, then alert.
        let flagged = flags.filter { policy.flags[$0] != nil }.max { a, b in
            let (x, y) = (policy.flags[a]?.severity ?? 0, policy.flags[b]?.severity ?? 0)
            return x != y ? x < y : a > b  // equally strict: the first flag by name
        }
        if let flag = flagged, case let .queue(target)? = policy.flags[flag] { queueID = target }
        guard queues[queueID] != nil else { throw CoreError.noSuchQueue(queueID) }

        var call = Call(id: id, from: from, to: to, queue: queueID, attributes: attributes, caller: caller, ticket: ticket, at: now)
        call.priority = policy.weight(of: call.tier)
        call.language = attributes["language"].flatMap { $0.isEmpty ? nil : $0 } ?? caller?.language  // "": not given
        call.accountManager = caller?.accountManager ?? attributes["account_manager"]
        return (call, flagged)
    }

    /// The agent a call offered now with these fields would ring at once, and
    /// why; nil when it would wait (no PBX to ring the seat too), be held for its
    /// account manager, or be refused. The decision alone, as `call.offer` takes it: it changes nothing.
    public func agentForArrival(
        _ id: CallID, from: String, to: String = "", queue: QueueID? = nil, attributes: [String: String] = [:], caller: CallerInfo? = nil,
        now: Instant
    ) -> (agent: AgentID, reason: String)? {
        guard routesTaken else { return nil }  // no PBX: nothing rings
        var call: Call
        let flagged: String?
        do {
            // Not `try?`: an optional of the call was copied through generic witnesses (callgrind).
            (call, flagged) = try arrivingCall(id, from: from, to: to, queue: queue, attributes: attributes, caller: caller,
                                               ticket: nextTicket, now: now)
        } catch {
            return nil
        }
        if let flag = flagged, case .reject? = settings.routing.flags[flag] { return nil }
        call.holdUntil = managerHold(for: call, now: now)
        return chooseAgent(for: call, now: now)
    }
}
