import Foundation
import GRDB
import CallCenterCore
import XCTest
@testable import CallCenterStore

/// Migration "v5": CHECK lists of three or more values are written as comparisons,
/// which SQLite evaluates without building a temporary b-tree per statement; the
/// constraints accept and refuse what they did before.
final class SchemaCheckListTests: XCTestCase {
    func testListsOfThreeOrMoreValuesBecomeComparisons() {
        XCTAssertEqual(
            Schema.checkListsAsComparisons("state TEXT NOT NULL CHECK (state IN ('queued','ringing','ended')),"),
            "state TEXT NOT NULL CHECK ((state = 'queued' OR state = 'ringing' OR state = 'ended')),"
        )
        XCTAssertEqual(
            Schema.checkListsAsComparisons("CHECK (hangup_by IN ('caller', 'agent',  'sys,tem'))"),
            "CHECK ((hangup_by = 'caller' OR hangup_by = 'agent' OR hangup_by = 'sys,tem'))"
        )
        // Two values, numbers and expressions are left as they are.
        for kept in ["CHECK ((state IN ('ringing','busy')) = (call IS NOT NULL))", "CHECK (breached IN (0, 1))",
                     "CHECK (kind IN (SELECT kind FROM kinds))"] {
            XCTAssertEqual(Schema.checkListsAsComparisons(kept), kept)
        }
    }

    /// After all migrations no table keeps such a list, and the statements the
    /// engine runs on every call open no temporary b-tree.
    func testHotStatementsBuildNoTemporaryTables() throws {
        let store = try CallCenterStore()
        try store.writer.read { db in
            for sql in try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL") {
                XCTAssertEqual(Schema.checkListsAsComparisons(sql), sql)
            }
            let statements = [
                Projections.updateLegSQL, Projections.insertLegSQL, Projections.updateAgentSQL, Projections.insertAgentSQL,
                Projections.updateQueueSQL, Projections.insertQueueSQL,
                "INSERT INTO audit_log (at, role, agent, customer, call, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                "INSERT INTO interactions (customer, kind, call, serial, number, at, category, summary, agent, registered_by, registered_at) VALUES (?, 'call', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ]
            for sql in statements {
                let unbound = StatementArguments(Array(repeating: nil as String?, count: sql.filter { $0 == "?" }.count))
                let opcodes = try Row.fetchAll(db, sql: "EXPLAIN \(sql)", arguments: unbound).map { $0["opcode"] as String }
                XCTAssertFalse(opcodes.isEmpty, sql)
                XCTAssertFalse(opcodes.contains("OpenEphemeral"), "\(sql) builds a temporary b-tree")
            }
        }
    }

