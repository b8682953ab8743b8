import CallCenterArchive
import CallCenterCore
import GRDB
import XCTest
@testable import CallCenterStore

/// The store on a real file: what one instance commits, the next one reads.
final class StoreFileTests: XCTestCase {
    /// A database a newer build migrated (a migration this build does not know)
    /// is refused at open, and the file is left as it was.
    func testRefusesADatabaseFromANewerBuild() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        do {
            let store = try CallCenterStore(path: path)
            try store.commit(CallCenterStoreTests.sampleBatch())
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99: from the future')") }
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CallCenterStore(path: path)) { error in
            XCTAssertTrue("\(error)".contains("newer callcenterd"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }

    /// Everything committed survives closing the store and opening the file
    /// again (journal, snapshot, call log, wrap-up figures).
    func testReopeningKeepsEverything() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let batch = CallCenterStoreTests.sampleBatch()
        var second = CommitBatch()
        second.entries = [Fixture.entry(4, op: "tick", actor: "daemon", at: 55)]
        second.wrapUpsEnded = [(serial: 6, leg: 1, at: Fixture.at(55))]
        second.nextTicket = 8

        var expected: (Snapshot, [JournalEntry], [CallLogEntry])?
        do {
            let store = try CallCenterStore(path: path)
            try store.commit(batch)
            try store.commit(second)
            expected = (try store.loadSnapshot(), try store.journal(), try store.callLog(call: "c3"))
        }
        let reopened = try CallCenterStore(path: path)
        XCTAssertEqual(try reopened.loadSnapshot(), expected?.0)
        XCTAssertEqual(try reopened.journal(), expected?.1)
        XCTAssertEqual(try reopened.callLog(call: "c3"), expected?.2)
        XCTAssertEqual(try reopened.callLog(call: "c3").first?.wrapUp, 15)
        XCTAssertEqual(try reopened.lastSequence(), 4)
        XCTAssertEqual(try reopened.loadSnapshot().calls.map(\.id), ["c2", "c1"])

        // And the reopened store goes on from there.
        var third = CommitBatch()
        third.entries = [Fixture.entry(5, at: 60)]
        third.legs = [Fixture.call("c1", ticket: 7, state: .ended)]
        third.nextTicket = 8
        try reopened.commit(third)
        XCTAssertEqual(try CallCenterStore(path: path).loadSnapshot().calls.map(\.id), ["c2"])
    }

    /// Two stores on one file see each other's commits (the daemon's restart
    /// after a crash opens a file another process wrote).
    func testSecondInstanceSeesCommits() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let writer = try CallCenterStore(path: path)
        let reader = try CallCenterStore(path: path)
        try writer.commit(CallCenterStoreTests.sampleBatch())
        XCTAssertEqual(try reader.loadSnapshot(), try writer.loadSnapshot())
        XCTAssertEqual(try reader.lastSequence(), 3)
    }

