import CallCenterCore
import Foundation
import Histogram

// Routing decision time of the pure core, without I/O:
//   routing-bench [agents] [skills] [waiting]   (defaults 10000 200 10000)
// Builds a center with `agents` agents (3 random skills each, levels 1-10),
// one queue per skill (minimum level 3), `waiting` calls waiting with random
// tiers and languages, then times two kinds of decision:
//   * an agent becomes ready and takes the best call it may serve;
//   * a call arrives while a few agents are ready and finds its agent;
//   * then, with nobody waiting and half the agents ready, a call arrives and
//     finds its agent.
// Each timed apply() includes the whole input: state machine, routing, effects.
// "decision only" times the choice alone, without the state changes that
// follow it: `nextCall(for:)` for an agent becoming ready (the call it then
// rings), `agentForArrival` for a call arriving (the agent it then rings).
// Profiling: callgrind's --toggle-collect='*timedApply*' counts the first two
// kinds of input, --toggle-collect='*quietApply*' the quiet hour's arrivals.

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let args = CommandLine.arguments
let agentCount = args.count > 1 ? Int(args[1]) ?? 10_000 : 10_000
let skillCount = args.count > 2 ? Int(args[2]) ?? 200 : 200
let waitingCount = args.count > 3 ? Int(args[3]) ?? 10_000 : 10_000
var rng = SplitMix(state: 42)
var now = Instant(milliseconds: 1_800_000_000_000)
var center = CallCenter()

func must(_ input: Input) {
    if case let .failure(error) = center.apply(input, at: now) { fatalError("\(input): \(error)") }
}

for s in 0..<skillCount {
    must(.upsertQueue(QueueConfig(id: "q\(s)", skills: ["skill\(s)": 3], wrapUp: 0, ringTimeout: 3600)))
}
var agentsBySkill: [[AgentID]] = Array(repeating: [], count: skillCount)
for a in 0..<agentCount {
    var skills: [String: Int] = [:]
    for _ in 0..<3 {
        let s = Int.random(in: 0..<skillCount, using: &rng)
        skills["skill\(s)"] = Int.random(in: 3...10, using: &rng)
        agentsBySkill[s].append("a\(a)")
    }
    let languages = Int.random(in: 0..<4, using: &rng) == 0 ? ["zh", "yue"] : ["zh"]
    must(.upsertAgent(AgentProfile(id: "a\(a)", name: "a\(a)", seat: "s\(a)", skills: skills, languages: languages), tokenHash: nil))
    must(.agentLogin(agent: "a\(a)", seat: nil))
}
let tiers: [CustomerTier?] = [.highValue, .potential, .stable, .risk, nil]
var nextCall = 0
func offer() -> Input {
    nextCall += 1
    let caller = CallerInfo(customer: "C\(nextCall)", tier: tiers[Int.random(in: 0..<5, using: &rng)],
                            language: Int.random(in: 0..<5, using: &rng) == 0 ? "yue" : nil)
    return .offerCall(call: "c\(nextCall)", from: "138\(nextCall)", to: "400", queue: "q\(Int.random(in: 0..<skillCount, using: &rng))",
                      attributes: [:], caller: caller)
}
for _ in 0..<waitingCount {
    now = now.adding(seconds: 0.01)
    must(offer())
}
print("center: \(agentCount) agents, \(skillCount) skills/queues, \(center.calls.count) calls waiting")

@inline(never) func timedApply(_ input: Input) -> Result<CallCenter.Applied, CoreError> {
    center.apply(input, at: now)
}

/// The quiet hour's arrivals, apart so that a profiler can count them alone
/// (`valgrind --tool=callgrind --toggle-collect='*quietApply*'`).
/// (Its body differs from timedApply's, or the two would be folded into one.)
var quietApplies = 0
@inline(never) func quietApply(_ input: Input) -> Result<CallCenter.Applied, CoreError> {
    quietApplies += 1
    return center.apply(input, at: now)
}

func time(_ input: Input, quiet: Bool = false) -> UInt64 {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = quiet ? quietApply(input) : timedApply(input)
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    if case let .failure(error) = result { fatalError("\(input): \(error)") }
    return elapsed
}

