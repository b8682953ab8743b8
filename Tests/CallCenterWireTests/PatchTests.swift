import XCTest
import CallCenterCore
import CallCenterWire

/// `agent.upsert` / `queue.upsert` patches: what is given replaces, what is missing keeps the stored value.
final class PatchTests: XCTestCase {
    /// A new agent needs a seat; its name defaults to its id.
    func testNewAgentNeedsASeat() throws {
        XCTAssertThrowsError(try AgentPatch(agent: "a1").applied(to: nil)) { error in
            XCTAssertEqual((error as? WireError)?.code, .badRequest)
            XCTAssertTrue((error as? WireError)?.message.hasPrefix("field 'seat' is missing") ?? false)
        }
        let created = try AgentPatch(agent: "a1", seat: "801").applied(to: nil)
        XCTAssertEqual(created, AgentProfile(id: "a1", name: "a1", seat: "801"))
    }

    /// An agent patch replaces only the fields it names.
    func testAgentPatchKeepsWhatItDoesNotName() throws {
        let stored = AgentProfile(id: "a1", name: "Li Na", seat: "801", skills: ["billing": 4], languages: ["zh"])
        let patched = try AgentPatch(agent: "a1", skills: ["billing": 6, "vip": 2]).applied(to: stored)
        XCTAssertEqual(patched, AgentProfile(id: "a1", name: "Li Na", seat: "801", skills: ["billing": 6, "vip": 2], languages: ["zh"]))
    }

    /// A queue patch starts from the defaults for a new queue and replaces only what it names; max_wait can be cleared.
    func testQueuePatchMerges() {
        let created = QueuePatch(queue: "q", wrapUp: 15).applied(to: nil)
        XCTAssertEqual(created, QueueConfig(id: "q", wrapUp: 15))
        XCTAssertEqual(created.ringTimeout, 20)
        XCTAssertEqual(created.serviceLevel, 20)

        let stored = QueueConfig(id: "q", skills: ["billing": 3], wrapUp: 15, ringTimeout: 25, maxWait: 300, serviceLevel: 30)
        let patched = QueuePatch(queue: "q", ringTimeout: 10).applied(to: stored)
        XCTAssertEqual(patched, QueueConfig(id: "q", skills: ["billing": 3], wrapUp: 15, ringTimeout: 10, maxWait: 300, serviceLevel: 30))
        XCTAssertNil(QueuePatch(queue: "q", maxWait: .some(nil)).applied(to: stored).maxWait)
        XCTAssertEqual(QueuePatch(queue: "q").applied(to: stored), stored)
    }
}
