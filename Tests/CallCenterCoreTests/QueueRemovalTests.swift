import CallCenterCore
import XCTest

/// `queue.remove`: a queue no longer used goes, once no call, queue or routing
/// rule needs it; every refusal names what still does.
final class QueueRemovalTests: XCTestCase {
    let queues = [
        QueueConfig(id: "general"),
        QueueConfig(id: "billing", skills: ["billing": 3]),
        QueueConfig(id: "legacy", skills: ["legacy": 1], maxWaitNoAgent: 60),
    ]

    func testAnUnusedQueueIsRemoved() throws {
        var desk = try Desk(queues: queues, agents: [profile("a1", skills: ["billing": 5, "legacy": 2])])
        try desk.loginReady("a1")
        let applied = try desk.apply(.removeQueue(queue: "legacy"))
        XCTAssertEqual(applied.outcome, .queueRemoved("legacy"))
        XCTAssertEqual(applied.changes.queues, ["legacy"], "the store is told, and finds the queue gone from the core")
        XCTAssertEqual(applied.effects, [.notice(.queueRemoved("legacy"))])
        XCTAssertNil(desk.center.queues["legacy"])
        XCTAssertEqual(try desk.center.stats(now: desk.now).map(\.queue), ["billing", "general"])
        XCTAssertEqual(desk.refuse(.offerCall(call: "c1", from: "1", to: "2", queue: "legacy", attributes: [:]))?.code, .notFound)
        XCTAssertEqual(desk.refuse(.removeQueue(queue: "legacy"))?.code, .notFound, "removed once only")
        try desk.tick()
        XCTAssertNil(desk.center.nextDeadline(), "nothing is left watching whether the removed queue is staffed")

        // The agent still serves the other queues; the name may be used again.
        try desk.offer("c2", queue: "billing")
        XCTAssertEqual(desk.call("c2")?.agent, "a1")
        try desk.apply(.upsertQueue(QueueConfig(id: "legacy")))
        XCTAssertEqual(try desk.stats("legacy").counters.offered, 0, "a new queue of that name starts afresh")
    }

    func testTheDefaultQueueIsNotRemoved() throws {
        var desk = try Desk(queues: queues)
        XCTAssertEqual(desk.refuse(.removeQueue(queue: "general")),
                       CoreError(.conflict, "queue 'general' is the default queue (default_queue in the config): calls offered without a queue go there"))
    }

    func testAQueueWithLiveCallsIsNotRemoved() throws {
        var overflow = queues
        overflow[1].overflow = [OverflowStep(after: 10, addQueue: "legacy")]
        var desk = try Desk(queues: overflow, agents: [profile("a1", skills: ["legacy": 1])])
        try desk.offer("c1", queue: "legacy")
        XCTAssertEqual(desk.refuse(.removeQueue(queue: "legacy")),
                       CoreError(.conflict, "queue 'legacy' has 1 live call (c1): let them end or move them (call.transfer) first"))
        try desk.hangup("c1")

        // A call of another queue that overflowed to it counts on its agents.
        try desk.offer("c2", queue: "billing")
        desk.advance(11)
        try desk.tick()
        XCTAssertEqual(desk.call("c2")?.extraQueues, ["legacy"])
        try desk.apply(.upsertQueue(QueueConfig(id: "billing", skills: ["billing": 3])))  // the step is gone, the call still counts on it
        XCTAssertEqual(desk.refuse(.removeQueue(queue: "legacy"))?.message,
                       "queue 'legacy' has 1 live call (c2): let them end or move them (call.transfer) first")
        try desk.hangup("c2")
        try desk.apply(.removeQueue(queue: "legacy"))
    }

    func testAQueueNamedByAnotherQueueOrARoutingRuleIsNotRemoved() throws {
        var named = queues
        named[0].onTimeout = .queue("legacy")
        named[1].overflow = [OverflowStep(after: 10, addQueue: "legacy")]
        var desk = try Desk(queues: named)
        XCTAssertEqual(desk.refuse(.removeQueue(queue: "legacy")),
                       CoreError(.conflict, "queue 'legacy' is named by queue 'billing' (overflow), 'general' (on_timeout): change them first (queue.upsert)"))
        try desk.apply(.upsertQueue(queues[0]))
        try desk.apply(.upsertQueue(queues[1]))

        desk.center.settings.routing.numbers = ["4008001234": "legacy"]
        desk.center.settings.routing.intents = ["old": "legacy"]
        desk.center.settings.routing.flags = ["threat": .queue("legacy")]
        XCTAssertEqual(desk.refuse(.removeQueue(queue: "legacy"))?.message,
                       "queue 'legacy' is named by the routing rules ([routing] in the config: number '4008001234', intent 'old', flag 'threat'): change them and reload first")
        desk.center.settings.routing = RoutingPolicy()
        try desk.apply(.removeQueue(queue: "legacy"))
    }
}
