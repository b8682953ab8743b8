import CallCenterCore
import CallCenterDaemon
import CallCenterWire
import Logging
import XCTest

/// Good configurations: what each key sets, and what a missing key keeps.
final class ConfigParserTests: XCTestCase {
    /// An empty file (or one with only comments) is the embedded defaults.
    func testEmptyFileKeepsDefaults() throws {
        XCTAssertEqual(try ConfigFixture.parse(""), ConfigFixture.base)
        XCTAssertEqual(try ConfigFixture.parse("# nothing here\n\n   # at all\n"), ConfigFixture.base)
        XCTAssertEqual(try ConfigFixture.parse("[daemon]\n[routing]\n[access]\n"), ConfigFixture.base)
    }

    /// The embedded defaults the example file documents.
    func testEmbeddedDefaults() {
        let c = ConfigFixture.base
        XCTAssertEqual(c.socketMode, 0o660)
        XCTAssertEqual(c.synchronous, .full)
        XCTAssertEqual(c.maxLineBytes, 65_536)
        XCTAssertEqual(c.maxOutputBytes, 1_048_576)
        XCTAssertEqual(c.maxInFlight, 4096)
        XCTAssertEqual(c.logLevel, .info)
        XCTAssertEqual(c.core.defaultQueue, "general")
        XCTAssertEqual(c.core.shortAbandon, 5)
        XCTAssertEqual(c.core.defaultHandleTime, 180)
        XCTAssertEqual(c.queues, [QueueConfig(id: "general")])
        XCTAssertEqual(c.access.grants, [.agent: [.init(.anyone)]])
        XCTAssertEqual(c.access.agentsByUID, [:])
        let q = QueueConfig(id: "x")
        XCTAssertEqual([q.wrapUp, q.ringTimeout, q.serviceLevel], [0, 20, 20])
        XCTAssertNil(q.maxWait)
        XCTAssertEqual(q.strategy, .longestIdle)
        XCTAssertEqual(q.skills, [:])
    }

    /// Every [daemon] and [routing] key sets its field.
    func testDaemonAndRoutingKeys() throws {
        let c = try ConfigFixture.parse("""
            [daemon]
            socket = "/srv/cc/cc.sock"
            database = "/srv/cc/cc.sqlite"
            socket_mode = "0600"
            synchronous = "normal"
            max_line_bytes = 1024
            max_output_bytes = 1073741824
            max_in_flight = 1
            max_connections = 10
            hello_timeout = 2.5
            log_level = "debug"

            [routing]
            default_queue = "general"
            short_abandon = 2.5
            default_handle_time = 240
            """)
        XCTAssertEqual(c.socket, "/srv/cc/cc.sock")
        XCTAssertEqual(c.database, "/srv/cc/cc.sqlite")
        XCTAssertEqual(c.socketMode, 0o600)
        XCTAssertEqual(c.synchronous, .normal)
        XCTAssertEqual(c.maxLineBytes, 1024)
        XCTAssertEqual(c.maxConnections, 10)
        XCTAssertEqual(c.helloTimeout, 2.5)
        XCTAssertEqual(c.maxOutputBytes, 1_073_741_824)
        XCTAssertEqual(c.maxInFlight, 1)
        XCTAssertEqual(c.logLevel, .debug)
        XCTAssertEqual(c.core.shortAbandon, 2.5)
        XCTAssertEqual(c.core.defaultHandleTime, 240)
    }

    /// Socket modes are octal strings, with or without the leading 0, up to 0777.
    func testSocketModes() throws {
        for (text, mode) in [("0660", 0o660), ("660", 0o660), ("0777", 0o777), ("0", 0), ("0700", 0o700)] as [(String, UInt32)] {
            XCTAssertEqual(try ConfigFixture.parse("[daemon]\nsocket_mode = \"\(text)\"").socketMode, mode, text)
        }
    }

    /// Every log level swift-log knows is accepted by its name.
    func testLogLevels() throws {
        for level in Logger.Level.allCases {
            XCTAssertEqual(try ConfigFixture.parse("[daemon]\nlog_level = \"\(level.rawValue)\"").logLevel, level)
        }
    }

