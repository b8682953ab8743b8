import DequeModule

/// The calls waiting in one queue, in the order they are served: higher
/// priority first, then lower ticket (earlier arrival) first.
///
/// Calls that leave the line (answered elsewhere, abandoned, transferred) are
/// removed lazily: the core checks each front entry against the call's state.
struct WaitingLine: Sendable {
    struct Entry: Sendable, Equatable {
        /// Effective priority, time-independent: tier weight − aging × queue-entry time.
        /// (w₁ + a·(now − q₁) > w₂ + a·(now − q₂) ⇔ w₁ − a·q₁ > w₂ − a·q₂, so the
        /// order of waiting calls never changes as time passes and the line stays sorted.)
        var key: Double
        var ticket: UInt64
        var call: CallID
        /// Which insertion of the call this entry is (a requeued call gets a new
        /// entry with its old ticket; the old entry must not count again).
        var stamp: UInt64 = 0

        /// Whether `self` is served before `other`: higher key, then FIFO.
        func precedes(_ other: Entry) -> Bool {
            key != other.key ? key > other.key : ticket < other.ticket
        }
    }

    private(set) var entries: Deque<Entry> = []
    /// Calls really waiting (entries minus stale ones).
    private(set) var count = 0

    /// Puts a call in its place; O(1) for the usual case of the newest, lowest-priority call.
    /// Returns its 1-based position among the calls really waiting (`isLive`).
    @discardableResult
    mutating func insert(_ entry: Entry, isLive: (Entry) -> Bool = { _ in true }) -> Int {
        count += 1
        if entries.last.map({ !entry.precedes($0) }) ?? true {
            entries.append(entry)
            return count
        }
        // Binary search for the first entry that `entry` precedes.
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entry.precedes(entries[mid]) { high = mid } else { low = mid + 1 }
        }
        entries.insert(entry, at: low)
        let stale = entries.count - count
        if stale == 0 { return low + 1 }
        // Exact when at most 32 calls are ahead and at most 128 entries of calls
        // that left lie among them, where a caller hears "you are number 3";
        // further back an estimate that never scans a long line (stale entries
        // spread evenly). `CallCenter.placeInLine` (call.get) counts exactly.
        var ahead = 0, skipped = 0, index = 0
        while index < low, ahead <= 32, skipped <= 128 {
            if isLive(entries[index]) { ahead += 1 } else { skipped += 1 }
            index += 1
        }
        if index == low { return ahead + 1 }
        let estimate = low + 1 - stale * low / max(1, entries.count)
        return max(1, min(estimate, count))
    }

    /// Records that a call left the line; its entry is dropped when it reaches the front
    /// (or when stale entries outnumber live ones, see `compact`).
    mutating func markLeft() { count -= 1 }

    /// Drops stale entries once they outnumber the live ones (amortised O(1) per call).
    mutating func compact(isLive: (Entry) -> Bool) {
        guard entries.count - count > max(1024, count) else { return }
        entries = Deque(entries.filter(isLive))
    }

    /// The first entry for which `isLive` holds, dropping stale ones in front of it.
    mutating func front(isLive: (Entry) -> Bool) -> Entry? {
        while let first = entries.first {
            if isLive(first) { return first }
            entries.removeFirst()
        }
        return nil
    }

    /// Live entries in order (for restarts and diagnostics): O(n).
    func liveEntries(isLive: (Entry) -> Bool) -> [Entry] { entries.filter(isLive) }

    /// Live entries in order, at most `limit`, without dropping stale ones.
    func firstLive(_ limit: Int, isLive: (Entry) -> Bool) -> [Entry] {
        var out: [Entry] = []
        for entry in entries where isLive(entry) {
            out.append(entry)
            if out.count == limit { break }
        }
        return out
    }
}
