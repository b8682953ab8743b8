import CallCenterArchive
import CallCenterCore
import Foundation
import GRDB

/// Applies archive changes inside the commit's transaction.
enum ArchiveWriter {
    static func apply(_ changes: [ArchiveChange], in db: Database) throws {
        for change in changes {
            switch change {
            case let .saveCustomers(records, at): try save(records, at: at, db)
            case let .addCooperation(c): try add(c, db)
            case let .callOffered(i): try offered(i, db)
            case let .register(r): try register(r, db)
            case let .flagNumber(f):
                try db.cachedStatement(sql: "INSERT INTO number_flags (number, flag, flagged_by, flagged_at, reason, call) VALUES (?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [f.number, f.flag.rawValue, f.by, f.at.milliseconds, f.reason, f.call])
            case let .clearFlags(number, flags, by, at, reason, setBy):
                let clear = try db.cachedStatement(sql: """
                    UPDATE number_flags SET cleared_at = ?, cleared_by = ?, cleared_reason = ?
                    WHERE number = ? AND flag = ? AND cleared_at IS NULL
                      AND (?6 IS NULL OR (call = ?6 AND flagged_at >= ?7))
                    """)
                for flag in flags {
                    try clear.execute(arguments: [at.milliseconds, by, reason, number, flag.rawValue, setBy?.call, setBy?.since.milliseconds])
                }
            case let .audit(a):
                // One per `caller.profile`: bound through the C API (FastStatement).
                var row = FastStatement(try db.cachedStatement(sql: "INSERT INTO audit_log (at, role, agent, customer, call, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"))
                row.bind(a.at.milliseconds); row.bind(a.role); row.bind(a.agent); row.bind(a.customer); row.bind(a.call)
                row.bind(a.action.rawValue); row.bind(a.detail)
                try row.run(db)
            case let .grade(customer, scores, tier, at):
                try db.cachedStatement(sql: """
                    UPDATE customers SET r_score = ?, f_score = ?, m_score = ?, custom_score = ?,
                        tier = CASE WHEN tier_manual = 1 THEN tier ELSE ? END, updated_at = max(updated_at, ?)
                    WHERE id = ?
                    """).execute(arguments: [scores.r, scores.f, scores.m, scores.custom, tier?.rawValue, at.milliseconds, customer])
            }
        }
    }

    static func save(_ records: [CustomerRecord], at: Instant, _ db: Database) throws {
        let release = try db.cachedStatement(sql: "DELETE FROM customer_phones WHERE customer = ?")
        for r in records { try release.execute(arguments: [r.id]) }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO customers (id, name, company, industry, size, contact, address, birthday, language, needs, decision_chain,
                                   last_feedback, last_cooperation, amount, tags, notes, account_manager,
                                   r_score, f_score, m_score, custom_score, tier, tier_manual, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, company = excluded.company, industry = excluded.industry, size = excluded.size,
                contact = excluded.contact, address = excluded.address, birthday = excluded.birthday, language = excluded.language,
                needs = excluded.needs, decision_chain = excluded.decision_chain, last_feedback = excluded.last_feedback,
                last_cooperation = excluded.last_cooperation, amount = excluded.amount, tags = excluded.tags, notes = excluded.notes,
                account_manager = excluded.account_manager, r_score = excluded.r_score, f_score = excluded.f_score,
                m_score = excluded.m_score, custom_score = excluded.custom_score, tier = excluded.tier,
                tier_manual = excluded.tier_manual, updated_at = max(customers.updated_at, excluded.updated_at)
            """)
        let phone = try db.cachedStatement(sql: "INSERT INTO customer_phones (number, customer, position) VALUES (?, ?, ?)")
        for r in records {
            try upsert.execute(arguments: [
                r.id, r.name, r.company, r.industry, r.size, r.contact, r.address, r.birthday?.description, r.language, r.needs,
                r.decisionChain, r.lastFeedback, r.lastCooperation?.description, r.amount, try json(r.tags), r.notes, r.accountManager,
                r.scores.r, r.scores.f, r.scores.m, r.scores.custom, r.tier?.rawValue, r.tierIsManual ? 1 : 0,
                at.milliseconds, at.milliseconds,
            ])
            for (position, number) in r.phones.enumerated() {
                try phone.execute(arguments: [number, r.id, position])
            }
        }
    }

    static func add(_ c: Cooperation, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO cooperations (customer, on_date, amount, item, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [c.customer, c.date.description, c.amount, c.item, c.recordedAt.milliseconds, c.recordedBy])
        try db.cachedStatement(sql: """
            UPDATE customers SET
                last_cooperation = CASE WHEN last_cooperation IS NULL OR last_cooperation < ?1 THEN ?1 ELSE last_cooperation END,
                amount = round(coalesce(amount, 0) + ?2, 6), updated_at = max(updated_at, ?3)
            WHERE id = ?4
            """).execute(arguments: [c.date.description, c.amount, c.recordedAt.milliseconds, c.customer])
    }

    static func offered(_ i: CallInteraction, _ db: Database) throws {
        // One per call from a known number: bound through the C API (FastStatement).
        var row = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO interactions (customer, kind, call, serial, number, at) VALUES (?, 'call', ?, ?, ?, ?)
            ON CONFLICT (serial) WHERE serial IS NOT NULL DO NOTHING
            """))
        row.bind(i.customer); row.bind(i.call); row.bind(Int64(i.serial)); row.bind(i.number); row.bind(i.at.milliseconds)
        try row.run(db)
    }

    static func register(_ r: Registration, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO interactions (customer, kind, call, serial, number, at, category, summary, agent, registered_by, registered_at)
            VALUES (?, 'call', ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (serial) WHERE serial IS NOT NULL DO UPDATE SET
                category = excluded.category, summary = excluded.summary, agent = excluded.agent,
                registered_by = excluded.registered_by, registered_at = excluded.registered_at
            """).execute(arguments: [
                r.customer, r.call, Int64(r.serial), r.number, r.offeredAt.milliseconds, r.category.rawValue, r.summary, r.agent,
                r.registeredBy, r.at.milliseconds,
            ])
        try db.cachedStatement(sql: "UPDATE calls SET category = ?, summary = ?, registered_by = ?, registered_at = ? WHERE serial = ?")
            .execute(arguments: [r.category.rawValue, r.summary, r.registeredBy, r.at.milliseconds, Int64(r.serial)])
    }

    static func json(_ list: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
    }
}
