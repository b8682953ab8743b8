import GRDB

/// Migration "v2: customer archive": the customer archive (客户档案), its phone
/// numbers, cooperation records, interaction history, number flags and the audit
/// log of record reads; and the registration columns of the call log.
enum ArchiveSchema {
    static let categories = "'inquiry','service','sales','complaint','wrong_number','silent','inaudible','unrelated','threat','harassment'"

    static func v2(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per customer. Dates are YYYY-MM-DD; amount is in 万元 (10,000 CNY).
            CREATE TABLE customers (
                id               TEXT PRIMARY KEY CHECK (id <> '' AND length(id) <= 64),
                name             TEXT NOT NULL CHECK (name <> ''),
                company          TEXT,
                industry         TEXT,
                size             TEXT,
                contact          TEXT,
                address          TEXT,
                birthday         TEXT CHECK (birthday IS date(birthday)),
                language         TEXT,
                needs            TEXT,
                decision_chain   TEXT,
                last_feedback    TEXT,
                last_cooperation TEXT CHECK (last_cooperation IS date(last_cooperation)),
                amount           REAL CHECK (amount >= 0),
                tags             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
                notes            TEXT,
                account_manager  TEXT CHECK (account_manager <> ''),
                r_score          REAL CHECK (r_score BETWEEN 0 AND 100),
                f_score          REAL CHECK (f_score BETWEEN 0 AND 100),
                m_score          REAL CHECK (m_score BETWEEN 0 AND 100),
                custom_score     REAL CHECK (custom_score BETWEEN 0 AND 100),
                tier             TEXT CHECK (tier IN ('high_value','potential','stable','risk')),
                tier_manual      INTEGER NOT NULL DEFAULT 0 CHECK (tier_manual IN (0, 1)),
                created_at       INTEGER NOT NULL,             -- ms since the epoch
                updated_at       INTEGER NOT NULL,
                CHECK (tier_manual = 0 OR tier IS NOT NULL),
                CHECK (updated_at >= created_at)
            );
            CREATE INDEX customers_by_manager ON customers(account_manager) WHERE account_manager IS NOT NULL;

            -- Phone numbers in E.164: a number belongs to at most one customer.
            CREATE TABLE customer_phones (
                number   TEXT PRIMARY KEY CHECK (number GLOB '+[1-9]*' AND length(number) BETWEEN 9 AND 16
                                                 AND substr(number, 2) NOT GLOB '*[^0-9]*'),
                customer TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                position INTEGER NOT NULL CHECK (position >= 0)
            ) WITHOUT ROWID;
            CREATE INDEX customer_phones_by_customer ON customer_phones(customer, position);

            -- Cooperation (purchase) records: what the customer bought, when, for how much (万元).
            CREATE TABLE cooperations (
                id          INTEGER PRIMARY KEY,
                customer    TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                on_date     TEXT NOT NULL CHECK (on_date IS date(on_date)),
                amount      REAL NOT NULL CHECK (amount >= 0),
                item        TEXT,
                recorded_at INTEGER NOT NULL,
                recorded_by TEXT NOT NULL
            );
            CREATE INDEX cooperations_by_customer ON cooperations(customer, on_date);

            -- The interaction history: every call from a known number (at offer time)
            -- and every registered call, with its category and summary.
            CREATE TABLE interactions (
                id            INTEGER PRIMARY KEY,
                customer      TEXT REFERENCES customers(id) ON DELETE SET NULL,   -- NULL: unknown caller
                kind          TEXT NOT NULL DEFAULT 'call' CHECK (kind IN ('call','complaint','service','note')),
                call          TEXT,
                serial        INTEGER,
                number        TEXT NOT NULL,                 -- E.164, or as the PBX sent it
                at            INTEGER NOT NULL,
                category      TEXT CHECK (category IN (\(categories))),
                summary       TEXT,
                agent         TEXT,
                registered_by TEXT,
                registered_at INTEGER,
                CHECK (kind <> 'call' OR (call IS NOT NULL AND serial IS NOT NULL)),
                CHECK ((category IS NULL) = (registered_at IS NULL)),
                CHECK ((category IS NULL) = (registered_by IS NULL))
            );
            CREATE UNIQUE INDEX interactions_by_serial ON interactions(serial) WHERE serial IS NOT NULL;
            CREATE INDEX interactions_by_customer ON interactions(customer, at) WHERE customer IS NOT NULL;

            -- Marks on a number (threat, harassment): who, when, why.
            CREATE TABLE number_flags (
                id         INTEGER PRIMARY KEY,
                number     TEXT NOT NULL CHECK (number <> ''),
                flag       TEXT NOT NULL CHECK (flag IN ('threat','harassment')),
                flagged_by TEXT NOT NULL CHECK (flagged_by <> ''),
                flagged_at INTEGER NOT NULL,
                reason     TEXT NOT NULL,
                call       TEXT
            );
            CREATE INDEX number_flags_by_number ON number_flags(number);

            -- Who read which customer record, when, through which call.
            CREATE TABLE audit_log (
                id       INTEGER PRIMARY KEY,
                at       INTEGER NOT NULL,
                role     TEXT NOT NULL CHECK (role IN ('agent','supervisor','admin')),
                agent    TEXT,
                customer TEXT NOT NULL CHECK (customer <> ''),  -- '*' for an export
                call     TEXT,
                action   TEXT NOT NULL CHECK (action IN ('profile','export')),
                detail   TEXT,
                CHECK ((role = 'agent') = (agent IS NOT NULL))
            );
            CREATE INDEX audit_by_customer ON audit_log(customer, at);
            CREATE INDEX audit_by_agent ON audit_log(agent, at) WHERE agent IS NOT NULL;
            CREATE INDEX audit_by_at ON audit_log(at);

            -- The call log keeps the registration of each call.
            ALTER TABLE calls ADD COLUMN category TEXT CHECK (category IN (\(categories)));
            ALTER TABLE calls ADD COLUMN summary TEXT;
            ALTER TABLE calls ADD COLUMN registered_by TEXT;
            ALTER TABLE calls ADD COLUMN registered_at INTEGER;
            """)
    }
}

extension ArchiveSchema {
    /// Migration "v6: number flags can be cleared": a flag is cleared, not
    /// deleted: who cleared it, when and why stay beside who set it. Only flags
    /// not cleared mark a number.
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE number_flags ADD COLUMN cleared_at INTEGER;
            ALTER TABLE number_flags ADD COLUMN cleared_by TEXT CHECK (cleared_by IS NULL OR cleared_by <> '');
            ALTER TABLE number_flags ADD COLUMN cleared_reason TEXT;
            """)
    }

    /// Migration "v4: open complaints by customer": the screen pop counts a
    /// customer's open complaints (from "v3: complaints") with every offer.
    static func v4(_ db: Database) throws {
        guard try db.tableExists("complaints") else { return }
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS complaints_open_by_customer ON complaints(customer) WHERE closed_at IS NULL")
    }
}
