import CallCenterArchive
import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation

/// Imports, regrading, and the archive's share of other ops (`call.offer`, `call.get`).
extension Engine {
    // MARK: - customer.import

    /// Rows with `more: true` are staged on the session; the request without
    /// `more` commits every staged row and its own in one transaction, or nothing.
    func importCustomers(_ patches: [CustomerPatch], more: Bool, _ request: Request, from session: Session, now: Instant,
                         log: inout PassLog) throws {
        archive.purgeClosedSessions()
        let key = ObjectIdentifier(session)
        var rows = archive.staged.removeValue(forKey: key)?.rows ?? []
        rows += patches
        guard rows.count <= ArchiveRuntime.maxStagedRows else {
            throw WireError(.badRequest, "an import takes at most \(ArchiveRuntime.maxStagedRows) rows; nothing was imported: split the file")
        }
        if more {
            archive.staged[key] = (session, rows)
            outbox.reply(session, Encode.ok(id: request.id, result: .object(["staged": .from(rows.count)])))
            return
        }
        let result: CustomerImport
        do {
            result = try buildCustomers(rows, log: log)
        } catch let error as FieldError {
            throw WireError(error)
        }
        journal(request, session, now: now, log: &log, payload: JSONWriter.string(.object([
            "customers": .array(result.records.map { .object(ArchiveEncoding.saved($0)) }),
        ])))
        log.archive.save(result.records, at: now)
        reply(request, session, [
            "imported": .from(result.records.count), "rows": .from(rows.count), "created": .from(result.created.count),
            "updated": .from(result.records.count - result.created.count),
        ])
        logger.info("customers imported", metadata: ["rows": "\(rows.count)", "created": "\(result.created.count)", "by": "\(session.actor)"])
    }

    // MARK: - customer.regrade

    /// Recomputes a page of customers: R, F and M from cooperation records where
    /// a customer has any (`RecordScale`), then the tier by the configured rules.
    func regrade(after: String?, limit: Int, asOf: CalendarDate?, _ request: Request, from session: Session, now: Instant,
                 log: inout PassLog) throws {
        let date = asOf ?? CalendarDate(milliseconds: now.milliseconds, utcOffsetSeconds: core.settings.utcOffsetSeconds)
        let page = try store.regradePage(after: after, limit: limit, asOf: date)
        let rules = archiveSettings.grading
        var changes: [ArchiveChange] = []
        var computed = 0
        for (record, history) in page {
            var scores = record.scores
            if let history {
                scores = RecordScale.scores(history, asOf: date, custom: record.scores.custom)
                computed += 1
            }
            let tier = record.tierIsManual ? record.tier : rules.grade(scores)?.tier
            if scores != record.scores || tier != record.tier {
                changes.append(.grade(customer: record.id, scores: scores, tier: tier, at: now))
            }
        }
        let result: [String: JSONValue] = [
            "regraded": .from(page.count), "from_records": .from(computed), "changed": .from(changes.count),
            "as_of": .string(date.description), "next": page.count == limit ? .from(page.last?.0.id) : .null,
        ]
        guard !changes.isEmpty else {
            outbox.reply(session, Encode.ok(id: request.id, result: .object(result)))
            return
        }
        var payload = request.fields.values
        payload["as_of"] = .string(date.description)
        journal(request, session, now: now, log: &log, payload: JSONWriter.string(.object(payload)))
        log.archive.changes += changes
        reply(request, session, result)
    }

    // MARK: - Other ops

    /// After an accepted input: a call from a known customer starts an interaction.
    /// `callerNumber`: `from` in E.164 as the connection read it (nil: read it here).
    func archiveAccepted(_ input: Input, callerNumber: String?, now: Instant, log: inout PassLog) {
        guard case let .offerCall(id, from, _, _, _, caller) = input, let customer = caller?.customer,
              let serial = core.calls[id]?.serial ?? log.changes.legs.last(where: { $0.id == id })?.serial else { return }
        let number = callerNumber ?? PhoneNumber(from, country: archiveSettings.country)?.e164 ?? from
        log.archive.changes.append(.callOffered(CallInteraction(customer: customer, call: id, serial: serial, number: number, at: now)))
    }

    /// `call.get` shows the call's registration.
    func withRegistration(_ query: Query, _ result: JSONValue, pending: PassLog) throws -> JSONValue {
        guard case let .callGet(id) = query, case var .object(o) = result else { return result }
        let serial = try core.calls[id]?.serial ?? pending.changes.legs.last(where: { $0.id == id })?.serial ?? store.loggedCall(id)?.serial
        guard let serial else { return result }
        if let r = pending.archive.registration(serial: serial) {
            o["category"] = .string(r.category.rawValue)
            o["summary"] = .string(r.summary)
            o["registered_by"] = .string(r.registeredBy)
            o["registered_at"] = Encode.time(r.at)
        } else if let r = try store.registration(serial: serial) {
            o["category"] = .from(r.category?.rawValue)
            o["summary"] = .from(r.summary)
            o["registered_by"] = .from(r.registeredBy)
            o["registered_at"] = Encode.time(r.registeredAt)
        }
        return .object(o)
    }
}