    /// Keys missing from the file keep the values of the configuration it is read over.
    func testMissingKeysKeepTheBase() throws {
        var base = ConfigFixture.base
        base.maxInFlight = 7
        base.logLevel = .error
        base.core.shortAbandon = 9
        let c = try ConfigFixture.parse("[daemon]\nmax_output_bytes = 8192\n", over: base)
        XCTAssertEqual(c.maxInFlight, 7)
        XCTAssertEqual(c.logLevel, .error)
        XCTAssertEqual(c.core.shortAbandon, 9)
        XCTAssertEqual(c.maxOutputBytes, 8192)
    }

    /// A queue section sets every key; keys left out take the queue defaults;
    /// `max_wait = 0` means no limit.
    func testQueueKeys() throws {
        let c = try ConfigFixture.parse("""
            [queues.complaints]
            skills = { complaints = 3, yue = 10 }
            strategy = "longest_idle"
            wrap_up = 45.5
            ring_timeout = 0.5
            max_wait = 600
            service_level = 0

            [queues.general]
            max_wait = 0

            [queues.sales]
            """)
        XCTAssertEqual(c.queues, [
            QueueConfig(id: "complaints", skills: ["complaints": 3, "yue": 10], strategy: .longestIdle, wrapUp: 45.5, ringTimeout: 0.5, maxWait: 600, serviceLevel: 0),
            QueueConfig(id: "general"),
            QueueConfig(id: "sales"),
        ])
    }

    /// Skills may also be written as a sub-table.
    func testSkillsAsSubTable() throws {
        let c = try ConfigFixture.parse("[queues.vip.skills]\nsales = 1\nmandarin = 10\n")
        XCTAssertEqual(c.queues.first { $0.id == "vip" }?.skills, ["sales": 1, "mandarin": 10])
    }

    /// Queues come out sorted by id whatever their order in the file.
    func testQueuesSortedById() throws {
        let c = try ConfigFixture.parse("[queues.zeta]\n[queues.alpha]\n[queues.general]\n[queues.mid]\n")
        XCTAssertEqual(c.queues.map(\.id), ["alpha", "general", "mid", "zeta"])
    }

    /// The default queue is always present: added with the queue defaults when
    /// the file does not declare it, kept as declared when it does.
    func testDefaultQueueAlwaysPresent() throws {
        XCTAssertEqual(try ConfigFixture.parse("[queues.sales]\nwrap_up = 5").queues, [QueueConfig(id: "sales", wrapUp: 5), QueueConfig(id: "general")])
        XCTAssertEqual(try ConfigFixture.parse("[queues.general]\nwrap_up = 5").queues, [QueueConfig(id: "general", wrapUp: 5)])

        let renamed = try ConfigFixture.parse("[routing]\ndefault_queue = \"support\"\n[queues.support]\nring_timeout = 9\n")
        XCTAssertEqual(renamed.core.defaultQueue, "support")
        XCTAssertEqual(renamed.queues, [QueueConfig(id: "support", ringTimeout: 9)])

        let undeclared = try ConfigFixture.parse("[routing]\ndefault_queue = \"support\"\n")
        XCTAssertTrue(undeclared.queues.contains(QueueConfig(id: "support")), "\(undeclared.queues)")
    }

    /// Role lists: user names, uids, "@group", "@gid" and "*"; roles not named
    /// keep their defaults (agents: anyone).
    func testAccessGrants() throws {
        let c = try ConfigFixture.parse("""
            [access]
            pbx = ["asterisk", "1005", "@voip"]
            supervisor = ["@supervisors", "@3000", "bob"]
            admin = []
            """)
        XCTAssertEqual(c.access.grants[.pbx], [.init(.uid(120)), .init(.uid(1005)), .init(.gid(2000))])
        XCTAssertEqual(c.access.grants[.supervisor], [.init(.gid(2001)), .init(.gid(3000)), .init(.uid(1002))])
        XCTAssertEqual(c.access.grants[.admin], [])
        XCTAssertEqual(c.access.grants[.agent], [.init(.anyone)])

        let closed = try ConfigFixture.parse("[access]\nagent = [\"@voip\"]\nsupervisor = [\"*\"]")
        XCTAssertEqual(closed.access.grants[.agent], [.init(.gid(2000))])
        XCTAssertEqual(closed.access.grants[.supervisor], [.init(.anyone)])
    }

