import CallCenterDaemon
import XCTest

/// Table tests: each bad configuration and the exact error it gets (file, key, message).
final class ConfigParserErrorTests: XCTestCase {
    static let rootKeys = "daemon, routing, access, queues, complaints, archive, retention"
    static let routingKeys = "default_queue, short_abandon, default_handle_time, aging_per_second, prefer_last_agent, announce_every, priority, numbers, intents, flags, language_fallback"
    static let daemonKeys = "socket, database, socket_mode, synchronous, max_line_bytes, max_output_bytes, max_in_flight, max_connections, hello_timeout, log_level"
    static let queueKeys = "skills, strategy, wrap_up, ring_timeout, max_wait, service_level, on_timeout, max_attempts, manager_wait, overflow, max_wait_no_agent"
    static let levels = #""trace", "debug", "info", "notice", "warning", "error", "critical""#

    static let cases: [(toml: String, key: String, message: String)] = [
        // Unknown keys, at every level.
        ("foo = 1", "foo", "unknown key; expected one of: \(rootKeys)"),
        ("[logging]\nlevel = \"info\"", "logging", "unknown key; expected one of: \(rootKeys)"),
        ("[daemon]\nport = 8080", "daemon.port", "unknown key; expected one of: \(daemonKeys)"),
        ("[routing]\ndefault = \"general\"", "routing.default", "unknown key; expected one of: default_queue, short_abandon, default_handle_time, aging_per_second, prefer_last_agent, announce_every, priority, numbers, intents, flags, language_fallback"),
        ("[access]\noperators = []", "access.operators", "unknown key; expected one of: pbx, agent, supervisor, admin, agent_uids"),
        ("[queues.general]\nringtimeout = 5", "queues.general.ringtimeout", "unknown key; expected one of: \(queueKeys)"),

        // [retention]
        ("[retention]\ncalls = 90", "retention.calls", "unknown key; expected one of: journal_days, calls_days, audit_days"),
        ("[retention]\njournal_days = 0", "retention.journal_days", "expected a whole number from 1 to 36500, got 0"),
        ("[retention]\naudit_days = \"1y\"", "retention.audit_days", "expected a whole number from 1 to 36500, got \"1y\""),
        ("[retention]\ncalls_days = 30", "retention.calls_days",
         "expected at least 31 days, got 30: after a restart the daemon learns from the call log's last 30 days who last served each caller"),

        // Sections of the wrong type.
        ("daemon = \"yes\"", "daemon", "expected a table, got a string"),
        ("queues = []", "queues", "expected a table, got an array"),
        ("[queues]\ngeneral = 5", "queues.general", "expected a table, got a number"),
        ("[queues.general]\nskills = [\"sales\"]", "queues.general.skills", "expected a table, got an array"),
        ("[access]\nagent_uids = [\"alice\"]", "access.agent_uids", "expected a table, got an array"),

        // [daemon]
        ("[daemon]\nsocket = 5", "daemon.socket", "expected a non-empty string, got a number"),
        ("[daemon]\ndatabase = \"\"", "daemon.database", "expected a non-empty string, got an empty string"),
        ("[daemon]\nmax_line_bytes = \"64k\"", "daemon.max_line_bytes", "expected a whole number from 1024 to 16777216, got \"64k\""),
        ("[daemon]\nmax_line_bytes = 1023", "daemon.max_line_bytes", "expected a whole number from 1024 to 16777216, got 1023"),
        ("[daemon]\nmax_line_bytes = 16777217", "daemon.max_line_bytes", "expected a whole number from 1024 to 16777216, got 16777217"),
        ("[daemon]\nmax_line_bytes = 65536.5", "daemon.max_line_bytes", "expected a whole number from 1024 to 16777216, got 65536.5"),
        ("[daemon]\nmax_output_bytes = 4095", "daemon.max_output_bytes", "expected a whole number from 4096 to 1073741824, got 4095"),
        ("[daemon]\nmax_output_bytes = 1073741825", "daemon.max_output_bytes", "expected a whole number from 4096 to 1073741824, got 1073741825"),
        ("[daemon]\nmax_in_flight = 0", "daemon.max_in_flight", "expected a whole number from 1 to 1000000, got 0"),
        ("[daemon]\nmax_in_flight = -1", "daemon.max_in_flight", "expected a whole number from 1 to 1000000, got -1"),
        ("[daemon]\nmax_in_flight = true", "daemon.max_in_flight", "expected a whole number from 1 to 1000000, got true"),
        ("[daemon]\nmax_connections = 0", "daemon.max_connections", "expected a whole number from 1 to 1000000, got 0"),
        ("[daemon]\nhello_timeout = -1", "daemon.hello_timeout", "expected seconds (a number ≥ 0), got -1"),
        ("[daemon]\nhello_timeout = 1e10", "daemon.hello_timeout", "expected seconds from 0 to 86400 (0: no deadline), got 10000000000.0"),
        ("[daemon]\nsocket_mode = \"rw-rw----\"", "daemon.socket_mode", #"expected an octal permission string like "0660", got "rw-rw----""#),
        ("[daemon]\nsocket_mode = \"0999\"", "daemon.socket_mode", #"expected an octal permission string like "0660", got "0999""#),
        ("[daemon]\nsocket_mode = \"+660\"", "daemon.socket_mode", #"expected an octal permission string like "0660", got "+660""#),
        ("[daemon]\nsocket_mode = \"1777\"", "daemon.socket_mode", #"expected an octal permission string like "0660", got "1777""#),
        ("[daemon]\nsocket_mode = 660", "daemon.socket_mode", "expected a non-empty string, got a number"),
        ("[daemon]\nsynchronous = \"off\"", "daemon.synchronous", #"expected "full" or "normal", got "off""#),
        ("[daemon]\nsynchronous = \"FULL\"", "daemon.synchronous", #"expected "full" or "normal", got "FULL""#),
        ("[daemon]\nsynchronous = true", "daemon.synchronous", "expected a non-empty string, got a boolean"),
        ("[daemon]\nlog_level = \"verbose\"", "daemon.log_level", "expected one of \(levels), got \"verbose\""),
        ("[daemon]\nlog_level = \"INFO\"", "daemon.log_level", "expected one of \(levels), got \"INFO\""),

        // [routing]
        ("[routing]\ndefault_queue = \"\"", "routing.default_queue", "expected a non-empty string, got an empty string"),
        ("[routing]\ndefault_queue = [\"general\"]", "routing.default_queue", "expected a non-empty string, got an array"),
        ("[routing]\nshort_abandon = -1", "routing.short_abandon", "expected seconds (a number ≥ 0), got -1"),
        ("[routing]\ndefault_handle_time = \"3m\"", "routing.default_handle_time", "expected seconds (a number ≥ 0), got \"3m\""),
        ("[routing]\naging_per_second = -0.5", "routing.aging_per_second", "expected seconds (a number ≥ 0), got -0.5"),
        ("[routing]\nprefer_last_agent = \"yes\"", "routing.prefer_last_agent", "expected true or false, got \"yes\""),
        ("[routing]\nannounce_every = 0.5", "routing.announce_every", "expected seconds from 1 to 3600 between announcements, or 0 for none, got 0.5"),
        ("[routing.language_fallback]\nyue = 5", "routing.language_fallback.yue",
         "expected the language code its callers fall back to (e.g. \"zh\"), or \"\" for none, got 5"),
        ("[routing.language_fallback]\nyue = \"zh Hans\"", "routing.language_fallback.yue",
         "expected the language code its callers fall back to (e.g. \"zh\"), or \"\" for none, got \"zh Hans\""),
        ("[routing.language_fallback]\n\"粤\" = \"zh\"", "routing.language_fallback.粤",
         "expected a language code (letters, digits, - or _, at most 35), e.g. yue = \"zh\""),
        ("[routing]\nlanguage_fallback = \"zh\"", "routing.language_fallback", "expected a table, got a string"),
        ("[routing]\nprefer_last_agent = 1", "routing.prefer_last_agent", "expected true or false, got 1"),
        ("[routing]\npriority = 5", "routing.priority", "expected a table, got a number"),
        ("[routing.priority]\nhigh_value = 100001", "routing.priority.high_value", "expected a whole number from -100000 to 100000, got 100001"),
        ("[routing.priority]\nunknown = 1.5", "routing.priority.unknown", "expected a whole number from -100000 to 100000, got 1.5"),
        ("[routing.numbers]\n\"4008001234\" = 5", "routing.numbers.4008001234", "expected a non-empty string, got a number"),
        ("[routing.intents]\nbilling = \"\"", "routing.intents.billing", "expected a non-empty string, got an empty string"),
        ("[routing.flags]\nthreat = \"block\"", "routing.flags.threat", #"expected "reject", "alert" or "queue:NAME", got "block""#),
        ("[routing.flags]\nharassment = true", "routing.flags.harassment", "expected a non-empty string, got a boolean"),

        // [archive]
        ("[archive]\ncountry = \"XX\"", "archive.country", #"expected one of "CN", "HK", "MO", "TW", "SG", "MY", "JP", "KR", "US", "CA", "GB", "DE", "FR", "AU", got "XX""#),
        ("[archive]\nmask_numbers = \"yes\"", "archive.mask_numbers", "expected true or false, got a string"),
        ("[archive.grading]\nhigh_value_min = 101", "archive.grading.high_value_min", "expected a number from 0 to 100, got 101"),
        ("[archive.grading]\nweights = { r = 1001 }", "archive.grading.weights.r", "expected a number from 0 to 1000, got 1001"),
        ("[archive.grading]\nweights = { r = 0, f = 0, m = 0, custom = 0 }", "archive.grading.weights", "weights: at least one weight must be more than 0"),

        // [queues.NAME]
        ("[queues.general]\nstrategy = \"fastest\"", "queues.general.strategy", #"expected one of "longest_idle", "fewest_calls", "least_talk", "most_skilled", "round_robin", "random", got "fastest""#),
        ("[queues.general]\nring_timeout = 0", "queues.general.ring_timeout", "expected at least 0.001 seconds, got 0"),
        ("[queues.general]\nring_timeout = 1e-9", "queues.general.ring_timeout", "expected at least 0.001 seconds, got 1e-09"),
        ("[queues.general]\nring_timeout = -3", "queues.general.ring_timeout", "expected seconds (a number ≥ 0), got -3"),
        ("[queues.sales]\nwrap_up = -5", "queues.sales.wrap_up", "expected seconds (a number ≥ 0), got -5"),
        ("[queues.sales]\nwrap_up = \"30s\"", "queues.sales.wrap_up", "expected seconds (a number ≥ 0), got \"30s\""),
        ("[queues.sales]\nmax_wait = -0.5", "queues.sales.max_wait", "expected seconds (a number ≥ 0), got -0.5"),
        ("[queues.sales]\nservice_level = false", "queues.sales.service_level", "expected seconds (a number ≥ 0), got false"),
        ("[queues.general]\nskills = { sales = 11 }", "queues.general.skills.sales", "expected a whole number from 1 to 10, got 11"),
        ("[queues.general]\nskills = { sales = 0 }", "queues.general.skills.sales", "expected a whole number from 1 to 10, got 0"),
        ("[queues.general]\nskills = { sales = 2.5 }", "queues.general.skills.sales", "expected a whole number from 1 to 10, got 2.5"),
        ("[queues.general]\nskills = { sales = \"high\" }", "queues.general.skills.sales", "expected a whole number from 1 to 10, got \"high\""),
        ("[queues.general.skills]\nsales = 12", "queues.general.skills.sales", "expected a whole number from 1 to 10, got 12"),
        // Durations past one day (they would overflow deadlines).
        ("[queues.general]\nring_timeout = nan", "queues.general.ring_timeout", "expected seconds (a number ≥ 0), got nan"),
        ("[queues.general]\nmax_wait = inf", "queues.general.max_wait", "expected seconds (a number ≥ 0), got inf"),
        // Ids as the protocol takes them (queue.upsert could not change a queue the file named otherwise).
        ("[queues.\"a b\"]\nwrap_up = 0", "queues.a b", #"a queue id is 1 to 64 characters without spaces or control characters, as in queue.upsert; got "a b""#),
        ("[queues.\(String(repeating: "q", count: 65))]\nwrap_up = 0", "queues.\(String(repeating: "q", count: 65))",
         #"a queue id is 1 to 64 characters without spaces or control characters, as in queue.upsert; got "\#(String(repeating: "q", count: 65))""#),
        ("[routing]\ndefault_queue = \"a b\"", "routing.default_queue", #"a queue id is 1 to 64 characters without spaces or control characters, as in queue.upsert; got "a b""#),
        ("[queues.general]\nskills = { \"a b\" = 3 }", "queues.general.skills.a b", #"a skill name is 1 to 64 characters without spaces or control characters, as in queue.upsert; got "a b""#),
        ("[queues.general]\noverflow = [{ after = 5, relax_skills = { \"\" = 1 } }]", "queues.general.overflow[0].relax_skills.",
         #"a skill name is 1 to 64 characters without spaces or control characters, as in queue.upsert; got """#),
        ("[routing.intents]\n\"\" = \"general\"", "routing.intents.", "an intent cannot be empty"),
        ("[routing.numbers]\n\"\" = \"general\"", "routing.numbers.", "a dialled number cannot be empty"),
        ("[queues.general]\nring_timeout = 1e300", "queues.general.ring_timeout", "is 1e+300: durations are seconds from 0 to 86400 (one day)"),
        ("[queues.general]\nmax_wait = 86401", "queues.general.max_wait", "is 86401: durations are seconds from 0 to 86400 (one day)"),
        ("[queues.general]\noverflow = [{ after = 1e16, relax_skills = {} }]", "queues.general.overflow[0].after",
         "is 1e+16: durations are seconds from 0 to 86400 (one day)"),
        // Queues named by on_timeout and overflow must be defined in the file.
        ("[queues.sales]\non_timeout = \"queue:nowhere\"", "queues.sales.on_timeout",
         "names queue 'nowhere', which is not defined in [queues]; define it first, or name another queue"),
        ("[queues.sales]\non_timeout = \"queue:sales\"", "queues.sales.on_timeout",
         "names queue 'sales' itself; a timed-out call would only end there: use voicemail, callback or another queue"),
        ("[queues.a]\non_timeout = \"queue:b\"\n[queues.b]\non_timeout = \"queue:a\"\nmax_wait_no_agent = 0", "queues.a.on_timeout",
         "leads back to queue 'a' (a → b → a): a timed-out call would go round forever; end the chain with voicemail or callback"),
        ("[queues.general]\nmax_wait_no_agent = -1", "queues.general.max_wait_no_agent", "expected seconds (a number ≥ 0), got -1"),
        ("[queues.sales]\noverflow = [{ after = 60, add_queue = \"general\" }, { after = 90, add_queue = \"vip\" }]",
         "queues.sales.overflow[1].add_queue", "names queue 'vip', which is not defined in [queues]; define it first, or name another queue"),
        ("[queues.sales]\noverflow = [{ after = 60, add_queue = \"sales\" }]", "queues.sales.overflow[0].add_queue",
         "names queue 'sales' itself, whose agents already take its calls: name another queue, or use relax_skills"),
        ("[routing.numbers]\n\"4008001234\" = \"sales\"", "routing.numbers.4008001234",
         "names queue 'sales', which is not defined in [queues]; define it, or map the number to another queue"),
        ("[routing.intents]\ncomplaint = \"complaints\"", "routing.intents.complaint",
         "names queue 'complaints', which is not defined in [queues]; define it, or map the intent to another queue"),
        ("[routing.flags]\nthreat = \"queue:security\"", "routing.flags.threat",
         "names queue 'security', which is not defined in [queues]; define it, or use \"reject\" or \"alert\""),

        // [access]
        ("[access]\nsupervisor = [\"mallory\"]", "access.supervisor", #"no such user 'mallory'; use a user name, a uid, "@group" or "*""#),
        ("[access]\npbx = [\"asterisk\", \"eve\"]", "access.pbx", #"no such user 'eve'; use a user name, a uid, "@group" or "*""#),
        ("[access]\nadmin = [\"@wheel\"]", "access.admin", #"no such group 'wheel'; use "@group", "@gid", a user name, a uid or "*""#),
        ("[access]\nagent = [\"-1\"]", "access.agent", #"no such user '-1'; use a user name, a uid, "@group" or "*""#),
        ("[access]\npbx = \"asterisk\"", "access.pbx", "expected an array of strings, got a string"),
        ("[access]\npbx = [\"asterisk\", 5]", "access.pbx", "expected an array of strings, found a number"),
        ("[access]\npbx = [\"\"]", "access.pbx", "expected an array of strings, found a string"),
        ("[access.agent_uids]\nmallory = \"a1\"", "access.agent_uids.mallory", "no such user; use a user name or a numeric uid"),
        ("[access.agent_uids]\nalice = 7", "access.agent_uids.alice", "expected a non-empty string, got a number"),
    ]

    /// Every bad configuration is refused with its file, key and message.
    func testBadConfigurationsGetExactErrors() {
        for (toml, key, message) in Self.cases {
            XCTAssertThrowsError(try ConfigFixture.parse(toml), toml) { error in
                XCTAssertEqual(error as? ConfigError, ConfigError(file: "test.toml", key: key, message: message), toml)
            }
        }
    }

    /// The error text reads "file: key: message" (or "file: message" without a key).
    func testErrorDescription() {
        XCTAssertEqual(ConfigError(file: "/etc/cc.toml", key: "daemon.socket", message: "bad").description, "/etc/cc.toml: daemon.socket: bad")
        XCTAssertEqual(ConfigError(file: "/etc/cc.toml", key: "", message: "bad").description, "/etc/cc.toml: bad")
    }

    /// Invalid TOML is refused with the line (and column) of the problem.
    func testInvalidTOMLNamesTheLine() {
        let cases: [(toml: String, line: Int)] = [
            ("[daemon\nsocket = \"/x\"", 1),
            ("[daemon]\nsocket = \n", 2),
            ("[daemon]\nsocket = \"/x\n", 2),
            ("[daemon]\nmax_in_flight = 1\nmax_in_flight = 2\n", 3),
            ("[queues.general]\nwrap_up = 10\n\n[queues.general]\nring_timeout = 5\n", 4),
            ("# comment\n\nsocket_mode = 0660 0770\n", 3),
        ]
        for (toml, line) in cases {
            XCTAssertThrowsError(try ConfigFixture.parse(toml), toml) { error in
                guard let error = error as? ConfigError else { return XCTFail("\(toml): \(error)") }
                XCTAssertEqual(error.file, "test.toml", toml)
                XCTAssertEqual(error.key, "", toml)
                XCTAssertTrue(error.message.hasPrefix("not valid TOML at line \(line), column "), "\(toml): \(error.message)")
            }
        }
    }

    /// Non-finite seconds are refused.
    func testNonFiniteSecondsAreRefused() {
        for toml in ["[routing]\nshort_abandon = inf", "[queues.general]\nwrap_up = nan", "[queues.general]\nring_timeout = +inf"] {
            XCTAssertThrowsError(try ConfigFixture.parse(toml), toml) { error in
                XCTAssertTrue((error as? ConfigError)?.message.hasPrefix("expected seconds (a number ≥ 0)") == true, "\(toml): \(error)")
            }
        }
    }

    /// TOML dates and times are not strings: a string key given one is refused
    /// like any other wrong type.
    func testDatesAreNotStrings() {
        let cases: [(toml: String, key: String)] = [
            ("[daemon]\nsocket = 1979-05-27T07:32:00Z", "daemon.socket"),
            ("[daemon]\nlog_level = 1979-05-27", "daemon.log_level"),
            ("[routing]\ndefault_queue = 07:32:00", "routing.default_queue"),
            ("[access]\npbx = [1979-05-27]", "access.pbx"),
        ]
        for (toml, key) in cases {
            XCTAssertThrowsError(try ConfigFixture.parse(toml), toml) { error in
                let error = error as? ConfigError
                XCTAssertEqual(error?.key, key, toml)
                XCTAssertTrue(error?.message.hasPrefix("expected") == true, "\(toml): \(String(describing: error))")
            }
        }
    }
}