    /// A database file migrated up to `migration`, with `rows` written in it; its path.
    func earlierDatabase(upTo migration: String, _ rows: (Database) throws -> Void) throws -> String {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: migration)
        try queue.write(rows)
        return path
    }

    /// Agents removed before "v9" are found in the journal: their ids are not
    /// given out again either. An agent created again since keeps its id.
    func testRemovalsBeforeV9AreTakenFromTheJournal() throws {
        let path = try earlierDatabase(upTo: "v8: queues' maximum wait without agents") { db in
            try db.execute(sql: """
                INSERT INTO journal (seq, at, op, actor, payload) VALUES
                    (1, 100, 'agent.remove', 'admin', '{"id":1,"op":"agent.remove","agent":"a7"}'),
                    (2, 200, 'agent.remove', 'admin', '{"id":2,"op":"agent.remove","agent":"a8"}'),
                    (3, 300, 'agent.remove', 'admin', 'not json');
                INSERT INTO agents (agent, name, seat, state, since) VALUES ('a8', 'B', 's8', 'logged_out', 250);
                """)
        }
        let snapshot = try CallCenterStore(path: path).loadSnapshot()
        XCTAssertEqual(snapshot.removedAgents, ["a7": Instant(milliseconds: 100)])
        XCTAssertEqual(snapshot.agents.map(\.id), ["a8"])
    }

    /// Queues stored before "v11" have no moment without agents: the count starts
    /// at the first tick, as it did. The moment is kept from then on.
    func testQueuesBeforeV11HaveNoMomentWithoutAgents() throws {
        let path = try earlierDatabase(upTo: "v10: time on hold") { db in
            let counters = String(decoding: try JSONEncoder().encode(QueueCounters()), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO queues (queue, strategy, wrap_up, ring_timeout, service_level, max_wait_no_agent, counters)
                VALUES ('night', 'longest_idle', 0, 20, 20, 60, ?)
                """, arguments: [counters])
        }
        let store = try CallCenterStore(path: path)
        var night = try XCTUnwrap(try store.loadSnapshot().queues.first)
        XCTAssertEqual(night.id, "night")
        XCTAssertNil(night.unstaffedSince)
        night.unstaffedSince = Instant(milliseconds: 1_700_000_000_000)
        var batch = CommitBatch()
        batch.entries = [JournalEntry(seq: 1, at: Instant(milliseconds: 1_700_000_000_000), op: "tick", actor: "daemon", payload: "")]
        batch.queues = [night]
        try store.commit(batch)
        XCTAssertEqual(try CallCenterStore(path: path).loadSnapshot().queues.first?.unstaffedSince, Instant(milliseconds: 1_700_000_000_000))
    }

    /// A database at "v4" with rows in it: the migration keeps every row, the file
    /// passes integrity_check, and the rewritten constraints still refuse what the
    /// lists did not name.
    func testMigratingAnEarlierDatabaseKeepsRowsAndConstraints() throws {
        let path = try earlierDatabase(upTo: "v4: open complaints by customer") { db in
            try db.execute(sql: """
                INSERT INTO calls (serial, leg, call, caller, dialed, queue, state, ticket, offered_at, queued_at, ended_at, outcome, hangup_by)
                VALUES (1, 1, 'c1', '+8613800001111', '100', 'general', 'ended', 1, 10, 10, 20, 'completed', 'caller')
                """)
            try db.execute(sql: "INSERT INTO agents (agent, name, seat, state, since) VALUES ('a1', 'A', 's1', 'ready', 5)")
            XCTAssertFalse((try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'calls'") ?? "").contains("state = 'queued' OR"))
        }

        let store = try CallCenterStore(path: path)
        try store.writer.write { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "PRAGMA integrity_check"), ["ok"])
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT call || ':' || state || ':' || outcome || ':' || hangup_by FROM calls"),
                           ["c1:ended:completed:caller"])
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT agent || ':' || state FROM agents"), ["a1:ready"])
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'calls'") ?? ""
            XCTAssertTrue(sql.contains("(state = 'queued' OR state = 'ringing' OR state = 'connected' OR state = 'ended')"), sql)

            for refused in [
                "UPDATE calls SET state = 'lost' WHERE call = 'c1'",
                "UPDATE calls SET outcome = 'dropped' WHERE call = 'c1'",
                "UPDATE calls SET hangup_by = 'nobody' WHERE call = 'c1'",
                "UPDATE calls SET category = 'gossip' WHERE call = 'c1'",
                "UPDATE agents SET state = 'asleep' WHERE agent = 'a1'",
            ] {
                XCTAssertThrowsError(try db.execute(sql: refused), refused) { error in
                    XCTAssertEqual((error as? DatabaseError)?.resultCode, .SQLITE_CONSTRAINT, refused)
                }
            }
            for accepted in [
                "UPDATE calls SET outcome = 'abandoned', hangup_by = 'system', category = 'harassment' WHERE call = 'c1'",
                "UPDATE calls SET category = NULL WHERE call = 'c1'",
                "UPDATE agents SET state = 'not_ready' WHERE agent = 'a1'",
            ] {
                XCTAssertNoThrow(try db.execute(sql: accepted), accepted)
            }
        }
    }
}
