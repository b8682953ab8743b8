/// A map from string ids (calls, agents, queues, numbers) to values: what
/// `[String: Value]` does, for the maps routing reads on every decision.
///
/// Why not `Dictionary`: hashing a `String` key for it runs SipHash-1-3 through
/// `Hasher` (seed, byte-wise combine, finalize), a few hundred instructions per
/// lookup, and a routing decision looks up tens of keys. Measured with callgrind
/// on `routing-bench`, hashing and probing were 40% of a decision. This map hashes
/// the key's UTF-8 with a seeded multiply-mix (a few instructions per 8 bytes;
/// a non-ASCII key its NFC form, since `String ==` is canonical equivalence)
/// and keeps each entry's hash, so a probe compares strings only when the hashes
/// are equal. The seed is random per process, so crafted ids cannot choose
/// collisions ahead of time, as with `Dictionary`.
///
/// Entries are stored densely (keys, values, hashes) and found through an open
/// addressing index (linear probing, at most 3/4 full, backward-shift deletion);
/// removing an entry moves the last one into its place, so iteration order
/// follows the history of insertions and removals (not the seed); code that
/// needs an order sorts, as it would with `Dictionary`.
public struct IDMap<Value> {
    @usableFromInline var keyList: ContiguousArray<String> = []
    /// Optional so that `_modify` can yield the stored value itself (`map[key]?.x = y`
    /// changes it in place; `map[key] = nil` through it removes the entry).
    @usableFromInline var valueList: ContiguousArray<Value?> = []
    @usableFromInline var hashList: ContiguousArray<UInt64> = []
    /// Slot → entry position + 1 (0: empty). Its count is 0 (an empty map
    /// allocates nothing) or a power of two.
    @usableFromInline var slots: ContiguousArray<Int32> = []
    @usableFromInline let seed: UInt64

    public init() {
        seed = idHashSeed
    }

    public init(minimumCapacity: Int) {
        self.init()
        reserveCapacity(minimumCapacity)
    }

    public var count: Int { keyList.count }
    public var isEmpty: Bool { keyList.isEmpty }
    /// The keys, in the map's (arbitrary) order.
    public var keys: ContiguousArray<String> { keyList }
    /// The values, in the same order as `keys`.
    public var values: LazyMapSequence<ContiguousArray<Value?>, Value> { valueList.lazy.map { $0! } }

    // MARK: Lookup

    @inlinable
    public subscript(key: String) -> Value? {
        get {
            guard let position = position(of: key, hash: hash(key)) else { return nil }
            return valueList[position]
        }
        set {
            let h = hash(key)
            if let position = position(of: key, hash: h) {
                if let newValue { valueList[position] = newValue } else { remove(at: position, hash: h) }
            } else if let newValue {
                append(key, newValue, hash: h)
            }
        }
        _modify {
            let h = hash(key)
            if let position = position(of: key, hash: h) {
                // In place: the stored optional is what the caller changes.
                defer { if case .none = valueList[position] { remove(at: position, hash: h) } }
                yield &valueList[position]
            } else {
                var value: Value? = nil
                defer { if let value { append(key, value, hash: h) } }
                yield &value
            }
        }
    }

    @inlinable
    public subscript(key: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        _modify {
            let h = hash(key)
            let position: Int
            if let found = self.position(of: key, hash: h) {
                position = found
            } else {
                append(key, defaultValue(), hash: h)
                position = keyList.count - 1
            }
            yield &valueList[position]!
        }
    }

    /// Changes the value for `key` where it is stored, if there is one, and returns
    /// what `body` returns. (`var v = map[key]!; …; map[key] = v` copies the value
    /// out and back, and its arrays are then shared, so changing them copies them.)
    @inlinable
    public mutating func inPlace<R>(_ key: String, _ body: (inout Value) throws -> R) rethrows -> R? {
        guard let position = position(of: key, hash: hash(key)) else { return nil }
        return try body(&valueList[position]!)
    }

    /// What `body` makes of the value for `key`, read where it is stored (reading
    /// `map[key]` copies the whole value, a retain for each reference it holds).
    @inlinable
    public func read<R>(_ key: String, _ body: (borrowing Value) throws -> R) rethrows -> R? {
        guard let position = position(of: key, hash: hash(key)) else { return nil }
        // The payload of a stored `Value?` sits at its start (Swift lays out a
        // single-payload enum so, docs/ABI/TypeLayout.rst in the Swift repository;
        // reading an optional's memory as its wrapped type is allowed, the
        // "related types" of UnsafePointer's documentation): borrowed through a
        // pointer, it is not copied. `position` is always a stored (non-nil) entry.
        // `unsafelyUnwrapped` returned a copy (callgrind: the agents' copies in
        // `chooseInOrder`, a tenth of an arrival's decision).
        return try valueList.withUnsafeBufferPointer { buffer in
            try body(UnsafeRawPointer(buffer.baseAddress! + position).assumingMemoryBound(to: Value.self).pointee)
        }
    }

    @inlinable
    public func contains(key: String) -> Bool { position(of: key, hash: hash(key)) != nil }