/// Back to not_ready: a ringing agent answers, asks for not_ready (pending while
/// busy) and hangs up, so it takes no further call.
func release(_ agent: AgentID) {
    if let call = center.agents[agent]?.call, center.agents[agent]?.state == .ringing {
        must(.callAnswered(call: call, agent: agent))
        must(.agentSetState(agent: agent, state: .notReady, reason: nil))
        must(.callHangup(call: call, by: .caller, cause: nil))
    } else if center.agents[agent]?.state == .ready {
        must(.agentSetState(agent: agent, state: .notReady, reason: nil))
    }
}

var decision = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
var arrivalDecision = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
var quietDecision = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
/// The agent an arriving call would ring, and how long choosing it took.
var chosenForArrival: AgentID?
func timeDecision(_ input: Input, quiet: Bool = false) -> UInt64 {
    guard case let .offerCall(call, from, to, queue, attributes, caller) = input else { preconditionFailure("not an offer") }
    let start = DispatchTime.now().uptimeNanoseconds
    let choice = quiet ? quietDecide(&center, call, from, to, queue, attributes, caller)
        : decideArrival(&center, call, from, to, queue, attributes, caller)
    let took = DispatchTime.now().uptimeNanoseconds - start
    chosenForArrival = choice?.agent
    return took
}
// The decisions take the center `inout`: a method called on the global `center`
// itself worked on a copy of the whole state (callgrind: 2,100 instructions,
// a tenth of an arrival's decision), which the daemon's engine never makes.
@inline(never) func decideArrival(_ c: inout CallCenter, _ call: CallID, _ from: String, _ to: String, _ queue: QueueID?,
                                  _ attributes: [String: String], _ caller: CallerInfo?) -> (agent: AgentID, reason: String)? {
    c.agentForArrival(call, from: from, to: to, queue: queue, attributes: attributes, caller: caller, now: now)
}
/// The quiet hour's arrival decisions, apart for a profiler (`--toggle-collect='*quietDecide*'`;
/// the count keeps the compiler from merging it with `decideArrival`).
var quietDecisions = 0
@inline(never) func quietDecide(_ c: inout CallCenter, _ call: CallID, _ from: String, _ to: String, _ queue: QueueID?,
                                _ attributes: [String: String], _ caller: CallerInfo?) -> (agent: AgentID, reason: String)? {
    quietDecisions += 1
    return c.agentForArrival(call, from: from, to: to, queue: queue, attributes: attributes, caller: caller, now: now)
}
@inline(never) func decideNextCall(_ c: inout CallCenter, _ agent: AgentID) -> (call: CallID, reason: String)? {
    c.nextCall(for: agent, now: now)
}
/// The offer, once applied, rang the agent the decision chose (or nobody).
func checkDecision(_ input: Input) {
    guard case let .offerCall(call, _, _, _, _, _) = input else { return }
    precondition(center.calls[call]?.agent == chosenForArrival,
                 "agentForArrival chose \(String(describing: chosenForArrival)), the offer rang \(String(describing: center.calls[call]?.agent))")
}
var agentReady = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
var callArrival = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
let rounds = args.count > 4 ? Int(args[4]) ?? 20_000 : 20_000
var routed = 0
for i in 0..<rounds {
    now = now.adding(seconds: 0.05)
    // An agent becomes ready and takes the best call it may serve.
    let agent = "a\(Int.random(in: 0..<agentCount, using: &rng))"
    guard center.agents[agent]?.state == .notReady else { continue }
    let start = DispatchTime.now().uptimeNanoseconds
    let choice = decideNextCall(&center, agent)
    decision.record(max(1, DispatchTime.now().uptimeNanoseconds - start))
    agentReady.record(max(1, time(.agentSetState(agent: agent, state: .ready, reason: nil))))
    if center.agents[agent]?.call != nil { routed += 1 }
    precondition(center.agents[agent]?.call == choice?.call, "nextCall chose \(String(describing: choice)), ready rang \(String(describing: center.agents[agent]?.call))")
    release(agent)
    // Keep the line full; every 10th round, time a call arriving while agents are ready.
    if i % 10 == 0 {
        let helpers = Set((0..<5).map { _ in "a\(Int.random(in: 0..<agentCount, using: &rng))" }).sorted()
        for h in helpers where center.agents[h]?.state == .notReady { must(.agentSetState(agent: h, state: .ready, reason: nil)) }
        let arriving = offer()
        arrivalDecision.record(max(1, timeDecision(arriving)))
        let ns = time(arriving)
        callArrival.record(max(1, ns))
        checkDecision(arriving)
        for h in helpers { release(h) }
    }
    // Keep `waiting` calls waiting.
    var queued = center.calls.count
    while queued < waitingCount {
        must(offer())
        queued += 1
    }
}

