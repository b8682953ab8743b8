@testable import CallCenterCore
import XCTest

/// `IDMap` against `Dictionary`: the same answers through random inserts, changes
/// in place and removals, with the index checked after every step.
final class IDMapTests: XCTestCase {
    func testMatchesADictionary() {
        for seed in 1...8 as ClosedRange<UInt64> {
            var random = XorShift64(seed: seed)
            var map = IDMap<Int>()
            var model: [String: Int] = [:]
            // A small universe of keys (short and long, like call and agent ids) so
            // that keys come back after removal and probe chains get long.
            let universe = (0..<300).map { i in i % 3 == 0 ? "call-\(i)-0123456789abcdef" : (i % 3 == 1 ? "a\(i)" : "\(i)") } + [""]
            for step in 0..<6_000 {
                let key = universe[Int(random.next() % UInt64(universe.count))]
                let value = Int(random.next() % 1000)
                switch random.next() % 7 {
                case 0, 1:
                    map[key] = value
                    model[key] = value
                case 2:
                    map[key] = nil
                    model[key] = nil
                case 3:
                    XCTAssertEqual(map.removeValue(forKey: key), model.removeValue(forKey: key))
                case 4:
                    map[key, default: 5] += value
                    model[key, default: 5] += value
                case 5:
                    map[key]? += 1  // through `_modify`: changes only a present value
                    model[key]? += 1
                default:
                    let changed = map.inPlace(key) { $0 -= 1; return $0 }
                    let expected = model[key].map { $0 - 1 }
                    if let expected { model[key] = expected }
                    XCTAssertEqual(changed, expected)
                }
                if let problem = map.integrityProblem() { return XCTFail("seed \(seed) step \(step): \(problem)") }
                XCTAssertEqual(map.count, model.count, "seed \(seed) step \(step)")
                XCTAssertEqual(map[key], model[key], "seed \(seed) step \(step) key \(key)")
            }
            for key in universe { XCTAssertEqual(map[key], model[key]) }
            XCTAssertEqual(map.dictionary, model)
            XCTAssertEqual(Set(map.keys), Set(model.keys))
            XCTAssertEqual(map.values.reduce(0, +), model.values.reduce(0, +))
            XCTAssertEqual(map.read(universe[1]) { $0 * 2 }, model[universe[1]].map { $0 * 2 })
        }
    }

    func testSettingNilThroughModifyRemoves() {
        var map: IDMap<[Int]> = ["a": [1], "b": [2]]
        map["a"] = nil
        XCTAssertNil(map["a"])
        XCTAssertEqual(map.count, 1)
        map["b"]?.append(3)
        XCTAssertEqual(map["b"], [2, 3])
        map["c", default: []].append(4)
        XCTAssertEqual(map["c"], [4])
        XCTAssertNil(map.integrityProblem())
    }

    func testGrowsAndEmpties() {
        var map = IDMap<Int>(minimumCapacity: 3)
        for i in 0..<10_000 { map["k\(i)"] = i }
        XCTAssertEqual(map.count, 10_000)
        XCTAssertNil(map.integrityProblem())
        for i in stride(from: 0, to: 10_000, by: 2) { map["k\(i)"] = nil }
        XCTAssertEqual(map.count, 5_000)
        XCTAssertEqual(map["k9999"], 9999)
        XCTAssertNil(map["k9998"])
        XCTAssertNil(map.integrityProblem())
        map.removeAll()
        XCTAssertTrue(map.isEmpty)
        XCTAssertNil(map["k1"])
    }

    func testEqualityIgnoresOrder() {
        var a = IDMap<Int>(), b = IDMap<Int>()
        for i in 0..<50 { a["\(i)"] = i }
        for i in (0..<50).reversed() { b["\(i)"] = i }
        XCTAssertEqual(a, b)
        b["7"] = 8
        XCTAssertNotEqual(a, b)
    }
}

/// Keys equal under `String ==` (canonical equivalence) are one key, as in the
/// `Dictionary` the map replaced: "José" typed precomposed or with a combining
/// accent, "K" and the Kelvin sign. The map hashed raw UTF-8, so it held both
/// spellings as two keys: lookups by the other spelling failed, `ChangeSet`'s
/// `Set<AgentID>` merged what the core kept apart, and `dictionary` (hence
/// `CallCenter.snapshot` through `lastAgentByCaller`) trapped on duplicate keys.
final class IDMapCanonicalEquivalenceTests: XCTestCase {
    func testCanonicallyEquivalentKeysAreOneKey() {
        let composed = "Jos\u{E9}", decomposed = "Jose\u{301}"
        XCTAssertEqual(composed, decomposed, "String equality, which Dictionary and IDMap's == use")
        var map = IDMap<Int>()
        map[composed] = 1
        XCTAssertEqual(map[decomposed], 1)
        map[decomposed] = 2
        XCTAssertEqual(map.count, 1)
        map["K"] = 3
        XCTAssertEqual(map["\u{212A}"], 3)
        XCTAssertTrue(map.contains(key: "\u{212A}"))
        var set = IDSet()
        set.insert(";")
        XCTAssertTrue(set.contains("\u{37E}"))  // GREEK QUESTION MARK is canonically ";"
        XCTAssertNil(map.integrityProblem())
        guard map.count == 2 else { return XCTFail("the map holds \(map.count) keys for 2 (dictionary would trap)") }
        XCTAssertEqual(map.dictionary, [composed: 2, "K": 3])
    }