    // MARK: Changes

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        let h = hash(key)
        guard let position = position(of: key, hash: h) else { return nil }
        let value = valueList[position]
        remove(at: position, hash: h)
        return value
    }

    /// Incremental expiry: looks at `steps` entries from `cursor` on (in storage
    /// order, wrapping around) and removes those `expired` says, so that a map
    /// whose entries age out is kept small a few entries at a time instead of
    /// in one pass over all of them. `cursor` is the caller's, kept between calls.
    public mutating func sweep(_ cursor: inout Int, steps: Int, expired: (Value) -> Bool) {
        for _ in 0..<steps {
            guard !keyList.isEmpty else {
                cursor = 0
                return
            }
            if cursor >= keyList.count { cursor = 0 }
            if expired(valueList[cursor]!) {
                remove(at: cursor, hash: hashList[cursor])  // the last entry moves here: look at it next
            } else {
                cursor += 1
            }
        }
    }

    public mutating func removeAll() {
        keyList.removeAll()
        valueList.removeAll()
        hashList.removeAll()
        slots = []
    }

    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        keyList.reserveCapacity(minimumCapacity)
        valueList.reserveCapacity(minimumCapacity)
        hashList.reserveCapacity(minimumCapacity)
        if minimumCapacity * 4 > slots.count * 3 { rebuild(slotCount: Self.slotCount(for: minimumCapacity)) }
    }

    // MARK: Internals

    @inlinable
    func hash(_ key: String) -> UInt64 { IDHash.hash(key, seed: seed) }

    @inlinable
    func position(of key: String, hash h: UInt64) -> Int? {
        if slots.isEmpty { return nil }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if hashList[entry - 1] == h && keyList[entry - 1] == key { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The slot that points at entry `position` (whose hash is `h`).
    @usableFromInline
    func slot(of position: Int, hash h: UInt64) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while Int(slots[slot]) != position + 1 { slot = (slot + 1) & mask }
        return slot
    }

    @usableFromInline
    mutating func append(_ key: String, _ value: Value, hash h: UInt64) {
        precondition(keyList.count < Int(Int32.max) - 1, "IDMap is full")
        if (keyList.count + 1) * 4 > slots.count * 3 { rebuild(slotCount: Swift.max(8, slots.count * 2)) }
        keyList.append(key)
        valueList.append(value)
        hashList.append(h)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(keyList.count)
    }

    /// Removes entry `position`: empties its slot (shifting back the entries
    /// probed past it) and moves the last entry into its place.
    @usableFromInline
    mutating func remove(at position: Int, hash h: UInt64) {
        let mask = slots.count - 1
        var hole = slot(of: position, hash: h)
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = Int(truncatingIfNeeded: hashList[Int(slots[next]) - 1]) & mask
            // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
            let homeAfterHole = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !homeAfterHole {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        let last = keyList.count - 1
        if position != last {
            slots[slot(of: last, hash: hashList[last])] = Int32(position + 1)
            keyList.swapAt(position, last)
            valueList.swapAt(position, last)
            hashList.swapAt(position, last)
        }
        keyList.removeLast()
        valueList.removeLast()
        hashList.removeLast()
    }

    static func slotCount(for capacity: Int) -> Int {
        var count = 8
        while capacity * 4 > count * 3 { count *= 2 }
        return count
    }

    @usableFromInline
    mutating func rebuild(slotCount: Int) {
        slots = ContiguousArray(repeating: 0, count: slotCount)
        let mask = slotCount - 1
        for (position, h) in hashList.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position + 1)
        }
    }
}

extension IDMap {
    /// What is wrong with the map's index, if anything (for tests): every entry
    /// has exactly one slot, reachable from its home slot without crossing an empty one.
    func integrityProblem() -> String? {
        let mask = slots.count - 1
        if slots.filter({ $0 != 0 }).count != keyList.count { return "\(slots.filter { $0 != 0 }.count) slots used for \(keyList.count) entries" }
        if keyList.count != valueList.count || keyList.count != hashList.count { return "lists of different lengths" }
        for position in keyList.indices {
            if hashList[position] != hash(keyList[position]) { return "entry \(position) has a stale hash" }
            var slot = Int(truncatingIfNeeded: hashList[position]) & mask
            while Int(slots[slot]) != position + 1 {
                if slots[slot] == 0 { return "entry \(position) ('\(keyList[position])') is not reachable from its home slot" }
                slot = (slot + 1) & mask
            }
        }
        return nil
    }
}

extension IDMap: Sendable where Value: Sendable {}

extension IDMap: Sequence {
    public typealias Element = (key: String, value: Value)

    public struct Iterator: IteratorProtocol {
        let map: IDMap
        var position = 0
        public mutating func next() -> Element? {
            guard position < map.keyList.count else { return nil }
            defer { position += 1 }
            return (map.keyList[position], map.valueList[position]!)
        }
    }

    public func makeIterator() -> Iterator { Iterator(map: self) }
    public var underestimatedCount: Int { count }
}

extension IDMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init()
        for (key, value) in elements { self[key] = value }
    }
}

extension IDMap: Equatable where Value: Equatable {
    public static func == (lhs: IDMap, rhs: IDMap) -> Bool {
        lhs.count == rhs.count && lhs.allSatisfy { rhs[$0.key] == $0.value }
    }
}

extension IDMap {
    /// The map as a `Dictionary` (for callers outside the routing path).
    public var dictionary: [String: Value] {
        Dictionary(uniqueKeysWithValues: zip(keyList, valueList.lazy.map { $0! }))
    }

    /// A `Dictionary` of the transformed values, as `Dictionary.mapValues` makes.
    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> [String: T] {
        try Dictionary(uniqueKeysWithValues: zip(keyList, valueList.map { try transform($0!) }))
    }
}
