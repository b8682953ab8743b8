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

    /// Runs the statement once with the values bound since the last run; returns
    /// how many rows it changed.
    @discardableResult
    mutating func run(_ db: Database) throws -> Int {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            index = 0
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }
}

extension FastStatement {
    /// One row of a query, read by column position.
    struct Columns {
        let handle: OpaquePointer

        func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(handle, column) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
        }

        /// A NOT NULL text column.
        func string(_ column: Int32) -> String { text(column) ?? "" }

        func int64(_ column: Int32) -> Int64? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        }

        func double(_ column: Int32) -> Double? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
        }
    }

    /// Runs a query with the values bound since the last run and calls `body` with
    /// each row (the row is valid only during the call).
    mutating func forEachRow(_ body: (Columns) throws -> Void) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            index = 0
        }
        try Self.step(handle, sql: statement.sql, body)
    }

    /// Steps a prepared statement through its rows (the caller resets it). `sql` is
    /// for the error only: GRDB's `Statement.sql` trims the text at every call
    /// (profiled at a fifth of a `caller.profile` while it was read for every query).
    static func step(_ handle: OpaquePointer, sql: @autoclosure () -> String?, _ body: (Columns) throws -> Void) throws {
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                let message = sqlite3_db_handle(handle).map { String(cString: sqlite3_errmsg($0)) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql())
            }
            try body(Columns(handle: handle))
        }
    }

    /// The rows of a query, each read by `row`.
    mutating func rows<T>(_ row: (Columns) throws -> T) throws -> [T] {
        var out: [T] = []
        try forEachRow { out.append(try row($0)) }
        return out
    }
}