    func testAnAgentIsFoundByEitherSpellingOfItsID() throws {
        var desk = try Desk(agents: [profile("Jose\u{301}")])
        try desk.login("Jos\u{E9}")  // the PBX spells the id precomposed
        XCTAssertEqual(desk.center.agents.count, 1)
        XCTAssertEqual(desk.state("Jose\u{301}"), .notReady)
    }

    func testSnapshotWithNumbersInBothSpellings() throws {
        var desk = try Desk(agents: [profile("a1")])
        try desk.loginReady("a1")
        for (call, from) in [("c1", "sip:jos\u{E9}@example.net"), ("c2", "sip:jose\u{301}@example.net")] {
            try desk.offer(call, from: from)
            try desk.answer(call, by: "a1")
            try desk.hangup(call)
            try desk.ready("a1")
        }
        guard desk.center.lastAgentByCaller.count == 1 else {
            return XCTFail("one number kept as \(desk.center.lastAgentByCaller.count) (snapshot would trap)")
        }
        XCTAssertEqual(desk.center.snapshot.lastAgents.count, 1)
    }
}

/// Incremental expiry: `sweep` looks at a few entries per call and removes the expired ones.
final class IDMapSweepTests: XCTestCase {
    func testSweepRemovesExpiredEntriesAFewAtATime() {
        var map = IDMap<Int>()
        for i in 0..<100 { map["k\(i)"] = i }
        var cursor = 0
        map.sweep(&cursor, steps: 10) { $0 % 2 == 0 }
        XCTAssertEqual(map.count, 95, "ten entries looked at, the five even ones among them removed")
        for _ in 0..<100 { map.sweep(&cursor, steps: 2) { $0 % 2 == 0 } }
        XCTAssertEqual(map.count, 50)
        XCTAssertTrue(map.values.allSatisfy { $0 % 2 == 1 })
        for i in 0..<100 { XCTAssertEqual(map["k\(i)"], i % 2 == 1 ? i : nil, "k\(i)") }
        map.sweep(&cursor, steps: 200) { _ in true }
        XCTAssertTrue(map.isEmpty)
        XCTAssertEqual(cursor, 0)
        map.sweep(&cursor, steps: 3) { _ in true }  // empty: nothing to do
        map["again"] = 1
        XCTAssertEqual(map["again"], 1)
    }

    /// `read` borrows the stored value through a pointer to the stored optional
    /// (the payload first, TypeLayout.rst): right for every kind of layout,
    /// an optional of a class, of a multi-payload enum, of a 9-byte struct, of
    /// an optional, of a payload-free enum (from a review's experiment).
    func testReadReturnsTheStoredValueForEveryLayout() {
        final class Box: Equatable {
            let v: Int
            init(_ v: Int) { self.v = v }
            static func == (a: Box, b: Box) -> Bool { a.v == b.v }
        }
        enum Multi: Equatable { case a(Int8), b(String), c(Box), d, e }
        struct Odd: Equatable { var x: Int64; var y: UInt8 }  // size 9: the optional needs a tag byte after it
        enum NoPayload: Equatable { case p, q, r }

        func check<V: Equatable>(_ make: (Int) -> V, line: UInt = #line) {
            var random = XorShift64(seed: 7)
            var map = IDMap<V>()
            var model: [String: V] = [:]
            for i in 0..<2_000 {
                let key = "k\(random.next() % 200)"
                if random.next() % 2 == 0 || i % 7 == 0 {
                    map[key] = make(i)
                    model[key] = make(i)
                } else {
                    map[key] = nil
                    model[key] = nil
                }
                if i % 11 == 0, model[key] != nil {
                    map[key]? = make(i + 1)
                    model[key] = make(i + 1)
                }
                if i % 50 == 0 || i > 1_990 {
                    for (k, v) in model { XCTAssertEqual(map.read(k) { (x: borrowing V) -> V in copy x }, v, "\(V.self) \(k)", line: line) }
                }
            }
        }
        check { Box($0) }
        check { [Multi.a(Int8(truncatingIfNeeded: $0)), .b("s\($0)"), .c(Box($0)), .d, .e][$0 % 5] }
        check { Odd(x: Int64($0), y: UInt8(truncatingIfNeeded: $0)) }
        check { $0 % 3 == 0 ? nil : Optional($0) }
        check { $0 % 3 == 0 ? nil : Optional(Box($0)) }
        check { [NoPayload.p, .q, .r][$0 % 3] }
        check { $0 % 2 == 0 }
        check { String(repeating: "x", count: $0 % 40) }
        check { $0 % 2 == 0 ? [String]() : ["a\($0)"] }
    }
}
