/// A set of string ids on `IDMap` (the same hash; see there).
public struct IDSet: Sequence {
    @usableFromInline var map = IDMap<Void>()

    public init() {}

    public var count: Int { map.count }
    public var isEmpty: Bool { map.isEmpty }

    @inlinable
    public func contains(_ id: String) -> Bool { map.contains(key: id) }

    @inlinable
    public mutating func insert(_ id: String) { map[id] = () }

    @inlinable
    public mutating func remove(_ id: String) { map[id] = nil }

    public func makeIterator() -> IndexingIterator<ContiguousArray<String>> { map.keys.makeIterator() }
    public var underestimatedCount: Int { count }
}

extension IDSet: Sendable {}
