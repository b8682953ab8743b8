import GRDB

/// The database schema. Migrations have names and are never edited once shipped:
/// add a new one instead. Invariants live in the schema (NOT NULL, CHECK).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: journal, agents, queues, calls") { db in
            // Every accepted state-changing input, in order. `seq` is the journal
            // sequence number pushed events carry.
            try db.execute(sql: """
                CREATE TABLE journal (
                    seq     INTEGER PRIMARY KEY,
                    at      INTEGER NOT NULL,              -- ms since the epoch, UTC
                    op      TEXT    NOT NULL CHECK (op <> ''),
                    actor   TEXT    NOT NULL,              -- role, or role:agent
                    payload TEXT    NOT NULL               -- the request as received (JSON)
                );
                CREATE TABLE agents (
                    agent          TEXT PRIMARY KEY CHECK (agent <> ''),
                    name           TEXT NOT NULL,
                    seat           TEXT NOT NULL CHECK (seat <> ''),
                    skills         TEXT NOT NULL DEFAULT '{}',   -- JSON: skill → level 1-10
                    languages      TEXT NOT NULL DEFAULT '[]',   -- JSON array of codes
                    tiers          TEXT NOT NULL DEFAULT '[]',   -- JSON array: customer tiers served ([] = all)
                    token_hash     TEXT,                          -- SHA-256 hex of the token
                    state          TEXT NOT NULL CHECK (state IN ('logged_out','not_ready','ready','ringing','busy','wrap_up')),
                    reason         TEXT,
                    since          INTEGER NOT NULL,
                    active_seat    TEXT,
                    call           TEXT,
                    idle_since     INTEGER,
                    wrap_up        TEXT,                          -- JSON: the call being wrapped up
                    pending_state  TEXT CHECK (pending_state IN ('not_ready','ready')),
                    pending_reason TEXT,
                    answered_today INTEGER NOT NULL DEFAULT 0,
                    talk_today     REAL    NOT NULL DEFAULT 0,
                    counters_day   INTEGER NOT NULL DEFAULT 0,    -- local day of answered_today, talk_today
                    CHECK ((state IN ('ringing','busy')) = (call IS NOT NULL)),
                    CHECK ((state = 'wrap_up') = (wrap_up IS NOT NULL))
                );
                CREATE TABLE queues (
                    queue         TEXT PRIMARY KEY CHECK (queue <> ''),
                    skills        TEXT NOT NULL DEFAULT '{}',
                    strategy      TEXT NOT NULL,
                    wrap_up       REAL NOT NULL CHECK (wrap_up >= 0),
                    ring_timeout  REAL NOT NULL CHECK (ring_timeout > 0),
                    max_wait      REAL CHECK (max_wait > 0),
                    service_level REAL NOT NULL CHECK (service_level >= 0),
                    on_timeout    TEXT NOT NULL DEFAULT 'voicemail',  -- voicemail | callback | queue:NAME
                    max_attempts  INTEGER NOT NULL DEFAULT 0 CHECK (max_attempts >= 0),
                    manager_wait  REAL NOT NULL DEFAULT 30 CHECK (manager_wait >= 0),
                    overflow      TEXT NOT NULL DEFAULT '[]',    -- JSON: ordered overflow steps
                    last_routed   TEXT,                          -- round-robin position
                    counters      TEXT NOT NULL                  -- JSON: today's figures
                );
                -- The call log: one row per call leg (a transfer starts a new leg).
                -- Rows not yet ended are the live calls a restart reloads.
                CREATE TABLE calls (
                    serial      INTEGER NOT NULL,
                    leg         INTEGER NOT NULL CHECK (leg >= 1),
                    call        TEXT    NOT NULL CHECK (call <> ''),
                    caller      TEXT    NOT NULL,
                    dialed      TEXT    NOT NULL,
                    queue       TEXT    NOT NULL,
                    agent       TEXT,
                    state       TEXT    NOT NULL CHECK (state IN ('queued','ringing','connected','ended')),
                    ticket      INTEGER NOT NULL,
                    priority    INTEGER NOT NULL DEFAULT 0,
                    attempts    INTEGER NOT NULL DEFAULT 0,
                    attributes  TEXT,                            -- JSON object, or NULL
                    caller_info TEXT,                            -- JSON: the archive summary at offer time, or NULL
                    language    TEXT,
                    account_manager TEXT,
                    hold_until  INTEGER,                         -- waiting for the account manager until
                    overflow_stage INTEGER NOT NULL DEFAULT 0,
                    overflow    TEXT,                            -- JSON: relaxed skills and added queues, or NULL
                    route_reason TEXT,                           -- why the call went to its agent
                    offered_at  INTEGER NOT NULL,
                    queued_at   INTEGER NOT NULL,
                    ringing_at  INTEGER,
                    answered_at INTEGER,
                    ended_at    INTEGER,
                    wait        REAL,                            -- seconds: queue entry → answer (or end)
                    talk        REAL,                            -- seconds: answer → end
                    wrap_up     REAL,                            -- seconds of after-call work
                    outcome     TEXT CHECK (outcome IN ('completed','abandoned','transferred','timed_out','rejected')),
                    hangup_by   TEXT CHECK (hangup_by IN ('caller','agent','system')),
                    cause       TEXT,
                    PRIMARY KEY (serial, leg),
                    CHECK ((state = 'ended') = (outcome IS NOT NULL)),
                    CHECK ((state = 'ended') = (ended_at IS NOT NULL))
                );
                CREATE INDEX calls_live ON calls(ticket) WHERE state <> 'ended';
                CREATE INDEX calls_by_call ON calls(call, serial);
                CREATE INDEX calls_by_offered ON calls(offered_at);
                CREATE TABLE meta (
                    key   TEXT PRIMARY KEY,
                    value INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: customer archive", migrate: ArchiveSchema.v2)
        ComplaintProjection.register(in: &migrator)  // "v3: complaints"
        migrator.registerMigration("v4: open complaints by customer", migrate: ArchiveSchema.v4)
        migrator.registerMigration("v5: CHECK lists as comparisons", migrate: v5)
        migrator.registerMigration("v6: number flags can be cleared", migrate: ArchiveSchema.v6)
        migrator.registerMigration("v7: agents' handle and available time today") { db in
            try db.execute(sql: """
                ALTER TABLE agents ADD COLUMN handle_today REAL NOT NULL DEFAULT 0;     -- busy + wrap_up seconds, local day counters_day
                ALTER TABLE agents ADD COLUMN available_today REAL NOT NULL DEFAULT 0;  -- ready + ringing seconds
                """)
        }
        migrator.registerMigration("v8: queues' maximum wait without agents") { db in
            try db.execute(sql: """
                ALTER TABLE queues ADD COLUMN max_wait_no_agent REAL
                    CHECK (max_wait_no_agent IS NULL OR max_wait_no_agent BETWEEN 0 AND 86400);  -- NULL: calls wait for agents
                """)
        }
        migrator.registerMigration("v9: removed agents' ids") { db in
            // An id removed with agent.remove is not given out again: history,
            // complaints, audit entries and customers' account_manager still name it.
            // Agents removed before this table existed are found in the journal.
            try db.execute(sql: """
                CREATE TABLE removed_agents (
                    agent TEXT PRIMARY KEY NOT NULL CHECK (agent <> ''),
                    removed_at INTEGER NOT NULL                                   -- ms since 1970
                ) WITHOUT ROWID;
                INSERT OR IGNORE INTO removed_agents (agent, removed_at)
                    SELECT json_extract(payload, '$.agent'), max(at) FROM journal
                    WHERE op = 'agent.remove' AND json_valid(payload) AND json_extract(payload, '$.agent') <> ''
                      AND json_extract(payload, '$.agent') NOT IN (SELECT agent FROM agents)
                    GROUP BY 1;
                """)
        }
        migrator.registerMigration("v10: time on hold") { db in
            try db.execute(sql: """
                ALTER TABLE calls ADD COLUMN hold REAL NOT NULL DEFAULT 0 CHECK (hold >= 0);  -- seconds on hold in ended holds of the leg
                ALTER TABLE calls ADD COLUMN on_hold_since INTEGER
                    CHECK (on_hold_since IS NULL OR state = 'connected');               -- the hold in progress (ms)
                """)
        }
        migrator.registerMigration("v11: since when a queue has had nobody working") { db in
            // Kept for the queues max_wait_no_agent watches, so a restart goes on
            // counting from the moment the last agent stopped working.
            try db.execute(sql: "ALTER TABLE queues ADD COLUMN unstaffed_since INTEGER")  // ms since 1970, or NULL
        }
        migrator.registerMigration("v12: the agent a call last rang on unanswered") { db in
            // So an answer that races the ring timeout is taken after a restart too.
            try db.execute(sql: "ALTER TABLE calls ADD COLUMN last_rang TEXT")
        }
        return migrator
    }
}
