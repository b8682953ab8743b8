import GRDB
import GRDBSQLite

/// Binds and runs a cached GRDB statement through SQLite's C API.
///
/// The journal and call-log writes run for every accepted input, inside the
/// group commit; GRDB's `StatementArguments` box each value (profiled at about
/// half the cost of a row). This binds values directly, by position.
struct FastStatement {
    let statement: Statement
    private var index: Int32 = 0

    init(_ statement: Statement) {
        self.statement = statement
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(handle, index, value)
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    mutating func bind(_ value: Int64?) {
        guard let value else { return bindNull() }
        bind(value)
    }

    mutating func bind(_ value: Double?) {
        index += 1
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    mutating func bind(_ value: String?) {
        guard let value else { return bindNull() }
        index += 1
        let length = Int32(value.utf8.count)
        value.withCString { pointer in
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            _ = sqlite3_bind_text(handle, index, pointer, length, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    mutating func bindNull() {
        index += 1
        sqlite3_bind_null(handle, index)
    }

    /// Runs the statement once with the values bound since the last run.
    mutating func run(_ db: Database) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            index = 0
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}
