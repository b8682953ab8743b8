import ArgumentParser
import CallCenterClient
import Foundation

/// `callctl agent …`: agent records and, acting for an agent, their session state.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Add and remove agents, and log them in, ready, not ready or out (as admin, acting for them).",
        subcommands: [Add.self, Import.self, Remove.self, Login.self, Ready.self, NotReady.self, Logout.self])

    /// `callctl agent add ID --seat S …` → `agent.upsert`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or change an agent (agent.upsert); a new agent's token is printed once.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The agent's id.")
        var id: String

        @Option(help: ArgumentHelp("The agent's usual seat (extension).", valueName: "seat"))
        var seat: String

        @Option(help: ArgumentHelp("Display name.", valueName: "name"))
        var name: String?

        @Option(name: .customLong("skill"), help: ArgumentHelp("A skill with its level 1-10 (repeatable).", valueName: "skill=level"))
        var skills: [String] = []

        @Option(name: .customLong("language"), help: ArgumentHelp("A language the agent speaks (repeatable).", valueName: "code"))
        var languages: [String] = []

        @Option(name: .customLong("tier"), help: ArgumentHelp("A customer tier the agent may serve (repeatable; none: all).", valueName: "tier"))
        var tiers: [String] = []

        @Flag(name: .customLong("rotate-token"), help: "Issue a new token: the old one stops working and the sessions opened with it are closed.")
        var rotateToken = false

        func validate() throws {
            _ = try KeyValue.skills(skills)
            if let bad = tiers.first(where: { !Import.tiers.contains($0) }) {
                throw ValidationError("--tier \(bad): tiers are \(Import.tiers.joined(separator: ", "))")
            }
        }

        func run() throws {
            var fields: [String: Any] = ["agent": id, "seat": seat]
            if let name { fields["name"] = name }
            if !skills.isEmpty { fields["skills"] = try KeyValue.skills(skills) }
            if !languages.isEmpty { fields["languages"] = languages }
            if !tiers.isEmpty { fields["tiers"] = tiers }
            if rotateToken { fields["rotate_token"] = true }
            try reportingErrors {
                let result = try global.call("agent.upsert", fields)
                if global.json { return printJSON(result) }
                let agent = Format.value(result["agent"] ?? id)
                if let token = result["token"] as? String {
                    print("agent \(agent) saved; token: \(token) (shown once: give it to the agent's softphone)")
                } else {
                    print("agent \(agent) saved")
                }
            }
        }
    }

    /// `callctl agent remove ID` → `agent.remove {agent}`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an agent who has left, with their token (agent.remove): logged out, holding no open complaint.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var id: String

        func run() throws { try global.remove("agent", id) }
    }

    /// `callctl agent login ID --seat S` → `agent.login {agent, seat}`.
    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log an agent in at a seat (agent.login).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var id: String
        @Option(help: ArgumentHelp("The seat to log in at.", valueName: "seat")) var seat: String

        func run() throws {
            try act(global, "agent.login", ["agent": id, "seat": seat], agent: id, fallbackState: "logged in at \(seat)")
        }
    }

    /// `callctl agent ready ID` → `agent.state {agent, state: ready}`.
    struct Ready: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an agent ready for calls (agent.state).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var id: String

        func run() throws {
            try act(global, "agent.state", ["agent": id, "state": "ready"], agent: id, fallbackState: "ready")
        }
    }

    /// `callctl agent not-ready ID [--reason R]` → `agent.state {agent, state: not_ready, reason?}`.
    struct NotReady: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "not-ready", abstract: "Make an agent not ready, with a reason (agent.state).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var id: String
        @Option(help: ArgumentHelp("Why (break, lunch, training, …).", valueName: "reason")) var reason: String?

        func run() throws {
            var fields: [String: Any] = ["agent": id, "state": "not_ready"]
            if let reason { fields["reason"] = reason }
            try act(global, "agent.state", fields, agent: id, fallbackState: "not_ready")
        }
    }

    /// `callctl agent logout ID` → `agent.logout {agent}`.
    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log an agent out (agent.logout).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The agent's id.") var id: String

        func run() throws {
            try act(global, "agent.logout", ["agent": id], agent: id, fallbackState: "logged_out")
        }
    }
}

/// Sends one agent op and prints `agent a7: ready` (the state the daemon reports, if it does),
/// with the reason when there is one.
private func act(_ global: GlobalOptions, _ op: String, _ fields: [String: Any], agent: String, fallbackState: String) throws {
    try reportingErrors {
        let result = try global.call(op, fields)
        if global.json { return printJSON(result) }
        let state = (result["state"] as? String) ?? fallbackState
        let reason = (result["reason"] as? String) ?? (fields["reason"] as? String)
        print("agent \(agent): \(state)" + (reason.map { " (\($0))" } ?? ""))
    }
}
