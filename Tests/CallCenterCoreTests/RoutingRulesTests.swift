@testable import CallCenterCore
import XCTest

/// Each routing rule of the ACD, with a test clock and no I/O.
final class RoutingRulesTests: XCTestCase {
    func offer(_ desk: inout Desk, _ call: CallID, queue: QueueID? = nil, to: String = "400-800", attributes: [String: String] = [:],
               caller: CallerInfo? = nil) throws -> CallCenter.Applied {
        try desk.apply(.offerCall(call: call, from: "+86-\(call)", to: to, queue: queue, attributes: attributes, caller: caller))
    }

    func agent(_ id: AgentID, skills: [String: Int] = [:], languages: [String] = [], tiers: [CustomerTier] = []) -> AgentProfile {
        AgentProfile(id: id, name: id, seat: "s-\(id)", skills: skills, languages: languages, tiers: tiers)
    }

    /// A caller who speaks Cantonese goes to the ready agent who speaks it, not the longest idle.
    func testLanguageMatchBeatsLongestIdle() throws {
        var desk = try Desk(agents: [agent("a1", languages: ["zh"]), agent("a2", languages: ["zh", "yue"])])
        try desk.loginReady("a1")
        desk.advance(5)
        try desk.loginReady("a2")
        let applied = try offer(&desk, "c1", attributes: ["language": "yue"])
        XCTAssertEqual(applied.routes.first?.agent, "a2")
        XCTAssertTrue(desk.call("c1")?.routeReason?.contains("speaks yue") == true, desk.call("c1")?.routeReason ?? "")
    }

    /// With no speaker ready, the call still goes to an eligible agent (best match over none).
    func testNoSpeakerStillRoutes() throws {
        var desk = try Desk(agents: [agent("a1", languages: ["en"])])
        try desk.loginReady("a1")
        let applied = try offer(&desk, "c1", caller: CallerInfo(customer: "C9", language: "wuu"))
        XCTAssertEqual(applied.routes.first?.agent, "a1")
        XCTAssertTrue(desk.call("c1")?.routeReason?.hasSuffix("; no ready wuu or zh speaker") == true, desk.call("c1")?.routeReason ?? "")
    }

    /// The best match over none: a Cantonese caller goes to a Cantonese speaker,
    /// else to a Chinese (`zh`) speaker, else to the agent the strategy serves first.
    func testDialectFallsBackToItsLanguageBeforeAnyone() throws {
        var desk = try Desk(agents: [agent("en1", languages: ["en"]), agent("zh1", languages: ["zh"]), agent("yue1", languages: ["yue"])])
        try desk.loginReady("en1")
        desk.advance(1)
        try desk.loginReady("zh1")
        desk.advance(1)
        try desk.loginReady("yue1")
        let cantonese = CallerInfo(customer: "C1", language: "yue")
        XCTAssertEqual(try offer(&desk, "c1", caller: cantonese).routes.first?.agent, "yue1")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 3 ready [en1,zh1,yue1]; speaks yue")
        XCTAssertEqual(try offer(&desk, "c2", caller: cantonese).routes.first?.agent, "zh1")
        XCTAssertEqual(desk.call("c2")?.routeReason, "longest_idle among 2 ready [en1,zh1]; no ready yue speaker, speaks zh")
        XCTAssertEqual(try offer(&desk, "c3", caller: cantonese).routes.first?.agent, "en1")
        XCTAssertEqual(desk.call("c3")?.routeReason, "longest_idle among 1 ready [en1]; no ready yue or zh speaker")
    }

    /// A tag with a region (`zh-HK`, `en_GB`) falls back to its language; the
    /// config may give a code another fallback or none (`""`).
    func testLanguageFallbackRules() throws {
        var policy = RoutingPolicy()
        XCTAssertEqual(policy.fallback(of: "yue"), "zh")
        XCTAssertEqual(policy.fallback(of: "wuu"), "zh")
        XCTAssertEqual(policy.fallback(of: "zh-HK"), "zh")
        XCTAssertEqual(policy.fallback(of: "en_GB"), "en")
        XCTAssertNil(policy.fallback(of: "zh"))
        XCTAssertNil(policy.fallback(of: "-x"))
        policy.languageFallbacks["yue"] = ""
        policy.languageFallbacks["zh-HK"] = "yue"
        XCTAssertNil(policy.fallback(of: "yue"))
        XCTAssertEqual(policy.fallback(of: "zh-HK"), "yue")

        var settings = CallCenter.Settings()
        settings.routing.languageFallbacks["yue"] = ""
        var desk = try Desk(settings: settings, agents: [agent("en1", languages: ["en"]), agent("zh1", languages: ["zh"])])
        try desk.loginReady("en1")
        desk.advance(1)
        try desk.loginReady("zh1")
        XCTAssertEqual(try offer(&desk, "c1", attributes: ["language": "yue"]).routes.first?.agent, "en1")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 2 ready [en1,zh1]; no ready yue speaker")
        XCTAssertEqual(try offer(&desk, "c2", attributes: ["language": "zh-HK"]).routes.first?.agent, "zh1")
        XCTAssertEqual(desk.call("c2")?.routeReason, "longest_idle among 1 ready [zh1]; no ready zh-HK speaker, speaks zh")
    }

