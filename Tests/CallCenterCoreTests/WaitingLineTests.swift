@testable import CallCenterCore
import XCTest

/// The waiting line against a plain sorted array: same serving order, same front,
/// same positions, through arrivals of mixed priorities, requeues and departures.
final class WaitingLineTests: XCTestCase {
    /// The model: every entry held (live or stale), sorted; and which are live.
    struct Model {
        var entries: [WaitingLine.Entry] = []
        var live: Set<String> = []

        static func id(_ e: WaitingLine.Entry) -> String { "\(e.call)#\(e.stamp)" }
        func isLive(_ e: WaitingLine.Entry) -> Bool { live.contains(Self.id(e)) }
        var liveInOrder: [WaitingLine.Entry] { entries.filter(isLive) }

        mutating func insert(_ e: WaitingLine.Entry) -> Int {
            let at = entries.firstIndex { e.precedes($0) } ?? entries.endIndex
            entries.insert(e, at: at)
            live.insert(Self.id(e))
            return liveInOrder.firstIndex(of: e)! + 1
        }
    }

    func testMatchesASortedArray() {
        for seed in 1...6 as ClosedRange<UInt64> {
            var random = XorShift64(seed: seed)
            var line = WaitingLine()
            var model = Model()
            var ticket: UInt64 = 0
            var clock = 0.0
            let aging = [0.0, 0.5, 2.0][Int(seed % 3)]
            for step in 0..<800 {
                let roll = Int.random(in: 0..<10, using: &random)
                if roll < 6 || model.live.isEmpty {
                    // An arrival; now and then a requeue: a waiting call leaves and comes back
                    // at its old place (same ticket and key, a new stamp), as after a no-answer.
                    var entry: WaitingLine.Entry
                    if roll == 5, let old = model.liveInOrder.randomElement(using: &random) {
                        model.live.remove(Model.id(old))
                        line.markLeft()
                        entry = old
                        entry.stamp = UInt64(10_000 + step)
                    } else {
                        let priority = [0, 0, 10, 50, 100][Int.random(in: 0..<5, using: &random)]
                        clock += Double(Int.random(in: 0...3, using: &random))
                        ticket += 1
                        entry = WaitingLine.Entry(key: Double(priority) - aging * clock, ticket: ticket, call: "c\(step)",
                                                  stamp: UInt64(step))
                    }
                    let expected = model.insert(entry)
                    let ahead = model.entries.firstIndex(of: entry)!
                    let position = line.insert(entry, isLive: model.isLive)
                    // Exact with no stale entries, or with at most 32 entries ahead; an estimate further back.
                    if line.entries.count == line.count || ahead <= 32 {
                        XCTAssertEqual(position, expected, "seed \(seed) step \(step)")
                    } else {
                        XCTAssert((1...line.count).contains(position), "seed \(seed) step \(step)")
                    }
                } else if roll < 9 {
                    // A call leaves from anywhere in the line.
                    let leaving = model.liveInOrder.randomElement(using: &random)!
                    model.live.remove(Model.id(leaving))
                    line.markLeft()
                    line.compact(isLive: model.isLive)
                } else {
                    // The front call is served.
                    let front = line.front(isLive: model.isLive)
                    XCTAssertEqual(front, model.liveInOrder.first, "seed \(seed) step \(step)")
                    if let front {
                        model.live.remove(Model.id(front))
                        line.markLeft()
                    }
                }
                XCTAssertEqual(line.count, model.live.count)
                XCTAssertGreaterThanOrEqual(line.entries.count, line.count)
                XCTAssertEqual(line.liveEntries(isLive: model.isLive), model.liveInOrder, "seed \(seed) step \(step)")
                XCTAssertEqual(line.firstLive(3, isLive: model.isLive), Array(model.liveInOrder.prefix(3)))
            }
        }
    }

    /// Aging carries an old call of a low tier ahead of a new call of a higher one.
    func testAgingMergesTheTiers() {
        var line = WaitingLine()
        func entry(_ call: CallID, priority: Int, at seconds: Double, ticket: UInt64) -> WaitingLine.Entry {
            WaitingLine.Entry(key: Double(priority) - 1 * seconds, ticket: ticket, call: call)
        }
        line.insert(entry("old-low", priority: 0, at: 0, ticket: 1))
        line.insert(entry("mid-high", priority: 50, at: 40, ticket: 2))
        XCTAssertEqual(line.insert(entry("new-high", priority: 50, at: 70, ticket: 3)), 3)
        XCTAssertEqual(line.insert(entry("new-low", priority: 0, at: 71, ticket: 4)), 4)
        XCTAssertEqual(line.entries.map(\.call), ["mid-high", "old-low", "new-high", "new-low"])
    }
}