    /// Missing parent directories are created.
    func testCreatesParentDirectories() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("state/callcenterd/cc.sqlite").path
        let store = try CallCenterStore(path: path)
        try store.commit(CallCenterStoreTests.sampleBatch())
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    /// The file is in WAL mode.
    func testFileUsesWAL() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        let mode = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "wal")
    }

    /// `synchronous` is FULL (2) by default and NORMAL (1) when asked, on the
    /// writer connection and on reader connections alike.
    func testSynchronousPragma() throws {
        let dir = try Fixture.temporaryDirectory(for: self)
        for (setting, expected) in [(nil, 2), (CallCenterStore.Synchronous.full, 2), (.normal, 1)] as [(CallCenterStore.Synchronous?, Int)] {
            let path = dir.appendingPathComponent("sync-\(setting?.rawValue ?? "default").sqlite").path
            let store = try setting.map { try CallCenterStore(path: path, synchronous: $0) } ?? CallCenterStore(path: path)
            let written = try store.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            let read = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            XCTAssertEqual(written, expected, "writer, \(setting?.rawValue ?? "default")")
            XCTAssertEqual(read, expected, "reader, \(setting?.rawValue ?? "default")")
        }
    }

    /// A batch of audited reads only is committed without waiting for the disk
    /// (NORMAL for that transaction); the next change is FULL again, and both
    /// are in the file for the next instance.
    func testReadsOnlyBatchSkipsTheFsyncAndTheNextChangeDoesNot() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        func writerSetting() throws -> Int? { try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } }
        try store.commit(CallCenterStoreTests.sampleBatch())
        XCTAssertEqual(try writerSetting(), 2)

        var reads = CommitBatch()
        reads.entries = [Fixture.entry(4, op: "caller.profile", actor: "supervisor", at: 50)]
        reads.nextTicket = 8
        reads.readsOnly = true
        try store.commit(reads)
        XCTAssertEqual(try writerSetting(), 1, "the reads-only transaction ran with synchronous=NORMAL")

        try commitChangeWithFullSync(store, path: path, seq: 5, journal: [1, 2, 3, 4, 5])
    }

    /// Commits a change (journal entry `seq`), checks it ran with synchronous=FULL
    /// and that a new instance on the file reads `journal`.
    func commitChangeWithFullSync(_ store: CallCenterStore, path: String, seq: Int64, journal: [Int64],
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        var change = CommitBatch()
        change.entries = [Fixture.entry(seq, at: 60)]
        change.nextTicket = 8
        try store.commit(change)
        let setting = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        XCTAssertEqual(setting, 2, "a change is committed with synchronous=FULL again", file: file, line: line)
        XCTAssertEqual(try CallCenterStore(path: path).journal().map(\.seq), journal, file: file, line: line)
    }

    /// A slice of pruning does not wait for the disk; the next change does again.
    func testPruningSkipsTheFsyncAndTheNextChangeDoesNot() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        func writerSetting() throws -> Int? { try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } }
        try store.commit(CallCenterStoreTests.sampleBatch())
        XCTAssertEqual(try store.prune(RetentionPolicy(journalDays: 1), now: Fixture.at(3 * 86_400), limit: 10).deleted.journal, 2)
        XCTAssertEqual(try writerSetting(), 1, "the slice ran with synchronous=NORMAL")

        try commitChangeWithFullSync(store, path: path, seq: 4, journal: [3, 4])
    }

    /// A store opened with `normal` never switches to FULL.
    func testReadsOnlyBatchOnNormalStoreStaysNormal() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path, synchronous: .normal)
        var reads = CallCenterStoreTests.sampleBatch()
        reads.readsOnly = true
        try store.commit(reads)
        var change = CommitBatch()
        change.entries = [Fixture.entry(4, at: 60)]
        change.nextTicket = 8
        try store.commit(change)
        XCTAssertEqual(try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }, 1)
    }

    /// The screen pop reads a file through connections of its own: it sees every
    /// commit as soon as it returns, from several threads at once.
    func testCallerLookupSeesCommitsFromAnyThread() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        XCTAssertNil(try store.callerInfo(number: "+8613800001111"))
        var c001 = CustomerRecord(id: "C001", name: "张经理")
        c001.phones = ["+8613800001111"]
        c001.tier = .highValue
        try store.applyArchive([.saveCustomers([c001], at: Fixture.at(0))])
        XCTAssertEqual(try store.callerInfo(number: "+8613800001111")?.customer, "C001")
        XCTAssertEqual(try store.callerInfo(number: "+8613800001111")?.flags, [])
        try store.applyArchive([.flagNumber(NumberFlag(number: "+8613800001111", flag: .threat, by: "agent:a1", at: Fixture.at(1),
                                                       reason: "threatened staff", call: nil))])
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var infos: [CallerInfo?] = []
        }
        let seen = Seen()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            let info = try? store.callerInfo(number: "+8613800001111")
            seen.lock.lock(); seen.infos.append(info); seen.lock.unlock()
        }
        XCTAssertEqual(seen.infos.count, 64)
        for info in seen.infos {
            XCTAssertEqual(info?.customer, "C001")
            XCTAssertEqual(info?.tier, .highValue)
            XCTAssertEqual(info?.flags, ["threat"])
        }
    }

    /// The atomicity test on a file: a refused batch leaves the file as it was,
    /// also for the next instance.
    func testRefusedBatchLeavesFileUnchanged() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        try store.commit(CallCenterStoreTests.sampleBatch())
        let before = try store.loadSnapshot()

        var bad = CommitBatch()
        bad.entries = [Fixture.entry(4, at: 50)]
        var broken = Fixture.call("c1", ticket: 7, state: .ended)
        broken.endedAt = nil
        bad.agents = [Fixture.agent("a6", state: .ready)]
        bad.legs = [Fixture.call("c7", ticket: 9), broken]
        bad.nextTicket = 10
        XCTAssertThrowsError(try store.commit(bad))
        XCTAssertEqual(try store.loadSnapshot(), before, "the refused batch was rolled back")
        XCTAssertEqual(try store.lastSequence(), 3)

        let reopened = try CallCenterStore(path: path)
        XCTAssertEqual(try reopened.loadSnapshot(), before)
        XCTAssertEqual(try reopened.lastSequence(), 3)

        // The writer is out of the failed transaction: the next batch commits.
        var next = CommitBatch()
        next.entries = [Fixture.entry(4, at: 60)]
        try store.commit(next)
        XCTAssertEqual(try CallCenterStore(path: path).lastSequence(), 4)
    }

    /// The next ticket survives commits that take none (most do: answers, hangups,
    /// agent states, reads) and a refused batch that took one.
    func testNextTicketSurvivesCommitsThatTakeNoneAndRefusedOnes() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        try store.commit(CallCenterStoreTests.sampleBatch())
        XCTAssertEqual(try store.loadSnapshot().nextTicket, 8)

        var same = CommitBatch()
        same.entries = [Fixture.entry(4, at: 50)]
        same.nextTicket = 8
        try store.commit(same)

        var refused = CommitBatch()
        refused.entries = [Fixture.entry(5, at: 55)]
        var broken = Fixture.call("c9", ticket: 9, state: .ended)
        broken.endedAt = nil
        refused.legs = [broken]
        refused.nextTicket = 10
        XCTAssertThrowsError(try store.commit(refused))

        var next = CommitBatch()
        next.entries = [Fixture.entry(5, at: 60)]
        next.nextTicket = 10
        try store.commit(next)
        XCTAssertEqual(try CallCenterStore(path: path).loadSnapshot().nextTicket, 10)
    }

    /// A commit that finds the write lock held (by a checkpoint's WAL restart, say)
    /// waits for it and commits; it is not refused.
    func testCommitWaitsForTheWriteLock() throws {
        let path = try Fixture.temporaryDirectory(for: self).appendingPathComponent("cc.sqlite").path
        let store = try CallCenterStore(path: path)
        try store.commit(CallCenterStoreTests.sampleBatch())
        let other = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                Thread.sleep(forTimeInterval: 0.2)
                try db.execute(sql: "COMMIT")
            }
        }
        holder.start()
        locked.wait()
        var next = CommitBatch()
        next.entries = [Fixture.entry(4, at: 60)]
        next.nextTicket = 8
        XCTAssertNoThrow(try store.commit(next))
        XCTAssertEqual(try store.lastSequence(), 4)
    }
}