    /// A dialect with a region falls back step by step: `yue-HK` to `yue`, then
    /// to `zh`, before anyone; the reason names what matched or every step missed.
    func testFallbackChain() throws {
        XCTAssertEqual(RoutingPolicy().fallbacks(of: "yue-HK"), ["yue", "zh"])
        XCTAssertEqual(RoutingPolicy().fallbacks(of: "zh"), [])
        var loop = RoutingPolicy()
        loop.languageFallbacks = ["a": "b", "b": "a", "c-x": "c"]
        XCTAssertEqual(loop.fallbacks(of: "a"), ["b"], "never back to one already named")
        XCTAssertEqual(loop.fallbacks(of: "c-x"), ["c"])

        let agents = [agent("en1", languages: ["en"]), agent("zh1", languages: ["zh"]), agent("yue1", languages: ["yue"])]
        var desk = try Desk(agents: agents)
        try desk.loginReady("en1", "zh1", "yue1")
        XCTAssertEqual(try offer(&desk, "c1", attributes: ["language": "yue-HK"]).routes.first?.agent, "yue1")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 3 ready [en1,yue1,zh1]; no ready yue-HK speaker, speaks yue")
        XCTAssertEqual(try offer(&desk, "c2", attributes: ["language": "yue-HK"]).routes.first?.agent, "zh1")
        XCTAssertEqual(desk.call("c2")?.routeReason, "longest_idle among 2 ready [en1,zh1]; no ready yue-HK speaker, speaks zh")
        XCTAssertEqual(try offer(&desk, "c3", attributes: ["language": "yue-HK"]).routes.first?.agent, "en1")
        XCTAssertEqual(desk.call("c3")?.routeReason, "longest_idle among 1 ready [en1]; no ready yue-HK, yue or zh speaker")

        // Weighing every candidate (random strategy): the better fallback wins over the order.
        var random = try Desk(queues: [QueueConfig(id: "general", strategy: .random)], agents: agents)
        try random.loginReady("en1", "zh1", "yue1")
        XCTAssertEqual(try offer(&random, "r1", attributes: ["language": "yue-HK"]).routes.first?.agent, "yue1")
        XCTAssertEqual(try offer(&random, "r2", attributes: ["language": "yue-HK"]).routes.first?.agent, "zh1")
    }

    /// An empty `language` attribute is no language: the archive's applies.
    func testEmptyLanguageAttributeIsNone() throws {
        var desk = try Desk(agents: [agent("en1", languages: ["en"]), agent("yue1", languages: ["yue"])])
        try desk.loginReady("en1", "yue1")
        let applied = try offer(&desk, "c1", attributes: ["language": ""], caller: CallerInfo(customer: "C1", language: "yue"))
        XCTAssertEqual(applied.routes.first?.agent, "yue1")
        XCTAssertEqual(desk.call("c1")?.language, "yue")
    }

