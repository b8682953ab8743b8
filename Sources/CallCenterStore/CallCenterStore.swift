import CallCenterCore
import Foundation
import GRDB

/// The daemon's database: the journal, the call log and the live state a
/// restart needs, in one SQLite file (WAL).
///
/// One writer (the engine) commits batches; every batch is one transaction, and
/// the engine acknowledges nothing before `commit` returns.
public final class CallCenterStore: @unchecked Sendable {
    /// SQLite's `synchronous` setting: `full` survives power loss; `normal` in WAL
    /// mode survives a crash of the process but may lose the last commits on power loss.
    public enum Synchronous: String, Sendable, CaseIterable {
        case full, normal
    }

    let writer: any DatabaseWriter
    /// The durability asked for in the configuration, and the writer's current setting.
    let synchronous: Synchronous
    private var currentSynchronous: Synchronous
    /// Encoded agent profiles and queue settings (writer only).
    private let memo = EncodingMemo()
    /// A connection of its own for WAL checkpoints (nil in memory).
    private var checkpointer: DatabaseQueue?
    /// Read-only connections for the screen pop (nil in memory).
    let lookups: LookupConnections?

    /// Opens (creating if needed) the database at `path` and migrates it.
    public init(path: String, synchronous: Synchronous = .full) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue.uppercased())")
        }
        config.busyMode = .callback(Self.waitBriefly)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Checkpoints run beside the writer (see `checkpoint()`), never inside a
        // commit: an automatic checkpoint would put its fsyncs on the path of an ack.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")  // the WAL file shrinks back to 64 MiB after a burst
        }
        try Self.refuseNewerSchema(path: path)
        let pool = try DatabasePool(path: path, configuration: config)
        // GRDB puts WAL databases on synchronous=NORMAL when it opens the writer;
        // durability is ours to choose, so set it again on the writer connection.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue.uppercased())")
        }
        writer = pool
        self.synchronous = synchronous
        currentSynchronous = synchronous
        var checkpointConfig = Configuration()
        checkpointConfig.busyMode = .immediateError  // a RESTART never waits: it is skipped while a reader is in the way
        checkpointer = try DatabaseQueue(path: path, configuration: checkpointConfig)
        try Schema.migrator.migrate(writer)
        lookups = LookupConnections(path: path, sql: Self.callerInfoSQL)
    }

    /// A newer callcenterd's migrations would be unknown here: running on its
    /// schema would write rows it does not expect. Looked at through a read-only
    /// connection before anything opens the file for writing (opening a pool
    /// writes a page), so a refused file is left exactly as it was.
    static func refuseNewerSchema(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var config = Configuration()
        config.readonly = true
        let superseded = try DatabaseQueue(path: path, configuration: config).read { db in
            try db.tableExists("grdb_migrations") && Schema.migrator.hasBeenSuperseded(db)
        }
        if superseded { throw StoreOpenError.newerSchema(path: path) }
    }

    /// What a connection does when another holds the lock it needs (the checkpointer
    /// holds the write lock for the moment of a WAL restart): try again after 20 µs,
    /// after 0.5 ms once 1 ms has passed, and give up after about 5 s. SQLite's own
    /// busy timeout sleeps 1 ms at the first try, then 2, then 5: a restart of a few
    /// microseconds cost the commit in progress milliseconds, which was the tail of
    /// offer → route (`strace`: the engine thread in 1, 2 and 5 ms `clock_nanosleep`).
    @Sendable static func waitBriefly(_ tries: Int) -> Bool {
        guard tries < 10_050 else { return false }
        usleep(tries < 50 ? 20 : 500)
        return true
    }

    /// An in-memory database, for tests.
    public init(inMemory: Void = ()) throws {
        writer = try DatabaseQueue()
        lookups = nil
        synchronous = .full
        currentSynchronous = .full
        try Schema.migrator.migrate(writer)
    }

    // MARK: - Writing

    /// Commits a batch in one transaction. When this returns, the batch is durable
    /// (as durable as `synchronous` makes it); when it throws, nothing of it is.
    public func commit(_ batch: CommitBatch) throws {
        guard !batch.isEmpty else { return }
        let wanted: Synchronous = batch.readsOnly ? .normal : synchronous
        try writer.writeWithoutTransaction { db in
            try useSynchronous(wanted, db)
            // BEGIN and COMMIT as cached statements: GRDB's `inTransaction` compiles
            // both again for every transaction (profiled at a tenth of a commit).
            var begin = FastStatement(try db.cachedStatement(sql: "BEGIN IMMEDIATE"))
            var commit = FastStatement(try db.cachedStatement(sql: "COMMIT"))
            try begin.run(db)
            do {
                try write(batch, in: db)
                try commit.run(db)
            } catch {
                if !db.isInsideTransaction { throw error }
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
    }

    /// Sets the writer's `synchronous` for the transactions that follow (writer only).
    func useSynchronous(_ wanted: Synchronous, _ db: Database) throws {
        guard wanted != currentSynchronous else { return }
        try db.execute(sql: "PRAGMA synchronous = \(wanted.rawValue.uppercased())")
        currentSynchronous = wanted
    }

    private func write(_ batch: CommitBatch, in db: Database) throws {
        let journal = try db.cachedStatement(sql: "INSERT INTO journal (seq, at, op, actor, payload) VALUES (?, ?, ?, ?, ?)")
        var row = FastStatement(journal)
        for e in batch.entries {
            row.bind(e.seq); row.bind(e.at.milliseconds); row.bind(e.op); row.bind(e.actor); row.bind(e.payload)
            try row.run(db)
            }
            try Projections.write(batch, in: db, memo: memo)
            try ComplaintProjection.write(batch.complaints, in: db)
            try ArchiveWriter.apply(batch.archive, in: db)
    }

    /// Copies committed pages from the WAL into the database file (a passive
    /// checkpoint: it waits for nobody and nobody waits for it). The daemon calls
    /// it every few seconds.
    public func checkpoint() throws {
        try checkpointer?.writeWithoutTransaction { db in
            let passive = try db.checkpoint(.passive)
            // The writer starts the WAL over only when it begins a transaction with
            // every frame already copied, which a busy writer almost never does: the
            // WAL grew by 100 MB in seconds and every fdatasync had to grow the file
            // (about 1 ms on ext4, against tens of µs to overwrite). Past 16 MiB, a
            // RESTART (with nothing left to copy) makes the next commit write from
            // the start of the file again. If a reader is in the way it is skipped.
            if passive.walFrameCount > 4096 { _ = try? db.checkpoint(.restart) }
        }
    }

    // MARK: - Reading

    /// Reads for the engine, the store's one writer, through the writer connection.
    ///
    /// Nothing but this connection changes the database, so the statements of
    /// `body` see one state without a read transaction, and the connection's page
    /// cache stays warm across its own commits. A pooled reader, by contrast, opens
    /// a transaction per read and, after every commit by the writer, reads its
    /// pages again: that was half of the daemon's CPU for a `caller.profile`
    /// (`docs/benchmarks.md`). The screen pop, on the event loops, reads through
    /// connections of its own (`lookups`) and never waits for the writer.
    func readOnWriter<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction(body)
    }

    /// The live state to restart from.
    public func loadSnapshot() throws -> Snapshot {
        try readOnWriter { db in
            var snapshot = try Projections.loadSnapshot(db)
            try ComplaintProjection.loadIntoSnapshot(&snapshot, db)
            return snapshot
        }
    }

    /// The highest journal sequence number (0 when empty).
    public func lastSequence() throws -> Int64 {
        try readOnWriter { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM journal") ?? 0 }
    }

    /// Journal entries after `seq`, oldest first.
    public func journal(after seq: Int64 = 0, limit: Int = 1000) throws -> [JournalEntry] {
        try readOnWriter { db in
            try Row.fetchAll(db, sql: "SELECT seq, at, op, actor, payload FROM journal WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, limit]).map {
                JournalEntry(seq: $0["seq"], at: Instant(milliseconds: $0["at"]), op: $0["op"], actor: $0["actor"], payload: $0["payload"])
            }
        }
    }

    /// The call log's rows for a call id, newest life and leg last.
    public func callLog(call: CallID) throws -> [CallLogEntry] {
        try readOnWriter { db in
            try Row.fetchAll(db, sql: "SELECT \(Projections.callColumns) FROM calls WHERE call = ? ORDER BY serial, leg", arguments: [call]).map(Projections.logEntry)
        }
    }

    /// Counts the journal's rows (diagnostics and tests).
    public func journalCount() throws -> Int {
        try readOnWriter { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM journal") ?? 0 }
    }
}

/// Why the store refused a database file.
public enum StoreOpenError: Error, CustomStringConvertible {
    case newerSchema(path: String)

    public var description: String {
        switch self {
        case let .newerSchema(path):
            "the database \(path) was written by a newer callcenterd (its schema has migrations this version does not know); run that version, or restore a backup made by this one"
        }
    }
}
