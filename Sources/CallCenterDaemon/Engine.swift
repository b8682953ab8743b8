import CallCenterCore
import CallCenterStore
import CallCenterWire
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The single writer. One thread owns the core and the store: it takes
/// everything that arrived since its last pass, applies it in order, commits the
/// journal entries and projections in one transaction (group commit), and only
/// then sends the replies and the effects.
final class Engine: @unchecked Sendable {
    enum Submission {
        case opened(Session)
        case closed(Session)
        case request(Session, Request)
        case rejected(Session, Request.Failure)
        case tooLarge(Session)
        /// Apply a new configuration (SIGHUP); the callback gets a summary.
        case reload(DaemonConfig, @Sendable ([String]) -> Void)
        /// Refresh the figures (and prove the engine thread is turning).
        case heartbeat
        /// A reply computed off the engine thread (`calls.report`), to send before
        /// what the session was sent meanwhile.
        case deferredReply(Session, [UInt8])
        /// The client shut down its sending side: close after the replies to what it sent.
        case inputClosed(Session)
        /// Lines for a PBX (routes) its connection could not take (closed, failed
        /// write, overflow): they go to another PBX or wait for the next.
        case undelivered(Session, [KeptLine])
    }

    /// Live figures for `STATUS=` and logs.
    struct Figures: Sendable {
        var waiting = 0
        var agents: [AgentState: Int] = [:]
        var sessions = 0
        var committedInputs = 0
        var lastSequence: Int64 = 0
        /// Commits (group commits) so far and the time they took.
        var commits = 0
        var commitSeconds: Double = 0
    }

    static let maximumBatch = 8192

    let logger: Logger
    let store: CallCenterStore
    /// The customer archive: screen-pop lookups (any thread) and staged imports.
    let archive: ArchiveRuntime
    let clock: @Sendable () -> Instant
    let daemonUID: UInt32
    let figures = NIOLockedValueBox(Figures())
    private let sessionIDs = NIOLockedValueBox(0)

    // Inbox, guarded by `condition`.
    private let condition = NSCondition()
    private var inbox: [Submission] = []
    private var stopRequested = false
    private var finished: CheckedContinuation<Void, Never>?
    private var hasFinished = false

    // Engine thread only.
    var core: CallCenter
    var config: DaemonConfig
    var nextSeq: Int64
    var lastNow = Instant(milliseconds: 0)
    var sessions: Set<Session> = []
    var pbxSessions: [Session] = []
    var agentSessions: [AgentID: [Session]] = [:]
    var subscribers: [Topic: Set<Session>] = [:]
    /// The PBX session that offered each live call (where its `route` goes).
    var callOrigin: [CallID: Session] = [:]
    /// Route commands (committed) that found no PBX session; sent to the next PBX that says hello.
    var pendingRoutes: [[UInt8]] = []
    /// Route commands of this pass's changes that found no PBX: pending once committed.
    var passRoutes: [[UInt8]] = []
    var outbox = Outbox()
    /// Reads of the same state share their walks of the waiting lines.
    var readMemo = ReadMemo()
    /// Queues whose figures moved in this pass.
    var changedQueues: Set<QueueID> = []
    /// When the next slice of history past `[retention]` is due (nil: keep everything),
    /// what the sweep in progress has deleted, and the most rows of each kind a slice deletes.
    var retentionDue: Instant?
    var sweep = PruneCount()
    var pruneSliceRows = 500

    init(config: DaemonConfig, store: CallCenterStore, logger: Logger, daemonUID: UInt32,
         clock: @escaping @Sendable () -> Instant = Instant.now) throws {
        self.config = config
        self.store = store
        outbox.heldLimit = Self.heldLimit(config)
        archive = ArchiveRuntime(store: store, settings: config.archive, logger: logger)
        self.logger = logger
        self.clock = clock
        self.daemonUID = daemonUID
        let snapshot = try store.loadSnapshot()
        core = CallCenter(settings: config.core, restoring: snapshot)
        core.routesTaken = false  // no PBX has said hello yet: no ring can start
        nextSeq = try store.lastSequence() + 1
        retentionDue = config.retention.keepsEverything ? nil : clock()
        logger.info("journal recovered", metadata: [
            "calls": "\(snapshot.calls.count)", "agents": "\(snapshot.agents.count)",
            "queues": "\(snapshot.queues.count)", "seq": "\(nextSeq - 1)",
        ])
    }