    /// The strategies that weigh every candidate (random, overflowed calls) prefer
    /// the fallback language over none too.
    func testDialectFallbackWhenWeighingEveryCandidate() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", strategy: .random)],
                            agents: (1...6).map { agent("en\($0)", languages: ["en"]) } + [agent("zh1", languages: ["zh"])])
        try desk.loginReady("en1", "en2", "en3", "en4", "en5", "en6", "zh1")
        XCTAssertEqual(try offer(&desk, "c1", attributes: ["language": "yue"]).routes.first?.agent, "zh1")
        XCTAssertTrue(desk.call("c1")?.routeReason?.hasSuffix("; no ready yue speaker, speaks zh") == true, desk.call("c1")?.routeReason ?? "")
    }

    /// High-value callers are served before others who waited a little longer; FIFO among equals.
    func testTierPriorityThenFIFO() throws {
        var desk = try Desk(agents: [agent("a1")])
        _ = try offer(&desk, "stable1", caller: CallerInfo(customer: "C1", tier: .stable))
        desk.advance(1)
        _ = try offer(&desk, "risk1", caller: CallerInfo(customer: "C2", tier: .risk))
        desk.advance(1)
        _ = try offer(&desk, "vip1", caller: CallerInfo(customer: "C3", tier: .highValue))
        desk.advance(1)
        _ = try offer(&desk, "vip2", caller: CallerInfo(customer: "C4", tier: .highValue))
        XCTAssertEqual(desk.waiting(), ["vip1", "vip2", "stable1", "risk1"])
        XCTAssertEqual(desk.call("vip1")?.priority, 300)
    }

    /// `nextCall` names the call an agent would be offered, and why, without changing
    /// anything; becoming ready then rings exactly that call. A tier the agent does
    /// not serve is passed over; a call held for another manager too.
    func testNextCallIsTheDecisionAlone() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", managerWait: 60)],
                            agents: [agent("a1", tiers: [.stable, .risk]), agent("am")])
        try desk.login("a1")
        try desk.loginReady("am")
        _ = try desk.offer("busy")  // am takes it and is busy: the next high-value call is held for am
        try desk.answer("busy", by: "am")
        _ = try offer(&desk, "held", caller: CallerInfo(customer: "C0", tier: .highValue, accountManager: "am"))
        _ = try offer(&desk, "vip", caller: CallerInfo(customer: "C1", tier: .highValue))
        _ = try offer(&desk, "risk", caller: CallerInfo(customer: "C2", tier: .risk))
        desk.advance(1)
        _ = try offer(&desk, "stable", caller: CallerInfo(customer: "C3", tier: .stable))

        let before = desk.center.snapshot
        let next = desk.center.nextCall(for: "a1", now: desk.now)
        XCTAssertEqual(next?.call, "stable", "stable outranks risk; vip and held are not a1's to take")
        XCTAssertEqual(next?.reason, "first in line of general (priority, then arrival)")
        XCTAssertEqual(desk.center.snapshot, before, "nextCall changed the state")
        XCTAssertNil(desk.center.nextCall(for: "nobody", now: desk.now))

        let ready = try desk.apply(.agentSetState(agent: "a1", state: .ready, reason: nil))
        XCTAssertEqual(ready.routes.first?.call, "stable")
        // The account manager, once free, is offered the call held for them first.
        XCTAssertEqual(desk.center.nextCall(for: "am", now: desk.now)?.call, "held")
        XCTAssertEqual(desk.center.nextCall(for: "am", now: desk.now)?.reason, "account_manager am (held call)")
    }

    /// Aging: a low-tier call that has waited long enough outranks a new high-value call.
    func testAgingPreventsStarvation() throws {
        var desk = try Desk(agents: [agent("a1")])
        _ = try offer(&desk, "old-risk", caller: CallerInfo(customer: "C1", tier: .risk))
        desk.advance(301)  // 300 points apart at 1 point per second
        _ = try offer(&desk, "new-vip", caller: CallerInfo(customer: "C2", tier: .highValue))
        XCTAssertEqual(desk.waiting(), ["old-risk", "new-vip"])
    }

    /// The account manager gets the call when ready, even if others were idle longer.
    func testAccountManagerFirstWhenReady() throws {
        var desk = try Desk(agents: [agent("a1"), agent("am")])
        try desk.loginReady("a1")
        desk.advance(10)
        try desk.loginReady("am")
        let applied = try offer(&desk, "c1", caller: CallerInfo(customer: "C001", tier: .highValue, accountManager: "am"))
        XCTAssertEqual(applied.routes.first?.agent, "am")
        XCTAssertEqual(desk.call("c1")?.routeReason, "account_manager am")
    }

    /// prefer_last_agent on; a1 ready first (idle longest), then a2.
    func lastAgentDesk() throws -> Desk {
        var settings = CallCenter.Settings()
        settings.routing.preferLastAgent = true
        var desk = try Desk(settings: settings, agents: [agent("a1"), agent("a2")])
        try desk.loginReady("a1")
        desk.advance(1)
        try desk.loginReady("a2")
        return desk
    }

    /// `prefer_last_agent`: a known customer rings the agent who last served them
    /// from whichever number they call, however the PBX spells it; an unknown
    /// caller, the agent who last served the number. Off by default.
    func testLastAgentServedTheSameCaller() throws {
        var desk = try lastAgentDesk()
        func serve(_ call: CallID, from: String, caller: CallerInfo?) throws -> AgentID? {
            let agent = try desk.apply(.offerCall(call: call, from: from, to: "400", queue: nil, attributes: [:], caller: caller)).routes.first?.agent
            if let agent {
                try desk.answer(call, by: agent)
                desk.advance(1)
                try desk.hangup(call)
            }
            desk.advance(1)
            return agent
        }
        let c001 = CallerInfo(customer: "C001")
        XCTAssertEqual(try serve("c1", from: "13800001111", caller: c001), "a1", "longest idle")
        XCTAssertEqual(try serve("c2", from: "+86 138-0000-1111", caller: c001), "a1", "the same customer, spelt otherwise")
        XCTAssertEqual(try serve("c3", from: "010-12345678", caller: c001), "a1", "the same customer from another number")
        XCTAssertEqual(try serve("c4", from: "+1555", caller: nil), "a2", "a new caller: longest idle")
        XCTAssertEqual(try serve("c5", from: "+1555", caller: nil), "a2", "an unknown caller: by number (a1 is idle longer)")
        XCTAssertEqual(desk.center.lastAgentByCaller["customer:C001"]?.agent, "a1")
        XCTAssertEqual(desk.center.lastAgentByCaller["number:+1555"]?.agent, "a2")

        // A month later the memory is stale: the longest idle agent takes the call,
        // and callers nobody served for 30 days are forgotten as later calls end.
        desk.advance(LastService.memorySeconds + 1)
        XCTAssertEqual(try serve("c6", from: "+1555", caller: nil), "a1", "30 days on: longest idle, not the last agent")
        for i in 7...9 { _ = try serve("c\(i)", from: "+1999\(i)", caller: nil) }
        XCTAssertEqual(Set(desk.center.lastAgentByCaller.keys), ["number:+1555", "number:+19997", "number:+19998", "number:+19999"],
                       "C001 (served 30 days ago) is forgotten; +1555 was served again")

        var plain = try Desk(agents: [agent("a1"), agent("a2")])
        try plain.loginReady("a1")
        plain.advance(1)
        try plain.loginReady("a2")
        _ = try plain.offer("c1", from: "+1555")
        try plain.answer("c1", by: "a1")
        plain.advance(1)
        try plain.hangup("c1")
        plain.advance(1)
        let again = try plain.apply(.offerCall(call: "c2", from: "+1555", to: "400", queue: nil, attributes: [:]))
        XCTAssertEqual(again.routes.first?.agent, "a2", "off: the longest idle, not the last agent")
    }

    /// No calling number, whatever a PBX sends, names a customer's memory.
    func testANumberCannotPassForACustomer() throws {
        var desk = try lastAgentDesk()
        XCTAssertEqual(try offer(&desk, "c1", caller: CallerInfo(customer: "C001")).routes.first?.agent, "a1")
        try desk.answer("c1", by: "a1")
        desk.advance(1)
        try desk.hangup("c1")
        let spoof = try desk.apply(.offerCall(call: "c2", from: "customer:C001", to: "400", queue: nil, attributes: [:]))
        XCTAssertEqual(spoof.routes.first?.agent, "a2", "the longest idle, not C001's last agent")
        XCTAssertEqual(try offer(&desk, "c3", caller: CallerInfo(customer: "C001")).routes.first?.agent, "a1", "C001 itself still gets a1")
    }

    /// A busy account manager is waited for up to manager_wait; then anyone eligible takes the call.
    func testBusyAccountManagerIsWaitedForThenAnyone() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", managerWait: 30)], agents: [agent("a1"), agent("am")])
        try desk.loginReady("am")
        _ = try desk.offer("first")
        try desk.answer("first", by: "am")
        try desk.loginReady("a1")
        let held = try offer(&desk, "c1", caller: CallerInfo(customer: "C001", accountManager: "am"))
        XCTAssertTrue(held.routes.isEmpty, "a1 is ready but the call waits for its manager")
        XCTAssertEqual(desk.state("a1"), .ready)
        desk.advance(30)
        let released = try desk.tick()
        XCTAssertEqual(released.routes.first?.agent, "a1")
    }

    /// `agentForArrival` takes the decision `call.offer` takes, alone: the manager
    /// when ready, nobody while the call would be held for a busy manager or
    /// refused for its flag, the flag's queue, else the strategy's agent.
    func testArrivalDecisionAloneIsTheOffers() throws {
        var settings = CallCenter.Settings()
        settings.routing.flags = ["threat": .reject, "harassment": .queue("security")]
        var desk = try Desk(settings: settings, queues: [QueueConfig(id: "general", managerWait: 30), QueueConfig(id: "security", skills: ["sec": 1])],
                            agents: [agent("a1"), agent("am"), agent("s1", skills: ["sec": 1])])
        try desk.loginReady("a1")
        desk.advance(5)
        try desk.loginReady("am")
        desk.advance(5)
        try desk.loginReady("s1")
        func decide(_ call: CallID, _ caller: CallerInfo?) -> (agent: AgentID, reason: String)? {
            desk.center.agentForArrival(call, from: "+86-\(call)", to: "400-800", caller: caller, now: desk.now)
        }
        XCTAssertEqual(decide("c1", nil)?.agent, "a1")
        XCTAssertEqual(decide("c2", CallerInfo(customer: "C001", accountManager: "am"))?.reason, "account_manager am")
        XCTAssertNil(decide("c3", CallerInfo(flags: ["threat"])), "refused: rings nobody")
        XCTAssertEqual(decide("c4", CallerInfo(flags: ["harassment"]))?.agent, "s1", "the security queue's agent")

        // The manager busy: the call would be held for them, so nobody rings now.
        _ = try offer(&desk, "first", caller: CallerInfo(customer: "C001", accountManager: "am"))
        XCTAssertEqual(desk.call("first")?.agent, "am")
        try desk.answer("first", by: "am")
        let held = CallerInfo(customer: "C001", accountManager: "am")
        XCTAssertNil(decide("c5", held))
        XCTAssertTrue(try offer(&desk, "c5", caller: held).routes.isEmpty)
        XCTAssertEqual(decide("c6", nil)?.agent, "a1", "a caller without a manager still gets a1")
        XCTAssertEqual(try offer(&desk, "c6").routes.first?.agent, "a1")
        XCTAssertNil(decide("c6", nil), "a live call id: the offer would be refused")
    }

    /// The decision alone and the offer that follows agree on the agent and the
    /// reason for every way a call finds its queue and agent, and a refused offer
    /// takes no ticket (from a review's differential test).
    func testArrivalDecisionMatchesTheOfferForEveryRoute() throws {
        var settings = CallCenter.Settings()
        settings.routing.flags = ["threat": .reject, "harassment": .queue("security"), "vip": .alert, "lost": .queue("nowhere")]
        settings.routing.intents = ["bill": "billing"]
        settings.routing.numbers = ["400-9": "billing"]
        settings.routing.preferLastAgent = true
        var desk = try Desk(settings: settings,
                            queues: [QueueConfig(id: "general", managerWait: 30), QueueConfig(id: "security", skills: ["sec": 1]),
                                     QueueConfig(id: "billing", skills: ["bill": 1], strategy: .roundRobin),
                                     QueueConfig(id: "rnd", strategy: .random)],
                            agents: [agent("a1"), agent("am", tiers: [.highValue]), agent("s1", skills: ["sec": 1]),
                                     agent("b1", skills: ["bill": 2]), agent("b2", skills: ["bill": 1])])
        let everyone = ["a1", "am", "s1", "b1", "b2"]
        for a in everyone { try desk.loginReady(a); desk.advance(1) }
        @discardableResult
        func compare(_ call: CallID, queue: QueueID? = nil, to: String = "400", attributes: [String: String] = [:],
                     caller: CallerInfo? = nil, line: UInt = #line) -> AgentID? {
            let from = "+86-\(call)"
            let decided = desk.center.agentForArrival(call, from: from, to: to, queue: queue, attributes: attributes, caller: caller, now: desk.now)
            let ticket = desk.center.nextTicket
            let result = desk.center.apply(.offerCall(call: call, from: from, to: to, queue: queue, attributes: attributes, caller: caller), at: desk.now)
            if case .failure = result {
                XCTAssertEqual(desk.center.nextTicket, ticket, "a refused offer took a ticket", line: line)
                XCTAssertNil(decided, "a refused offer, but a decision", line: line)
                return nil
            }
            XCTAssertEqual(desk.center.calls[call]?.agent, decided?.agent, "agent", line: line)
            XCTAssertEqual(desk.center.calls[call]?.routeReason, decided?.reason, "reason", line: line)
            return desk.center.calls[call]?.agent
        }
        func serveAndFree(_ calls: [CallID]) throws {
            for id in calls { if let a = desk.call(id)?.agent { try desk.answer(id, by: a); try desk.hangup(id) } }
            desk.advance(100)
            try desk.tick()
            for a in everyone where desk.state(a) != .ready { _ = try? desk.ready(a) }
        }
        XCTAssertEqual(compare("c1", caller: CallerInfo(flags: ["harassment"])), "s1")
        XCTAssertNil(compare("c2", caller: CallerInfo(flags: ["threat", "harassment"])))
        XCTAssertNil(compare("c3", caller: CallerInfo(flags: ["lost"])), "its queue does not exist: refused")
        XCTAssertNil(compare("c3b", queue: "nope"))
        XCTAssertNotNil(compare("c4", caller: CallerInfo(flags: ["vip"])))
        XCTAssertNotNil(compare("c5", attributes: ["intent": "bill"]))
        XCTAssertNotNil(compare("c6", to: "400-9"))
        compare("c7", queue: "rnd")
        compare("c8", caller: CallerInfo(customer: "C1", tier: .potential, accountManager: "am"))  // the manager may not serve the tier
        XCTAssertNil(compare("c1", caller: CallerInfo(flags: ["harassment"])), "a live id: refused")
        try serveAndFree(["c4", "c5", "c6", "c7", "c8"])
        compare("c9", caller: CallerInfo(customer: "C9"))
        try serveAndFree(["c9"])
        compare("c10", caller: CallerInfo(customer: "C9"))
        XCTAssertTrue(desk.call("c10")?.routeReason?.hasPrefix("last_agent") == true, desk.call("c10")?.routeReason ?? "-")
    }

    /// When the busy account manager frees up within the hold, the held call goes to them.
    func testHeldCallGoesToManagerWhenFree() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", managerWait: 30)], agents: [agent("am"), agent("a2")])
        try desk.loginReady("am")
        _ = try desk.offer("first")
        try desk.answer("first", by: "am")
        _ = try offer(&desk, "c1", caller: CallerInfo(customer: "C001", accountManager: "am"))
        desk.advance(10)
        let freed = try desk.hangup("first")
        XCTAssertEqual(freed.routes.first?.call, "c1")
        XCTAssertEqual(freed.routes.first?.agent, "am")
    }

    /// Strategies pick different agents from the same candidates; ties go to the longest idle, then the id.
    func testStrategies() throws {
        let desk = try Desk(queues: [QueueConfig(id: "general", skills: ["billing": 1])])
        let t0 = Instant(milliseconds: 1_700_000_000_000)
        func ready(_ id: AgentID, level: Int, idle: Double, answered: Int, talk: Double) -> Agent {
            var a = Agent(profile: agent(id, skills: ["billing": level]), since: t0)
            a.state = .ready
            a.idleSince = t0.adding(seconds: idle)
            a.answeredToday = answered
            a.talkSecondsToday = talk
            return a
        }
        let candidates = [
            ready("a1", level: 2, idle: 0, answered: 5, talk: 900),   // idle longest
            ready("a2", level: 9, idle: 10, answered: 3, talk: 600),  // most skilled
            ready("a3", level: 5, idle: 20, answered: 1, talk: 700),  // fewest calls
            ready("a4", level: 4, idle: 30, answered: 4, talk: 100),  // least talk
        ]
        let call = Call(id: "c1", from: "1", to: "2", queue: "general", attributes: [:], ticket: 7, at: t0)
        let center = desk.center
        XCTAssertEqual(center.pick(.longestIdle, among: candidates, for: call).id, "a1")
        XCTAssertEqual(center.pick(.mostSkilled, among: candidates, for: call).id, "a2")
        XCTAssertEqual(center.pick(.fewestCalls, among: candidates, for: call).id, "a3")
        XCTAssertEqual(center.pick(.leastTalk, among: candidates, for: call).id, "a4")
        XCTAssertEqual(center.pick(.roundRobin, among: candidates, for: call).id, "a1", "no previous agent: the first id")
        var rotated = center
        rotated.queues["general"]?.lastRouted = "a2"
        XCTAssertEqual(rotated.pick(.roundRobin, among: candidates, for: call).id, "a3")
        rotated.queues["general"]?.lastRouted = "a4"
        XCTAssertEqual(rotated.pick(.roundRobin, among: candidates, for: call).id, "a1", "wraps around")
        let random = center.pick(.random, among: candidates, for: call).id
        XCTAssertEqual(center.pick(.random, among: candidates.reversed(), for: call).id, random, "reproducible whatever the order")
        // Ties: equal answered counts fall back to the longest idle.
        let tied = [ready("b2", level: 1, idle: 5, answered: 2, talk: 0), ready("b1", level: 1, idle: 5, answered: 2, talk: 0), ready("b3", level: 1, idle: 1, answered: 2, talk: 0)]
        XCTAssertEqual(center.pick(.fewestCalls, among: tied, for: call).id, "b3")
        XCTAssertEqual(center.pick(.longestIdle, among: Array(tied.prefix(2)), for: call).id, "b1", "then the lower id")
    }

    /// An overflow step adds another queue's agents after its delay.
    func testOverflowAddsAnotherQueuesAgents() throws {
        var desk = try Desk(queues: [
            QueueConfig(id: "general"),
            QueueConfig(id: "billing", skills: ["billing": 5], overflow: [OverflowStep(after: 60, addQueue: "general")]),
        ], agents: [agent("generalist")])
        try desk.loginReady("generalist")
        XCTAssertTrue(try offer(&desk, "b1", queue: "billing").routes.isEmpty)
        desk.advance(59)
        XCTAssertTrue(try desk.tick().routes.isEmpty)
        desk.advance(1)
        let overflowed = try desk.tick()
        XCTAssertEqual(overflowed.routes.first?.agent, "generalist")
        XCTAssertEqual(desk.call("b1")?.overflowStage, 1)
    }

    /// A call that overflowed into a queue waits in its line: callers of that queue
    /// behind it hear the same place from call.offer and from call.get.
    func testPlaceInLineCountsCallsOverflowedIn() throws {
        var desk = try Desk(queues: [
            QueueConfig(id: "general"),
            QueueConfig(id: "billing", skills: ["billing": 5], overflow: [OverflowStep(after: 60, addQueue: "general")]),
        ], agents: [agent("generalist")])
        XCTAssertEqual(try desk.offer("b1", queue: "billing").position, 1)
        desk.advance(60)
        try desk.tick()
        XCTAssertEqual(desk.call("b1")?.extraQueues, ["general"])
        let offered = try desk.offer("g1", queue: "general")
        XCTAssertEqual(offered.position, 2, "b1 is ahead of g1 in general's line")
        XCTAssertEqual(desk.center.placeInLine(of: "g1", now: desk.now)?.position, offered.position)
        XCTAssertEqual(desk.center.placeInLine(of: "b1", now: desk.now)?.position, 1)
        XCTAssertEqual(desk.center.waitingCalls(in: "general").map(\.id), ["g1"], "the calls of general are still its own")
        let general = try XCTUnwrap(try desk.center.stats(queue: "general", now: desk.now).first)
        XCTAssertEqual(general.waiting, 1)
        XCTAssertEqual(general.ewt, desk.center.estimatedWait(position: 3, queue: "general", now: desk.now), "a call arriving now is third")
        try desk.loginReady("generalist")
        XCTAssertEqual(desk.call("b1")?.agent, "generalist", "the call ahead is served first")
        XCTAssertEqual(desk.center.placeInLine(of: "g1", now: desk.now)?.position, 1)
    }

    /// A caller second in line hears 2, however many callers behind the first
    /// one hung up (their entries stay in the line until the front reaches them).
    func testOfferPositionIsExactBehindCallsThatLeft() throws {
        var desk = try Desk()
        XCTAssertEqual(try desk.offer("first").position, 1)
        desk.advance(400)  // aging: first now outranks a high-value caller arriving (300 points)
        for i in 0..<40 {
            _ = try desk.offer("gone\(i)")
            try desk.hangup("gone\(i)")
        }
        for i in 0..<40 { _ = try desk.offer("later\(i)") }
        let vip = try desk.apply(.offerCall(call: "vip", from: "+86-vip", to: "400", queue: nil, attributes: [:],
                                            caller: CallerInfo(customer: "C1", tier: .highValue)))
        guard case let .offered(result) = vip.outcome else { return XCTFail("\(vip.outcome)") }
        XCTAssertEqual(result.position, 2)
        XCTAssertEqual(desk.center.placeInLine(of: "vip", now: desk.now)?.position, 2)
        XCTAssertEqual(desk.center.placeInLine(of: "later39", now: desk.now)?.position, 42)
    }

    /// An overflow step relaxes skill minimums; a newly ready agent then takes the call.
    func testOverflowRelaxesSkills() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", skills: ["billing": 8], overflow: [OverflowStep(after: 30, relaxSkills: ["billing": 2])])],
                            agents: [agent("junior", skills: ["billing": 3])])
        _ = try desk.offer("c1")
        desk.advance(30)
        try desk.tick()
        let routed = try desk.loginReadyApplied("junior")
        XCTAssertEqual(routed.first?.call, "c1")
    }

    /// At the maximum wait the PBX gets call.timeout with the configured action, and the call ends.
    func testMaxWaitTimesOut() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxWait: 120, onTimeout: .callback)])
        _ = try desk.offer("c1")
        desk.advance(120)
        let applied = try desk.tick()
        XCTAssertTrue(applied.effects.contains(.timeout(call: "c1", queue: "general", action: .callback, reason: "max_wait")))
        XCTAssertNil(desk.call("c1"))
        XCTAssertEqual(applied.changes.legs.last?.outcome, .timedOut)
        XCTAssertEqual(try desk.stats().counters.timedOut, 1)
    }

    /// A timeout action `queue:X` moves the call to another queue instead.
    func testTimeoutToAnotherQueue() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxWait: 60, onTimeout: .queue("backup")), QueueConfig(id: "backup")])
        _ = try desk.offer("c1")
        desk.advance(60)
        let ticked = try desk.tick()
        XCTAssertEqual(desk.call("c1")?.queue, "backup")
        XCTAssertEqual(desk.call("c1")?.leg, 2)
        // The first leg is closed by the system, with the timeout as its cause (the
        // call log counts it as timed out, as the queue's counters do).
        let closed = try XCTUnwrap(ticked.changes.legs.first { $0.leg == 1 && $0.state == .ended })
        XCTAssertEqual(closed.outcome, .transferred)
        XCTAssertEqual(closed.hangupBy, .system)
        XCTAssertEqual(closed.cause, "max_wait: queue:backup")
    }

    /// After max_attempts unanswered rings the call times out rather than ringing forever.
    func testMaxAttempts() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", maxAttempts: 2)], agents: [agent("a1"), agent("a2")])
        try desk.loginReady("a1", "a2")
        _ = try desk.offer("c1")
        let first = try XCTUnwrap(desk.call("c1")?.agent)
        let second = try desk.apply(.callNoAnswer(call: "c1", agent: first))
        let other = try XCTUnwrap(second.routes.first?.agent)
        let last = try desk.apply(.callNoAnswer(call: "c1", agent: other))
        XCTAssertTrue(last.effects.contains(.timeout(call: "c1", queue: "general", action: .voicemail, reason: "max_attempts")))
        XCTAssertNil(desk.call("c1"))
        // The reply is the call as it ended, not as it rang a moment before.
        guard case let .call(reply) = last.outcome else { return XCTFail("\(last.outcome)") }
        XCTAssertEqual(reply.state, .ended)
        XCTAssertEqual(reply.outcome, .timedOut)
        XCTAssertEqual(reply.attempts, 2)
        XCTAssertNil(reply.agent)
    }

    /// A call back in line after no answer no longer gives the reason it rang
    /// the agent who did not answer; ringing the next agent gives the new one.
    func testRequeuedCallHasNoRouteReason() throws {
        var desk = try Desk(agents: [agent("a1"), agent("a2")])
        try desk.loginReady("a1")
        _ = try desk.offer("c1")
        XCTAssertEqual(desk.call("c1")?.routeReason, "longest_idle among 1 ready [a1]")
        try desk.apply(.callNoAnswer(call: "c1", agent: "a1"))
        XCTAssertEqual(desk.call("c1")?.state, .queued)
        XCTAssertNil(desk.call("c1")?.routeReason)
        try desk.loginReady("a2")
        XCTAssertEqual(desk.call("c1")?.agent, "a2")
        XCTAssertNotNil(desk.call("c1")?.routeReason)
    }

    /// Dialled numbers and IVR intents map to queues.
    func testNumbersAndIntentsChooseTheQueue() throws {
        var settings = CallCenter.Settings()
        settings.routing.numbers["4008001234"] = "billing"
        settings.routing.intents["complaint"] = "complaints"
        var desk = try Desk(settings: settings, queues: [QueueConfig(id: "general"), QueueConfig(id: "billing"), QueueConfig(id: "complaints")])
        _ = try offer(&desk, "n1", to: "4008001234")
        _ = try offer(&desk, "i1", to: "4008001234", attributes: ["intent": "complaint"])
        _ = try offer(&desk, "d1", to: "999")
        XCTAssertEqual(desk.call("n1")?.queue, "billing")
        XCTAssertEqual(desk.call("i1")?.queue, "complaints")
        XCTAssertEqual(desk.call("d1")?.queue, "general")
    }

    /// Flagged numbers follow the policy: reject, alert, or a named queue.
    func testFlaggedNumbers() throws {
        var settings = CallCenter.Settings()
        settings.routing.flags = ["threat": .reject, "harassment": .queue("security")]
        var desk = try Desk(settings: settings, queues: [QueueConfig(id: "general"), QueueConfig(id: "security")])
        let rejected = try offer(&desk, "t1", caller: CallerInfo(flags: ["threat"]))
        XCTAssertTrue(rejected.effects.contains(.rejected(call: "t1", reason: "threat")))
        XCTAssertNil(desk.call("t1"))
        _ = try offer(&desk, "h1", caller: CallerInfo(flags: ["harassment"]))
        XCTAssertEqual(desk.call("h1")?.queue, "security")
        desk.center.settings.routing.flags["threat"] = .alert
        let alerted = try offer(&desk, "t2", caller: CallerInfo(flags: ["threat"]))
        XCTAssertTrue(alerted.effects.contains(.alert(call: "t2", flag: "threat")))
        XCTAssertEqual(desk.call("t2")?.state, .queued)
    }

    /// A number flagged both threat and harassment follows the strictest policy
    /// (reject, then a queue, then alert), whatever the order of its flags.
    func testStrictestFlagPolicyWins() throws {
        var settings = CallCenter.Settings()
        settings.routing.flags = ["threat": .reject, "harassment": .queue("security")]
        var desk = try Desk(settings: settings, queues: [QueueConfig(id: "general"), QueueConfig(id: "security")])
        for (call, flags) in [("b1", ["harassment", "threat"]), ("b2", ["threat", "harassment"])] {
            let applied = try offer(&desk, call, caller: CallerInfo(flags: flags))
            XCTAssertTrue(applied.effects.contains(.rejected(call: call, reason: "threat")), "\(flags)")
        }
        desk.center.settings.routing.flags = ["threat": .alert, "harassment": .queue("security")]
        _ = try offer(&desk, "b3", caller: CallerInfo(flags: ["harassment", "threat"]))
        XCTAssertEqual(desk.call("b3")?.queue, "security")
    }

    /// The max wait and overflow steps that come due while the call rings apply once
    /// it is back in line (they were lost: the call waited forever).
    func testWaitLimitsThatPassWhileRingingApplyAtRequeue() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", ringTimeout: 20, maxWait: 15, onTimeout: .callback)], agents: [agent("a1")])
        try desk.loginReady("a1")
        _ = try desk.offer("c1")
        XCTAssertEqual(desk.call("c1")?.state, .ringing)
        desk.advance(15)
        try desk.tick()  // max wait reached while ringing: nothing yet
        XCTAssertEqual(desk.call("c1")?.state, .ringing)
        desk.advance(5)
        let timedOut = try desk.tick()  // the ring times out: back in line, past its max wait
        XCTAssertTrue(timedOut.effects.contains(.timeout(call: "c1", queue: "general", action: .callback, reason: "max_wait")))
        XCTAssertNil(desk.call("c1"))

        var relax = try Desk(queues: [QueueConfig(id: "general", skills: ["billing": 5], ringTimeout: 2,
                                                  overflow: [OverflowStep(after: 1, relaxSkills: ["billing": 1]), OverflowStep(after: 60, addQueue: "other")]),
                                      QueueConfig(id: "other")],
                             agents: [agent("senior", skills: ["billing": 5]), agent("junior", skills: ["billing": 1])])
        try relax.loginReady("senior", "junior")
        _ = try relax.offer("c2")
        XCTAssertEqual(relax.call("c2")?.agent, "senior")
        relax.advance(1)
        try relax.tick()  // step 1 due while ringing
        relax.advance(1)
        let requeued = try relax.tick()  // no answer from the senior: step 1 applies, the junior rings
        XCTAssertEqual(requeued.routes.first?.agent, "junior")
        XCTAssertEqual(relax.call("c2")?.overflowStage, 1)
        // Step 2 is still armed.
        try relax.apply(.callNoAnswer(call: "c2", agent: "junior"))
        relax.advance(58)
        try relax.tick()
        XCTAssertEqual(relax.call("c2")?.overflowStage, 2)
        XCTAssertEqual(relax.call("c2")?.extraQueues, ["other"])
    }

    /// A relax step lowers the minimums it names and keeps the others; {} asks for none.
    func testRelaxStepLowersOnlyTheSkillsItNames() {
        XCTAssertEqual(CallCenter.relaxing(["bill": 5, "en": 3], to: ["bill": 2]), ["bill": 2, "en": 3])
        XCTAssertEqual(CallCenter.relaxing(["bill": 5, "en": 3], to: ["en": 4, "fr": 1]), ["bill": 5, "en": 3], "never raises, never adds")
        XCTAssertEqual(CallCenter.relaxing(["bill": 5, "en": 3], to: [:]), [:])
    }

    /// No hold for an account manager who could not take the call anyway (not the
    /// queue's skills): it goes to a ready agent at once.
    func testNoHoldForAnIneligibleManager() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", skills: ["q3": 1], managerWait: 30), QueueConfig(id: "other", skills: ["x": 1])],
                            agents: [agent("m2", skills: ["x": 1]), agent("o1", skills: ["q3": 1])])
        try desk.loginReady("m2")
        _ = try desk.offer("busy", queue: "other")
        try desk.answer("busy", by: "m2")
        try desk.loginReady("o1")
        let applied = try offer(&desk, "c1", queue: "general", caller: CallerInfo(customer: "C1", accountManager: "m2"))
        XCTAssertEqual(applied.routes.first?.agent, "o1")
        XCTAssertNil(desk.call("c1")?.holdUntil)
    }

    /// A call held for its manager goes to anyone eligible as soon as the manager
    /// logs out or goes not ready, not at the end of the hold.
    func testHoldEndsWhenTheManagerCannotCome() throws {
        for leave in ["not_ready", "logout"] {
            var desk = try Desk(queues: [QueueConfig(id: "general", wrapUp: 60, managerWait: 30)], agents: [agent("am"), agent("a1")])
            try desk.loginReady("am")
            _ = try desk.offer("first")
            try desk.answer("first", by: "am")
            try desk.hangup("first")
            XCTAssertEqual(desk.state("am"), .wrapUp)
            try desk.loginReady("a1")
            _ = try offer(&desk, "c1", caller: CallerInfo(customer: "C1", accountManager: "am"))
            XCTAssertNotNil(desk.call("c1")?.holdUntil, leave)
            desk.advance(2)
            let left = leave == "logout" ? try desk.apply(.agentLogout(agent: "am")) : try desk.notReady("am")
            XCTAssertEqual(left.routes.first?.agent, "a1", leave)
            XCTAssertEqual(desk.call("c1")?.state, .ringing, leave)
        }
    }

    /// A manager on a call who asks for not_ready (kept pending until the call ends)
    /// will not take the held caller: the hold ends at once, and a later caller of
    /// theirs is not held at all.
    func testNoHoldForAManagerLeavingAfterTheCall() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", managerWait: 30)], agents: [agent("am"), agent("a1")])
        try desk.loginReady("am")
        _ = try desk.offer("first")
        try desk.answer("first", by: "am")
        try desk.loginReady("a1")
        try desk.notReady("a1")
        _ = try offer(&desk, "c1", caller: CallerInfo(customer: "C1", accountManager: "am"))
        XCTAssertNotNil(desk.call("c1")?.holdUntil)
        try desk.ready("a1")
        XCTAssertEqual(desk.call("c1")?.state, .queued, "held for am")
        desk.advance(2)
        let asked = try desk.notReady("am", reason: "lunch")
        XCTAssertEqual(desk.agent("am").pendingState, .notReady)
        XCTAssertEqual(asked.routes.first?.agent, "a1")
        XCTAssertEqual(desk.call("c1")?.state, .ringing)
        _ = try offer(&desk, "c2", caller: CallerInfo(customer: "C1", accountManager: "am"))
        XCTAssertNil(desk.call("c2")?.holdUntil, "am is leaving: nobody waits for them")
    }

    /// fewest_calls counts today's calls: an agent who answered many yesterday is not
    /// passed over this morning before answering one.
    func testFewestCallsForgetsYesterday() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", strategy: .fewestCalls)], agents: [agent("busy"), agent("fresh")])
        try desk.loginReady("busy")
        for i in 0..<3 {
            _ = try desk.offer("y\(i)")
            try desk.answer("y\(i)", by: "busy")
            try desk.hangup("y\(i)")
        }
        XCTAssertEqual(desk.agent("busy").answeredToday, 3)
        try desk.notReady("busy")
        desk.advance(86_400)  // the next day
        try desk.loginReady("fresh")
        _ = try desk.offer("t1")
        try desk.answer("t1", by: "fresh")
        try desk.hangup("t1")  // fresh: 1 today
        try desk.notReady("fresh")
        try desk.ready("busy")  // busy: 0 today (3 yesterday)
        try desk.ready("fresh")
        XCTAssertEqual(desk.agent("busy").answeredToday, 0)
        let routed = try offer(&desk, "t2")
        XCTAssertEqual(routed.routes.first?.agent, "busy")
    }

    /// Agents restricted to some tiers only get those callers.
    func testAgentTiers() throws {
        var desk = try Desk(agents: [agent("vipdesk", tiers: [.highValue])])
        try desk.loginReady("vipdesk")
        XCTAssertTrue(try offer(&desk, "plain").routes.isEmpty)
        XCTAssertEqual(try offer(&desk, "gold", caller: CallerInfo(customer: "C1", tier: .highValue)).routes.first?.agent, "vipdesk")
    }

    /// Long lines with mixed tiers stay in priority order through many departures (stale entries are compacted), and positions stay within the line.
    func testLongMixedLinesStayOrdered() throws {
        var desk = try Desk()
        let tiers: [CustomerTier?] = [.highValue, .potential, .stable, .risk, nil]
        var rng = XorShift64(seed: 7)
        for i in 0..<3000 {
            let result = try offer(&desk, "m\(i)", caller: CallerInfo(customer: "C\(i)", tier: tiers[Int(rng.next() % 5)]))
            guard case let .offered(o) = result.outcome else { return XCTFail("offer refused") }
            XCTAssertTrue((1...(i + 1)).contains(o.position))
            desk.advance(0.01)
        }
        for i in stride(from: 0, to: 3000, by: 3) where i % 2 == 0 || i < 1500 { try desk.hangup("m\(i)") }
        let line = desk.center.waitingCalls(in: "general")
        XCTAssertEqual(line.count, desk.center.waitingCount(in: "general"))
        let entries = line.map { desk.center.lineEntry(for: $0) }
        for (a, b) in zip(entries, entries.dropFirst()) { XCTAssertFalse(b.precedes(a)) }
        XCTAssertLessThanOrEqual(desk.center.lines["general"]!.entries.count, line.count + 1024 + line.count)
    }

    /// A restart keeps the account-manager hold, overflow stage and routing order.
    func testRestoreKeepsRoutingState() throws {
        var desk = try Desk(queues: [QueueConfig(id: "general", managerWait: 30, overflow: [OverflowStep(after: 100, addQueue: "other")]), QueueConfig(id: "other")],
                            agents: [agent("am"), agent("x")])
        try desk.loginReady("am")
        _ = try desk.offer("busy")
        try desk.answer("busy", by: "am")
        _ = try offer(&desk, "held", caller: CallerInfo(customer: "C1", tier: .stable, accountManager: "am"))
        _ = try offer(&desk, "vip", caller: CallerInfo(customer: "C2", tier: .highValue))
        var restored = CallCenter(settings: desk.center.settings, restoring: desk.center.snapshot)
        XCTAssertEqual(restored.snapshot, desk.center.snapshot)
        XCTAssertEqual(restored.waitingCalls(in: "general").map(\.id), ["vip", "held"])
        XCTAssertEqual(restored.nextDeadline(), desk.center.nextDeadline())
    }
}

extension Desk {
    /// Logs in and readies one agent, returning the routes that caused.
    mutating func loginReadyApplied(_ agent: AgentID) throws -> [(call: CallID, agent: AgentID, seat: String)] {
        try login(agent)
        return try ready(agent).routes
    }
}
