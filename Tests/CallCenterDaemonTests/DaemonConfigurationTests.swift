import CallCenterCore
import CallCenterDaemon
import CallCenterStore
import CallCenterWire
import Logging
import XCTest

/// Where the running configuration comes from (defaults, file, flags), what a
/// reload may change, and who may take which role.
final class DaemonConfigurationTests: XCTestCase {
    static let environment = ["RUNTIME_DIRECTORY": "/run/cc-test", "STATE_DIRECTORY": "/var/lib/cc-test", "HOME": "/nonexistent"]

    /// Without a file or flags: the embedded defaults, paths from the environment.
    func testDefaultsWithoutFileOrFlags() throws {
        let c = try DaemonService.configuration(.init(), environment: Self.environment)
        XCTAssertEqual(c, DaemonConfig(defaults: DefaultPaths(socket: "/run/cc-test/callcenterd.sock", database: "/var/lib/cc-test/callcenterd.sqlite")))
        XCTAssertEqual(c.queues, [QueueConfig(id: "general")])
    }

    /// The file overrides the defaults; --socket and --database override the file;
    /// everything else the file sets stays.
    func testFlagsOverrideFileOverridesDefaults() throws {
        let dir = try ConfigFixture.temporaryDirectory(for: self)
        let file = dir.appendingPathComponent("cc.toml").path
        try """
            [daemon]
            socket = "/file/cc.sock"
            database = "/file/cc.sqlite"
            max_in_flight = 33
            [queues.sales]
            """.write(toFile: file, atomically: true, encoding: .utf8)

        let fromFile = try DaemonService.configuration(.init(configFile: file), environment: Self.environment)
        XCTAssertEqual(fromFile.socket, "/file/cc.sock")
        XCTAssertEqual(fromFile.database, "/file/cc.sqlite")
        XCTAssertEqual(fromFile.maxInFlight, 33)
        XCTAssertEqual(fromFile.queues.map(\.id), ["sales", "general"])

        let flagged = try DaemonService.configuration(.init(configFile: file, socket: "/flag/cc.sock", database: "/flag/cc.sqlite"), environment: Self.environment)
        XCTAssertEqual(flagged.socket, "/flag/cc.sock")
        XCTAssertEqual(flagged.database, "/flag/cc.sqlite")
        XCTAssertEqual(flagged.maxInFlight, 33)
        XCTAssertEqual(flagged.queues, fromFile.queues)

        let oneFlag = try DaemonService.configuration(.init(configFile: file, database: "/flag/cc.sqlite"), environment: Self.environment)
        XCTAssertEqual(oneFlag.socket, "/file/cc.sock")
        XCTAssertEqual(oneFlag.database, "/flag/cc.sqlite")

        let flagsOnly = try DaemonService.configuration(.init(socket: "/flag/cc.sock"), environment: Self.environment)
        XCTAssertEqual(flagsOnly.socket, "/flag/cc.sock")
        XCTAssertEqual(flagsOnly.database, "/var/lib/cc-test/callcenterd.sqlite")
    }

