import GRDB

extension Schema {
    /// Migration "v5: CHECK lists as comparisons".
    ///
    /// SQLite (3.40) checks a constraint such as `state IN ('queued','ringing',
    /// 'connected','ended')` by building a temporary b-tree of the list each time a
    /// statement runs it: three of them on every call-log UPDATE, one on every agent
    /// UPDATE, measured at about 3 µs each (docs/benchmarks.md). Written
    /// `(state = 'queued' OR state = 'ringing' OR …)` the same constraint is a few
    /// comparisons. Lists of one or two values are compiled that way already.
    ///
    /// The stored `CREATE TABLE` text is rewritten in place, the procedure of
    /// https://www.sqlite.org/lang_altertable.html#otheralter: no row is copied, so
    /// the migration takes the same moment on a call log of any size. Each new
    /// constraint accepts exactly the values the old one did (NULL included), so the
    /// rows already stored satisfy it; `quick_check` confirms the file afterwards.
    static func v5(_ db: Database) throws {
        let tables = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '% IN (%'")
        let rewritten = tables.compactMap { row -> (name: String, sql: String)? in
            let sql: String = row["sql"]
            let new = checkListsAsComparisons(sql)
            return new == sql ? nil : (row["name"], new)
        }
        guard !rewritten.isEmpty else { return }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "SAVEPOINT check_lists")
        do {
            try db.execute(sql: "PRAGMA writable_schema = ON")
            for table in rewritten {
                try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [table.sql, table.name])
            }
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
            try db.execute(sql: "RELEASE check_lists")
        } catch {
            // An SQLite built "defensive" refuses to write the schema table. The
            // constraints then stay as they were: the same rules, checked more slowly.
            try? db.execute(sql: "PRAGMA writable_schema = OFF")
            try db.execute(sql: "ROLLBACK TO check_lists")
            try db.execute(sql: "RELEASE check_lists")
            return
        }
        let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
        guard check == ["ok"] else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "quick_check after rewriting the CHECK lists: \(check.joined(separator: "; "))")
        }
    }

    /// `column IN ('a','b','c')` (three or more quoted values) as
    /// `(column = 'a' OR column = 'b' OR column = 'c')`; everything else as it is.
    static func checkListsAsComparisons(_ sql: String) -> String {
        let list = /(?<column>[A-Za-z_][A-Za-z0-9_]*) IN \((?<values>'[^']*'(?:\s*,\s*'[^']*'){2,})\)/
        return sql.replacing(list) { match in
            let values = match.output.values.matches(of: /'[^']*'/).map(\.output)
            return "(" + values.map { "\(match.output.column) = \($0)" }.joined(separator: " OR ") + ")"
        }
    }
}
