import Foundation

/// One call of a recording in the Anonymous Bank format (Technion SEE Lab, 1999):
/// 17 tab-separated fields, `vru+line call_id customer_id priority type date
/// vru_entry vru_exit vru_time q_start q_exit q_time outcome ser_start ser_exit
/// ser_time server`; times of day as `H:MM:SS`, `0:00:00` for none.
struct RecordedCall {
    var id: String
    var priority: Int
    /// The service type (`PS`, `PE`, `IN`, `NE`, `NW`, `TT`): the replay's queue.
    var type: String
    var day: String
    /// When the caller reached the queue (or, never queued, left the voice menu), seconds of the day.
    var arrival: Int
    /// Seconds in the queue: until an agent answered, or until the caller hung up.
    var wait: Int
    /// `AGENT` (served), `HANG` (hung up), `PHANTOM` (a call that never was).
    var outcome: String
    var serviceStart: Int
    var talk: Int
    /// The agent's first name, or `NO_SERVER`.
    var server: String

    /// The calls the replay offers: answered by a named agent (the answered calls of
    /// DOMAIN.md §8's reference figures), or hung up while waiting in the queue. Not:
    /// a `HANG` that never queued (it hung up in the voice menu), an `AGENT` call with
    /// `NO_SERVER`, a `PHANTOM`.
    var reachedQueue: Bool { agent != nil || (outcome == "HANG" && queued) }
    var queued: Bool
    var answered: Bool { outcome == "AGENT" }
    var agent: String? { answered && server != "NO_SERVER" && !server.isEmpty ? server : nil }

    /// Reads one line; nil for the header. Throws a message naming the field.
    init?(line: Substring, number: Int) throws {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if f.first == "vru+line" { return nil }
        guard f.count == 17 else {
            throw ReplayError("line \(number): \(f.count) tab-separated fields, the Anonymous Bank format has 17")
        }
        func seconds(_ i: Int, _ name: String) throws -> Int {
            let parts = f[i].split(separator: ":")
            guard parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]), let s = Int(parts[2]),
                  (0..<48).contains(h), (0..<60).contains(m), (0..<60).contains(s) else {
                throw ReplayError("line \(number): \(name) is \"\(f[i])\", expected a time of day like 7:02:56")
            }
            return h * 3600 + m * 60 + s
        }
        func count(_ i: Int, _ name: String) throws -> Int {
            guard let n = Int(f[i]), n >= 0 else { throw ReplayError("line \(number): \(name) is \"\(f[i])\", expected whole seconds ≥ 0") }
            return n
        }
        guard f[5].count == 6, Int(f[5]) != nil else { throw ReplayError("line \(number): date is \"\(f[5])\", expected YYMMDD like 990201") }
        guard !f[4].isEmpty else { throw ReplayError("line \(number): type is empty, expected a service type like PS") }
        id = f[1]
        priority = Int(f[3]) ?? 0
        type = f[4]
        day = f[5]
        outcome = f[12]
        let queueStart = try seconds(9, "q_start")
        queued = queueStart != 0
        arrival = queued ? queueStart : try seconds(7, "vru_exit")
        wait = try count(11, "q_time")
        serviceStart = try seconds(13, "ser_start")
        talk = try count(15, "ser_time")
        server = f[16]
    }
}

struct ReplayError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What a replay does, worked out from a recording before the first request:
/// the calls of one day (within a window), the agents and when each is on shift.
struct ReplayPlan {
    struct Shift { var agent: String; var start: Int; var end: Int }

    var day: String
    var calls: [RecordedCall]
    /// Agent (first name as recorded) → the service types they served anywhere in the recording.
    var skills: [String: Set<String>]
    var shifts: [Shift]
    var types: [String]

    /// A break longer than this between two calls an agent served ends a shift.
    static let shiftGap = 3600

