import CallCenterCore
import CallCenterStore
import Dispatch

extension Engine {
    /// A sweep that found nothing more to delete looks again this much later.
    static let pruneIntervalMilliseconds: Int64 = 3_600_000
    /// Between two slices of a backlog the engine rests this many times as long as
    /// the slice took, so pruning takes at most a tenth of its time (with 4, a fifth,
    /// routing's p99 doubled during a backlog; docs/benchmarks.md).
    static let pruneRestFactor: UInt64 = 9

    /// Deletes one slice of the history `[retention]` no longer keeps (at most
    /// `pruneSliceRows` rows of each kind, one short transaction). The engine runs
    /// it only when no request is waiting. While slices come back full, the next is
    /// due after a rest, so that a large backlog (a retention set on a database
    /// years old) is worked off between passes without holding up routing for more
    /// than a slice, or taking more than a tenth of the engine. A sweep's total is
    /// logged once. Returns whether more is left.
    @discardableResult
    func pruneSlice(now: Instant) -> Bool {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let slice = try store.prune(config.retention, now: now, limit: pruneSliceRows)
            sweep += slice.deleted
            if slice.more {
                // The rest counts from the end of the slice, on the clock the run loop compares with.
                let took = DispatchTime.now().uptimeNanoseconds - started
                retentionDue = Instant(milliseconds: clock().milliseconds + Int64(max(1, took * Self.pruneRestFactor / 1_000_000)))
                return true
            }
            if sweep.total > 0 {
                logger.info("pruned history past [retention]", metadata: [
                    "journal": "\(sweep.journal)", "calls": "\(sweep.calls)", "audit": "\(sweep.audit)",
                ])
            }
        } catch {
            logger.warning("cannot prune history past [retention]; trying again in an hour", metadata: ["error": "\(error)"])
        }
        sweep = PruneCount()
        retentionDue = Instant(milliseconds: clock().milliseconds + Self.pruneIntervalMilliseconds)
        return false
    }
}