    /// Numeric uids and gids need no lookup.
    func testNumericPrincipalsNeedNoLookup() throws {
        var parser = ConfigParser(file: "test.toml")
        parser.lookupUser = { XCTFail("looked up user \($0)"); return nil }
        parser.lookupGroup = { XCTFail("looked up group \($0)"); return nil }
        let c = try parser.parse("[access]\nadmin = [\"0\", \"@0\", \"*\"]\n[access.agent_uids]\n\"1002\" = \"a8\"\n", over: ConfigFixture.base)
        XCTAssertEqual(c.access.grants[.admin], [.init(.uid(0)), .init(.gid(0)), .init(.anyone)])
        XCTAssertEqual(c.access.agentsByUID, [1002: "a8"])
    }

    /// [access.agent_uids] maps users (by name or uid) to agent ids.
    func testAgentUIDs() throws {
        let c = try ConfigFixture.parse("[access.agent_uids]\nalice = \"a7\"\n\"1003\" = \"a9\"\n")
        XCTAssertEqual(c.access.agentsByUID, [1001: "a7", 1003: "a9"])
    }

    /// Every [routing] policy key sets its field; priority tiers left out keep their defaults.
    func testRoutingPolicyKeys() throws {
        let c = try ConfigFixture.parse("""
            [routing]
            aging_per_second = 0.5
            prefer_last_agent = true
            [routing.priority]
            high_value = 1000
            unknown = -50
            [routing.numbers]
            "4008001234" = "sales"
            "+86 10 1234" = "general"
            [routing.intents]
            complaint = "complaints"
            [routing.flags]
            threat = "queue:security"
            harassment = "reject"
            [routing.language_fallback]
            nan = ""
            zh-TW = "nan"
            [queues.sales]
            [queues.complaints]
            [queues.security]
            """)
        let p = c.core.routing
        XCTAssertEqual(p.agingPerSecond, 0.5)
        XCTAssertTrue(p.preferLastAgent)
        XCTAssertEqual(p.tierWeights, [.highValue: 1000, .potential: 200, .stable: 100, .risk: 0])
        XCTAssertEqual(p.unknownWeight, -50)
        XCTAssertEqual(p.numbers, ["4008001234": "sales", "+86 10 1234": "general"])
        XCTAssertEqual(p.intents, ["complaint": "complaints"])
        XCTAssertEqual(p.flags, ["threat": .queue("security"), "harassment": .reject])
        XCTAssertNil(p.fallback(of: "nan"), "\"\" takes the built-in fallback away")
        XCTAssertEqual(p.fallback(of: "zh-TW"), "nan")
        XCTAssertEqual(p.fallback(of: "yue"), "zh", "built-in fallbacks not named stay")
        XCTAssertEqual(try ConfigFixture.parse("[routing.flags]\nthreat = \"alert\"").core.routing.flags, ["threat": .alert])
    }

    /// Without [routing] policy keys the core's defaults apply.
    func testRoutingPolicyDefaults() throws {
        let p = try ConfigFixture.parse("[routing]\nshort_abandon = 3").core.routing
        XCTAssertEqual(p, RoutingPolicy())
        XCTAssertEqual(p.agingPerSecond, 1)
        XCTAssertFalse(p.preferLastAgent)
        XCTAssertEqual(p.tierWeights, [.highValue: 300, .potential: 200, .stable: 100, .risk: 0])
        XCTAssertEqual(p.unknownWeight, 0)
    }