    /// When the engine thread last finished a pass (milliseconds, wall clock).
    private let lastPass = NIOLockedValueBox<Int64>(Instant.now().milliseconds)

    /// Asks the engine thread for a pass that refreshes the figures.
    func publishFiguresRequest() { submit(.heartbeat) }

    /// The engine thread finished a pass within the last 10 seconds (the watchdog's test).
    var isAlive: Bool { Instant.now().milliseconds - lastPass.withLockedValue { $0 } < 10_000 }

    func nextSessionID() -> Int {
        sessionIDs.withLockedValue { $0 += 1; return $0 }
    }

    // MARK: - Running

    /// Starts the engine thread after applying the configured queues (journaled).
    func start() throws {
        try applyConfiguredQueues(actor: "config")
        core.armAnnouncements(now: max(clock(), lastNow))
        publishFigures()
        let thread = Thread { [self] in run() }
        thread.name = "callcenterd-engine"
        thread.start()
    }

    func submit(_ submission: Submission) {
        condition.lock()
        inbox.append(submission)
        if inbox.count == 1 { condition.signal() }
        condition.unlock()
    }

    /// Processes everything submitted so far, then stops the thread.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if hasFinished {
                condition.unlock()
                continuation.resume()
                return
            }
            finished = continuation
            stopRequested = true
            condition.signal()
            condition.unlock()
        }
    }

    private func run() {
        var deadline: Instant? = core.nextDeadline()
        while true {
            condition.lock()
            while inbox.isEmpty && !stopRequested {
                if let wake = [deadline, retentionDue].compactMap({ $0 }).min() {
                    // At most an hour at a time: a far deadline (a complaint's SLA, a
                    // database from elsewhere) must not overflow the condition's clock.
                    let wait = min(Double(wake.milliseconds - clock().milliseconds) / 1000, 3600)
                    if wait <= 0 { break }
                    if !condition.wait(until: Date(timeIntervalSinceNow: wait)) { break }
                } else {
                    condition.wait()
                }
            }
            let items: [Submission]
            if inbox.count > Self.maximumBatch {
                items = Array(inbox.prefix(Self.maximumBatch))
                inbox.removeFirst(Self.maximumBatch)
            } else {
                items = inbox
                inbox = []
            }
            let stopping = stopRequested && inbox.isEmpty
            condition.unlock()

            pass(items)
            deadline = core.nextDeadline()
            if stopping {
                // Reports still running: let them finish, then send their replies and
                // what their sessions were held back from (acknowledged changes among it).
                Self.reports.sync {}
                condition.lock()
                let last = inbox
                inbox = []
                condition.unlock()
                if !last.isEmpty { pass(last) }
                break
            }
            if let due = retentionDue, due <= clock(), inboxIsEmpty { pruneSlice(now: max(clock(), lastNow)) }
        }
        condition.lock()
        hasFinished = true
        let continuation = finished
        finished = nil
        condition.unlock()
        logger.info("engine stopped", metadata: ["seq": "\(nextSeq - 1)"])
        continuation?.resume()
    }

    /// Nothing is waiting for the engine (history is pruned only then).
    private var inboxIsEmpty: Bool {
        condition.lock()
        defer { condition.unlock() }
        return inbox.isEmpty && !stopRequested
    }

    /// One pass: apply, commit once, then send.
    func pass(_ items: [Submission]) {
        let now = tickClock()
        readMemo = ReadMemo()
        var log = PassLog()

        if let due = core.nextDeadline(), due <= now {
            applyInput(.tick, now: now, op: "tick", actor: "daemon", payload: "{}", session: nil, requestID: nil, log: &log)
        }
        for item in items {
            handle(item, now: now, log: &log)
        }
        // Once per pass: a PBX that said hello and left in one pass changes nothing.
        syncRoutesTaken(now: now, log: &log)
        let entries = log.entries
        if !entries.isEmpty {
            let batch = commitBatch(log)
            do {
                let started = DispatchTime.now().uptimeNanoseconds
                try store.commit(batch)
                let took = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                figures.withLockedValue { $0.commits += 1; $0.commitSeconds += took }
            } catch {
                logger.error("cannot commit the journal: answering unavailable and reloading the last committed state", metadata: ["error": "\(error)"])
                outbox.failUncommitted()
                passRoutes = []  // routes of changes that were not accepted must never reach a PBX
                reloadAfterFailedCommit()
            }
        }
        publishQueueChanges(seq: nextSeq - 1)
        sendCommitted()
        if !entries.isEmpty || items.contains(where: { if case .heartbeat = $0 { return true } else { return false } }) {
            publishFigures(committed: entries.count)
        }
        lastPass.withLockedValue { $0 = now.milliseconds }
    }

    /// What a pass commits: its journal entries and the projections they changed,
    /// as the core holds them now.
    func commitBatch(_ log: PassLog) -> CommitBatch {
        var batch = CommitBatch()
        batch.entries = log.entries
        batch.legs = log.changes.legs
        batch.wrapUpsEnded = log.changes.wrapUpsEnded
        batch.agents = log.changes.agents.compactMap { core.agents[$0] }
        batch.removedAgents = log.changes.agents.filter { core.agents[$0] == nil }.sorted().compactMap { id in core.removedAgents[id].map { (id, $0) } }
        batch.queues = log.changes.queues.compactMap { core.queues[$0] }
        batch.removedQueues = log.changes.queues.filter { core.queues[$0] == nil }.sorted()
        batch.nextTicket = core.nextTicket
        batch.complaints = log.changes.complaints
        batch.archive = log.archive.changes
        batch.readsOnly = log.entries.allSatisfy { $0.op == Operation.callerProfile.rawValue }
        return batch
    }

    private func reloadAfterFailedCommit() {
        do {
            core = CallCenter(settings: config.core, restoring: try store.loadSnapshot())
            core.routesTaken = false  // the next pass opens routing again if a PBX is there, routing the lines
            readMemo = ReadMemo()
            core.armAnnouncements(now: lastNow)  // not part of the snapshot
            lastOffsetMinute = -1  // the local time's offset is looked up again at the next pass
            nextSeq = try store.lastSequence() + 1
        } catch {
            logger.critical("cannot reload the state after a failed commit: stopping", metadata: ["error": "\(error)"])
            exit(75)
        }
    }

    /// The instant of this pass: the wall clock, never going backwards.
    func tickClock() -> Instant {
        let now = max(clock(), lastNow)
        lastNow = now
        if now.milliseconds / 60_000 != lastOffsetMinute {
            lastOffsetMinute = now.milliseconds / 60_000
            core.settings.utcOffsetSeconds = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: Double(now.milliseconds) / 1000))
        }
        return now
    }
    private var lastOffsetMinute: Int64 = -1

    func publishFigures(committed: Int = 0) {
        let waiting = core.waitingCount
        let agents = core.agentCounts
        let sessionCount = sessions.count
        let last = nextSeq - 1
        figures.withLockedValue {
            $0.waiting = waiting
            $0.agents = agents
            $0.sessions = sessionCount
            $0.committedInputs += committed
            $0.lastSequence = last
        }
    }
}

/// Answers of reads that stay true until the state changes (`Engine.applyInput`
/// and every pass start clear it): a supervisor pipelining thousands of
/// `call.get` or `stats` costs one walk of each waiting line, not one per read.
struct ReadMemo {
    /// `stats`, by the queue asked for ("" for all).
    var stats: [String: [QueueStats]] = [:]
    /// Each waiting call's place and estimated wait, by queue.
    var places: [QueueID: [CallID: (position: Int, ewt: Double)]] = [:]
}

/// What one pass accepted: journal entries and projection changes.
struct PassLog {
    var entries: [JournalEntry] = []
    var changes = ChangeSet()
    /// Customer-archive writes of the pass (committed with the journal entries).
    var archive = ArchivePass()
}

extension Instant {
    /// The wall clock.
    @Sendable public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Instant(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}
