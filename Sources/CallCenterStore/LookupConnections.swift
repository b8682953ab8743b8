import Foundation
import GRDB
import GRDBSQLite

/// Read-only SQLite connections for the screen-pop lookup of every `call.offer`,
/// one per thread asking at the same time (the event loops), each with the
/// lookup compiled once.
///
/// The lookup went through GRDB's reader pool before: a checkout under a lock
/// and a semaphore, a hop onto the reader's dispatch queue and a cached-statement
/// lookup by SQL text, for one indexed query (`perf`: a third of the lookup's cost).
final class LookupConnections: @unchecked Sendable {
    private let path: String
    private let sql: String
    private let lock = NSLock()
    private var idle: [Connection] = []

    init(path: String, sql: String) {
        self.path = path
        self.sql = sql
    }

    /// Runs the lookup for `value` (its one parameter) and maps its rows.
    func rows<T>(binding value: String, _ row: (FastStatement.Columns) throws -> T) throws -> [T] {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        let connection = try reused ?? Connection(path: path, sql: sql)
        defer {
            lock.lock()
            idle.append(connection)
            lock.unlock()
        }
        return try connection.rows(binding: value, row)
    }

    final class Connection {
        private var db: OpaquePointer?
        private var statement: OpaquePointer?

        init(path: String, sql: String) throws {
            var handle: OpaquePointer?
            var code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
            db = handle
            if code == SQLITE_OK {
                sqlite3_busy_timeout(handle, 5000)
                code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(db)
        }

        func rows<T>(binding value: String, _ row: (FastStatement.Columns) throws -> T) throws -> [T] {
            guard let statement else { return [] }
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            let length = Int32(value.utf8.count)
            _ = value.withCString { sqlite3_bind_text(statement, 1, $0, length, unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
            var out: [T] = []
            try FastStatement.step(statement, sql: nil) { out.append(try row($0)) }
            return out
        }

        private func failure(_ code: Int32) -> DatabaseError {
            DatabaseError(resultCode: ResultCode(rawValue: code), message: db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open the database")
        }
    }
}
