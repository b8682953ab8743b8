import DequeModule

/// The calls waiting in one queue, in the order they are served: higher
/// priority first, then lower ticket (earlier arrival) first.
///
/// Calls that leave the line (answered elsewhere, abandoned, transferred) are
/// removed lazily: the core checks each front entry against the call's state.
struct WaitingLine: Sendable {
    struct Entry: Sendable, Equatable {
        var priority: Int
        var ticket: UInt64
        var call: CallID

        /// Whether `self` is served before `other`.
        func precedes(_ other: Entry) -> Bool {
            priority != other.priority ? priority > other.priority : ticket < other.ticket
        }
    }

    private(set) var entries: Deque<Entry> = []
    /// Calls really waiting (entries minus stale ones).
    private(set) var count = 0

    /// Puts a call in its place; O(1) for the usual case of the newest, lowest-priority call.
    /// Returns its 1-based position among the entries (stale ones included).
    @discardableResult
    mutating func insert(_ entry: Entry) -> Int {
        count += 1
        if let last = entries.last, !entry.precedes(last) {
            entries.append(entry)
            return entries.count
        }
        // Binary search for the first entry that `entry` precedes.
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entry.precedes(entries[mid]) { high = mid } else { low = mid + 1 }
        }
        entries.insert(entry, at: low)
        return low + 1
    }

    /// Records that a call left the line; its entry is dropped when it reaches the front.
    mutating func markLeft() { count -= 1 }

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
}