// A quiet hour: nobody waits and half the agents are ready; a call arrives and
// finds its agent among the ready agents of its queue (not among all of them).
for call in center.calls.values where call.state == .queued { must(.callHangup(call: call.id, by: .caller, cause: nil)) }
let readyTarget = agentCount / 2
var readyNow = center.agents.values.filter { $0.state == .ready }.count
while readyNow < readyTarget {
    let agent = "a\(Int.random(in: 0..<agentCount, using: &rng))"
    guard center.agents[agent]?.state == .notReady else { continue }
    must(.agentSetState(agent: agent, state: .ready, reason: nil))
    readyNow += 1
}
var quietArrival = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
for _ in 0..<(rounds / 10) {
    now = now.adding(seconds: 0.05)
    let arriving = offer()
    quietDecision.record(max(1, timeDecision(arriving, quiet: true)))
    quietArrival.record(max(1, time(arriving, quiet: true)))
    checkDecision(arriving)
    let call = "c\(nextCall)"
    if let agent = center.calls[call]?.agent {
        release(agent)
        // Another agent becomes ready in its place (it takes no call: none waits).
        while true {
            let other = "a\(Int.random(in: 0..<agentCount, using: &rng))"
            guard center.agents[other]?.state == .notReady else { continue }
            must(.agentSetState(agent: other, state: .ready, reason: nil))
            break
        }
    } else {
        must(.callHangup(call: call, by: .caller, cause: nil))  // nobody of its queue was ready
    }
}

func report(_ name: String, _ h: Histogram<UInt64>) {
    func us(_ q: Double) -> String { String(format: "%.1f", Double(h.valueAtPercentile(q)) / 1000) }
    print("\(name): n=\(h.totalCount)  p50=\(us(50)) µs  p90=\(us(90)) µs  p99=\(us(99)) µs  p99.9=\(us(99.9)) µs  max=\(String(format: "%.1f", Double(h.max) / 1000)) µs")
}
report("agent ready → call chosen, decision only", decision)
report("agent ready → call chosen", agentReady)
report("call arrives → agent chosen, decision only", arrivalDecision)
report("call arrives → agent chosen", callArrival)
report("call arrives, \(readyTarget) agents ready → agent chosen, decision only", quietDecision)
report("call arrives, \(readyTarget) agents ready → agent chosen", quietArrival)
print("calls routed by agents becoming ready: \(routed)")

// The periodic announcement (`[routing] announce_every`): one tick that tells every
// waiting call its place and estimated wait, one walk of each queue's line.
// The calls wait in a queue nobody serves: one line of `waitingCount`, the longest walk.
must(.upsertQueue(QueueConfig(id: "unserved", skills: ["nobody": 1], wrapUp: 0, ringTimeout: 3600)))
for i in 0..<waitingCount {
    now = now.adding(seconds: 0.01)
    must(.offerCall(call: "w\(i)", from: "139\(i)", to: "400", queue: "unserved", attributes: [:],
                    caller: CallerInfo(customer: "W\(i)", tier: tiers[i % 5])))
}
center.settings.routing.announceEvery = 30
center.armAnnouncements(now: now)
var sweep = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
var announced = 0
for _ in 0..<20 {
    now = now.adding(seconds: 30)
    let start = DispatchTime.now().uptimeNanoseconds
    let applied = timedApply(.tick)
    sweep.record(DispatchTime.now().uptimeNanoseconds - start)
    guard case let .success(a) = applied else { fatalError("tick: \(applied)") }
    announced = a.effects.filter { if case .position = $0 { return true } else { return false } }.count
}
report("announcement to \(announced) waiting calls, one tick", sweep)