    /// The timeout, attempts, manager-wait and overflow keys of a queue; overflow
    /// steps are sorted by `after`, in either TOML spelling.
    func testQueueTimeoutAndOverflowKeys() throws {
        let c = try ConfigFixture.parse("""
            [queues.sales]
            strategy = "round_robin"
            on_timeout = "queue:general"
            max_attempts = 100
            manager_wait = 0
            max_wait_no_agent = 0
            overflow = [
                { after = 300, add_queue = "general" },
                { after = 60, relax_skills = { sales = 2 } },
                { after = 120, relax_skills = {}, add_queue = "vip" },
            ]

            [queues.vip]
            on_timeout = "callback"
            max_wait_no_agent = 90
            [[queues.vip.overflow]]
            after = 10.5
            add_queue = "sales"
            """)
        let sales = try XCTUnwrap(c.queues.first { $0.id == "sales" })
        XCTAssertEqual(sales.strategy, .roundRobin)
        XCTAssertEqual(sales.onTimeout, .queue("general"))
        XCTAssertEqual(sales.maxAttempts, 100)
        XCTAssertEqual(sales.managerWait, 0)
        XCTAssertEqual(sales.maxWaitNoAgent, 0, "0 is kept: at once")
        XCTAssertEqual(sales.overflow, [
            OverflowStep(after: 60, relaxSkills: ["sales": 2]),
            OverflowStep(after: 120, relaxSkills: [:], addQueue: "vip"),
            OverflowStep(after: 300, addQueue: "general"),
        ])
        let vip = try XCTUnwrap(c.queues.first { $0.id == "vip" })
        XCTAssertEqual(vip.onTimeout, .callback)
        XCTAssertEqual(vip.maxWaitNoAgent, 90)
        XCTAssertEqual(vip.overflow, [OverflowStep(after: 10.5, addQueue: "sales")])
        let general = try XCTUnwrap(c.queues.first { $0.id == "general" })
        XCTAssertEqual(general.onTimeout, .voicemail)
        XCTAssertEqual(general.maxAttempts, 0)
        XCTAssertEqual(general.managerWait, 30)
        XCTAssertNil(general.maxWaitNoAgent)
        XCTAssertEqual(general.overflow, [])
    }

    /// Every strategy is accepted by its name.
    func testStrategies() throws {
        for strategy in RoutingStrategy.allCases {
            XCTAssertEqual(try ConfigFixture.parse("[queues.q]\nstrategy = \"\(strategy.rawValue)\"").queues.first?.strategy, strategy)
        }
    }

    /// [archive]: the country by its code in any case, masking, grading rules.
    func testArchiveKeys() throws {
        let c = try ConfigFixture.parse("""
            [archive]
            country = "hk"
            mask_numbers = false
            [archive.grading]
            weights = { r = 2, m = 0 }
            high_value_min = 90
            potential_any_min = 99.5
            """)
        XCTAssertEqual(c.archive.country.code, "HK")
        XCTAssertFalse(c.archive.maskNumbers)
        XCTAssertEqual(c.archive.grading.weights.r, 2)
        XCTAssertEqual(c.archive.grading.weights.f, 1)
        XCTAssertEqual(c.archive.grading.weights.m, 0)
        XCTAssertEqual(c.archive.grading.highValueMin, 90)
        XCTAssertEqual(c.archive.grading.potentialAnyMin, 99.5)
        XCTAssertEqual(c.archive.grading.riskRecencyBelow, 70)
    }

    /// `load(path:over:)` reads a file; errors name that file.
    func testLoadReadsFileAndNamesItInErrors() throws {
        let dir = try ConfigFixture.temporaryDirectory(for: self)
        let good = dir.appendingPathComponent("good.toml").path
        try "[daemon]\nmax_in_flight = 12\n".write(toFile: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ConfigParser.load(path: good, over: ConfigFixture.base).maxInFlight, 12)

        let bad = dir.appendingPathComponent("bad.toml").path
        try "[daemon]\nmax_in_flight = 0\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigParser.load(path: bad, over: ConfigFixture.base)) { error in
            XCTAssertEqual(error as? ConfigError, ConfigError(file: bad, key: "daemon.max_in_flight", message: "expected a whole number from 1 to 1000000, got 0"))
        }

        let missing = dir.appendingPathComponent("missing.toml").path
        XCTAssertThrowsError(try ConfigParser.load(path: missing, over: ConfigFixture.base)) { error in
            XCTAssertEqual(error as? ConfigError, ConfigError(file: missing, key: "", message: "cannot read the file (does it exist and is it readable?)"))
        }

        let binary = dir.appendingPathComponent("binary.toml").path
        XCTAssertTrue(FileManager.default.createFile(atPath: binary, contents: Data([0x66, 0x6F, 0xFF, 0xFE, 0x0A])))
        XCTAssertThrowsError(try ConfigParser.load(path: binary, over: ConfigFixture.base)) { error in
            XCTAssertEqual(error as? ConfigError, ConfigError(file: binary, key: "", message: "the file is not UTF-8 text"))
        }
    }
}