    /// - Parameters:
    ///   - day: `YYMMDD`; nil for the first day of the recording.
    ///   - window: seconds of the day in which calls arrive (both ends included).
    init(recording: [RecordedCall], day: String?, window: ClosedRange<Int>) throws {
        guard let chosen = day ?? recording.first?.day else { throw ReplayError("the recording holds no calls") }
        let ofDay = recording.filter { $0.day == chosen }
        guard !ofDay.isEmpty else {
            let days = Array(Set(recording.map(\.day))).sorted()
            guard let first = days.first, let last = days.last else { throw ReplayError("the recording holds no calls") }
            throw ReplayError("no calls on \(chosen); the recording has \(first)…\(last) (\(days.count) days)")
        }
        self.day = chosen
        calls = ofDay.filter { $0.reachedQueue && window.contains($0.arrival) }.sorted { ($0.arrival, $0.id) < ($1.arrival, $1.id) }
        var skills: [String: Set<String>] = [:]
        for call in recording { if let agent = call.agent { skills[agent, default: []].insert(call.type) } }
        self.skills = skills
        types = Array(Set(calls.map(\.type))).sorted()

        // Shifts: an agent is on from the start of the first call they served to the end
        // of the last, broken where they served nobody for more than `shiftGap`.
        var services: [String: [(Int, Int)]] = [:]
        for call in ofDay { if let agent = call.agent { services[agent, default: []].append((call.serviceStart, call.serviceStart + call.talk)) } }
        var shifts: [Shift] = []
        for (agent, spans) in services {
            var current: Shift?
            for (start, end) in spans.sorted(by: { $0 < $1 }) {
                if var open = current, start - open.end <= Self.shiftGap {
                    open.end = max(open.end, end)
                    current = open
                } else {
                    if let open = current { shifts.append(open) }
                    current = Shift(agent: agent, start: start, end: end)
                }
            }
            if let open = current { shifts.append(open) }
        }
        self.shifts = shifts
            .filter { $0.end >= window.lowerBound && $0.start <= window.upperBound }
            .map { Shift(agent: $0.agent, start: max($0.start, window.lowerBound), end: $0.end) }
            .sorted { ($0.start, $0.agent) < ($1.start, $1.agent) }
    }

    /// Reads a recording from a file (`.gz` through `gzip -dc`) or `-` for standard input.
    static func read(path: String) throws -> [RecordedCall] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else if path.hasSuffix(".gz") {
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gzip.arguments = ["gzip", "-dc", path]
            let pipe = Pipe()
            gzip.standardOutput = pipe
            try gzip.run()
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            gzip.waitUntilExit()
            guard gzip.terminationStatus == 0 else { throw ReplayError("gzip -dc \(path) failed (status \(gzip.terminationStatus))") }
        } else {
            guard let read = FileManager.default.contents(atPath: path) else { throw ReplayError("cannot read \(path)") }
            data = read
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ReplayError("\(path) is not UTF-8 text") }
        var calls: [RecordedCall] = []
        for (i, line) in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            if let call = try RecordedCall(line: line, number: i + 1) { calls.append(call) }
        }
        return calls
    }
}

/// The figures of one queue (or all), by the daemon's definitions (protocol.md, Statistics),
/// in recorded seconds.
struct ReplayFigures {
    var offered = 0, answered = 0, answeredWithin = 0, abandoned = 0, abandonedAfter = 0, unserved = 0
    var waitOfAnswered = 0.0

    mutating func answer(wait: Double, threshold: Double) {
        answered += 1
        waitOfAnswered += wait
        if wait <= threshold { answeredWithin += 1 }
    }

    mutating func abandon(wait: Double, threshold: Double) {
        abandoned += 1
        if wait > threshold { abandonedAfter += 1 }
    }

    var serviceLevel: Double? { answered + abandonedAfter == 0 ? nil : Double(answeredWithin) / Double(answered + abandonedAfter) }
    var asa: Double? { answered == 0 ? nil : waitOfAnswered / Double(answered) }

    static func + (a: Self, b: Self) -> Self {
        Self(offered: a.offered + b.offered, answered: a.answered + b.answered, answeredWithin: a.answeredWithin + b.answeredWithin,
             abandoned: a.abandoned + b.abandoned, abandonedAfter: a.abandonedAfter + b.abandonedAfter,
             unserved: a.unserved + b.unserved, waitOfAnswered: a.waitOfAnswered + b.waitOfAnswered)
    }

    var json: [String: Any] {
        ["offered": offered, "answered": answered, "answered_within_threshold": answeredWithin, "abandoned": abandoned,
         "abandoned_after_threshold": abandonedAfter, "unserved": unserved,
         "service_level": serviceLevel.map { ($0 * 10_000).rounded() / 10_000 } ?? NSNull(),
         "asa": asa.map { ($0 * 10).rounded() / 10 } ?? NSNull()]
    }
}