    /// A file that cannot be read or parsed is an error naming it, whatever the flags.
    func testBadFileIsAnErrorEvenWithFlags() throws {
        let dir = try ConfigFixture.temporaryDirectory(for: self)
        let missing = dir.appendingPathComponent("missing.toml").path
        XCTAssertThrowsError(try DaemonService.configuration(.init(configFile: missing, socket: "/s", database: "/d"), environment: Self.environment)) { error in
            XCTAssertEqual((error as? ConfigError)?.file, missing)
        }
        let bad = dir.appendingPathComponent("bad.toml").path
        try "[daemon]\nsocket = \"\"\n".write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DaemonService.configuration(.init(configFile: bad, socket: "/s"), environment: Self.environment)) { error in
            XCTAssertEqual(error as? ConfigError, ConfigError(file: bad, key: "daemon.socket", message: "expected a non-empty string, got an empty string"))
        }
    }

    /// A reload takes log level, output and in-flight limits, access, queues,
    /// short abandon, default handle time, the routing policy and complaint
    /// SLAs; it keeps the socket, database, socket mode, synchronous, line
    /// limit, default queue and [archive] of the running one.
    func testReloadableSettings() {
        let running = ConfigFixture.base
        var next = DaemonConfig(defaults: DefaultPaths(socket: "/new/cc.sock", database: "/new/cc.sqlite"))
        next.socketMode = 0o600
        next.synchronous = .normal
        next.maxLineBytes = 2048
        next.maxOutputBytes = 8192
        next.maxInFlight = 9
        next.logLevel = .trace
        next.core.defaultQueue = "support"
        next.core.shortAbandon = 1
        next.core.defaultHandleTime = 60
        next.core.utcOffsetSeconds = 3600
        next.queues = [QueueConfig(id: "support", wrapUp: 3)]
        next.createdIfMissing = nil  // [queues.support] in the file
        next.access.grants[.supervisor] = [.init(.uid(1001))]
        next.access.agentsByUID = [1001: "a1"]
        next.core.routing.agingPerSecond = 0
        next.core.routing.flags = ["threat": .reject]
        next.core.complaintSLA.highValue = 60
        next.archive.maskNumbers = false
        next.retention = RetentionPolicy(journalDays: 90, callsDays: 365)

        let reloaded = running.reloadable(from: next)
        XCTAssertEqual(reloaded.socket, running.socket)
        XCTAssertEqual(reloaded.database, running.database)
        XCTAssertEqual(reloaded.socketMode, running.socketMode)
        XCTAssertEqual(reloaded.synchronous, running.synchronous)
        XCTAssertEqual(reloaded.maxLineBytes, running.maxLineBytes)
        XCTAssertEqual(reloaded.core.defaultQueue, running.core.defaultQueue)
        XCTAssertEqual(reloaded.core.utcOffsetSeconds, running.core.utcOffsetSeconds)
        XCTAssertEqual(reloaded.archive, running.archive)
        XCTAssertEqual(reloaded.logLevel, running.logLevel, "the log level is set once at start")

        XCTAssertEqual(reloaded.maxOutputBytes, 8192)
        XCTAssertEqual(reloaded.maxInFlight, 9)
        XCTAssertEqual(reloaded.core.shortAbandon, 1)
        XCTAssertEqual(reloaded.core.defaultHandleTime, 60)
        XCTAssertEqual(reloaded.queues, next.queues)
        XCTAssertEqual(reloaded.access, next.access)
        XCTAssertEqual(reloaded.core.routing, next.core.routing)
        XCTAssertEqual(reloaded.core.complaintSLA, next.core.complaintSLA)
        XCTAssertEqual(reloaded.retention, next.retention)
    }

    // MARK: - AccessPolicy

    /// root and the daemon's own user may take every role, even with no grants.
    func testRootAndDaemonUserAlwaysAllowed() {
        var policy = AccessPolicy()
        policy.grants = [:]
        for role in Role.allCases {
            XCTAssertTrue(policy.allows(role, uid: 0, gids: [], daemonUID: 995), "root as \(role)")
            XCTAssertTrue(policy.allows(role, uid: 995, gids: [], daemonUID: 995), "daemon user as \(role)")
            XCTAssertFalse(policy.allows(role, uid: 1001, gids: [0], daemonUID: 995), "uid 1001 as \(role)")
        }
    }

    /// By default anyone may be an agent, and nobody else may take another role.
    func testDefaultPolicy() {
        let policy = AccessPolicy()
        XCTAssertTrue(policy.allows(.agent, uid: 1234, gids: [1234], daemonUID: 995))
        for role in [Role.pbx, .supervisor, .admin] {
            XCTAssertFalse(policy.allows(role, uid: 1234, gids: [1234], daemonUID: 995), "\(role)")
        }
    }

    /// "*" allows anyone; a uid allows that user only; a gid allows the members
    /// of that group (any of the peer's groups).
    func testGrantsByAnyoneUidAndGroup() throws {
        let policy = try ConfigFixture.parse("""
            [access]
            pbx = ["asterisk"]
            supervisor = ["@supervisors", "bob"]
            admin = ["*"]
            agent = []
            """).access
        XCTAssertTrue(policy.allows(.pbx, uid: 120, gids: [120], daemonUID: 995))
        XCTAssertFalse(policy.allows(.pbx, uid: 121, gids: [120, 2000], daemonUID: 995))

        XCTAssertTrue(policy.allows(.supervisor, uid: 1001, gids: [1001, 2001], daemonUID: 995), "member of supervisors by a supplementary group")
        XCTAssertTrue(policy.allows(.supervisor, uid: 1002, gids: [1002], daemonUID: 995), "bob by uid")
        XCTAssertFalse(policy.allows(.supervisor, uid: 1001, gids: [1001, 2000], daemonUID: 995))
        XCTAssertFalse(policy.allows(.supervisor, uid: 2001, gids: [], daemonUID: 995), "a uid equal to the gid is not the group")

        XCTAssertTrue(policy.allows(.admin, uid: 4321, gids: [], daemonUID: 995))
        XCTAssertFalse(policy.allows(.agent, uid: 1001, gids: [1001], daemonUID: 995), "agent = [] closes the role")
        XCTAssertTrue(policy.allows(.agent, uid: 0, gids: [], daemonUID: 995))
    }
}
