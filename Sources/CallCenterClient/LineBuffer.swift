import Foundation

/// Bytes read from the socket and not yet consumed, split on `\n`.
///
/// One contiguous `[UInt8]` with a read cursor: reads land at the tail, lines are
/// taken from the head, and the unconsumed tail (usually a partial line) is moved
/// to the front only when the free space runs low. A line is searched for only in
/// bytes not searched before, so a long line arriving in many reads costs linear time.
struct LineBuffer {
    /// The smallest free space offered to one `read(2)`.
    static let readSize = 64 * 1024
    /// A line longer than this (without its newline) is refused as a bad line.
    static let maxLineLength = 64 * 1024 * 1024

    private(set) var storage: [UInt8]
    /// Start of the unconsumed bytes.
    private var start = 0
    /// End of the bytes read so far.
    private var end = 0
    /// Bytes in `start..<scanned` are known to hold no newline.
    private var scanned = 0

    init() {
        storage = [UInt8](repeating: 0, count: 2 * LineBuffer.readSize)
    }

    /// Bytes received but not yet returned as lines.
    var unconsumedCount: Int { end - start }

    /// Takes the next complete line (without its `\n`), or `nil` if none is complete yet.
    mutating func nextLine() -> Data? {
        let from = Swift.max(start, scanned)
        guard from < end else { return nil }
        let newline: Int? = storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            guard let hit = memchr(base + from, 0x0A, end - from) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard let newline else {
            scanned = end
            return nil
        }
        let line = storage.withUnsafeBytes { raw in
            Data(bytes: raw.baseAddress! + start, count: newline - start)
        }
        start = newline + 1
        scanned = start
        if start == end {
            start = 0
            end = 0
            scanned = 0
        }
        return line
    }

    /// True when the unconsumed bytes hold no newline and exceed ``maxLineLength``.
    var isOverlong: Bool { scanned == end && end - start > LineBuffer.maxLineLength }

    /// Lets `body` write up to the free space at the tail (at least ``readSize`` bytes)
    /// and records how many bytes it wrote. `body` returns that count, or 0 / negative
    /// for "nothing" (EOF, error), which is passed through unchanged.
    mutating func append(_ body: (UnsafeMutableRawPointer, Int) -> Int) -> Int {
        makeRoom()
        let count = storage.count
        let offset = end
        let written = storage.withUnsafeMutableBytes { raw in
            body(raw.baseAddress! + offset, count - offset)
        }
        if written > 0 { end += written }
        return written
    }

    /// Moves the unconsumed bytes to the front, and grows the storage, until at least
    /// ``readSize`` bytes are free at the tail.
    private mutating func makeRoom() {
        if storage.count - end >= LineBuffer.readSize { return }
        if start > 0 {
            let length = end - start
            let from = start
            storage.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress!
                memmove(base, base + from, length)
            }
            scanned -= start
            end = length
            start = 0
        }
        if storage.count - end < LineBuffer.readSize {
            storage.append(contentsOf: repeatElement(0, count: storage.count))
        }
    }
}
