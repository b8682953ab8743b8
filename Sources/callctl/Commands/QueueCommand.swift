import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl queue …`: queue configuration.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Configure queues.",
        subcommands: [Set.self, Remove.self])

    /// `callctl queue remove NAME` → `queue.remove`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a queue no longer used (queue.remove): no live calls, named by no other queue or routing rule.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The queue's name.") var name: String

        func run() throws { try global.remove("queue", name) }
    }

    /// `callctl queue set NAME …` → `queue.upsert`.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or change a queue (queue.upsert) and print it as stored.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The queue's name.")
        var name: String

        @Option(name: .customLong("skill"), help: ArgumentHelp(
            "A skill the queue needs, with the minimum level (repeatable).", valueName: "skill=level"))
        var skills: [String] = []

        @Option(help: ArgumentHelp("Routing strategy.", valueName: "strategy"))
        var strategy: String?

        @Option(name: .customLong("wrap-up"), help: ArgumentHelp("Wrap-up time after each call.", valueName: "seconds"))
        var wrapUp: Double?

        @Option(name: .customLong("ring-timeout"), help: ArgumentHelp("How long a routed call rings an agent.", valueName: "seconds"))
        var ringTimeout: Double?

        @Option(name: .customLong("max-wait"), help: ArgumentHelp("Longest a caller may wait in the queue.", valueName: "seconds"))
        var maxWait: Double?

        @Option(name: .customLong("on-timeout"), help: ArgumentHelp("At max wait or max attempts: voicemail, callback or queue:NAME.", valueName: "action"))
        var onTimeout: String?

        @Option(name: .customLong("max-attempts"), help: ArgumentHelp("Unanswered rings before timing out (0: no limit).", valueName: "n"))
        var maxAttempts: Int?

        @Option(name: .customLong("manager-wait"), help: ArgumentHelp("How long a call waits for its busy account manager.", valueName: "seconds"))
        var managerWait: Double?

        @Option(name: .customLong("max-wait-no-agent"), help: ArgumentHelp(
            "Longest a caller may wait while nobody who may take the queue's calls is working, then --on-timeout (0: at once; off: wait for agents).",
            valueName: "seconds|off"))
        var maxWaitNoAgent: String?

        @Option(help: ArgumentHelp("Overflow steps as JSON: '[{\"after\":60,\"relax_skills\":{\"billing\":2}},{\"after\":120,\"add_queue\":\"general\"}]'.", valueName: "json"))
        var overflow: String?

        @Option(name: .customLong("service-level"), help: ArgumentHelp(
            "Service level threshold: answered within this many seconds (default 20).", valueName: "seconds"))
        var serviceLevel: Double?

        func validate() throws {
            _ = try KeyValue.skills(skills)
            _ = try noAgentWait()
        }

        /// `--max-wait-no-agent` on the wire: seconds, or null for `off`.
        func noAgentWait() throws -> Any? {
            guard let maxWaitNoAgent else { return nil }
            if maxWaitNoAgent == "off" { return NSNull() }
            guard let seconds = Double(maxWaitNoAgent), seconds >= 0 else {
                throw ValidationError("--max-wait-no-agent wants seconds ≥ 0 (0: at once) or 'off', not '\(maxWaitNoAgent)'")
            }
            return wholeIfIntegral(seconds)
        }

        func run() throws {
            var fields: [String: Any] = ["queue": name]
            if !skills.isEmpty { fields["skills"] = try KeyValue.skills(skills) }
            if let strategy { fields["strategy"] = strategy }
            if let wrapUp { fields["wrap_up"] = wholeIfIntegral(wrapUp) }
            if let ringTimeout { fields["ring_timeout"] = wholeIfIntegral(ringTimeout) }
            if let maxWait { fields["max_wait"] = wholeIfIntegral(maxWait) }
            if let serviceLevel { fields["service_level"] = wholeIfIntegral(serviceLevel) }
            if let onTimeout { fields["on_timeout"] = onTimeout }
            if let maxAttempts { fields["max_attempts"] = maxAttempts }
            if let managerWait { fields["manager_wait"] = wholeIfIntegral(managerWait) }
            if let noAgent = try noAgentWait() { fields["max_wait_no_agent"] = noAgent }
            if let overflow {
                guard let data = overflow.data(using: .utf8), let steps = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                    throw ValidationError("--overflow wants a JSON array like '[{\"after\": 60, \"add_queue\": \"general\"}]'")
                }
                fields["overflow"] = steps
            }
            try reportingErrors {
                let result = try global.call("queue.upsert", fields)
                if global.json { return printJSON(result) }
                let stored = result["queue"] as? [String: Any] ?? result
                print(Format.record(stored, first: ["queue", "skills", "strategy", "wrap_up", "ring_timeout",
                                                    "max_wait", "service_level"]))
            }
        }
    }
}

/// Seconds as an `Int` when whole, so `--wrap-up 30` goes on the wire as `30`, not `30.0`.
func wholeIfIntegral(_ value: Double) -> Any {
    value.rounded() == value && abs(value) < 1e15 ? Int(value) : value
}
