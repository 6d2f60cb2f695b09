// The schema, as numbered append-only migrations. Never edit a released entry: add a new one.
import type { Migration } from "./migrate.ts";

/** Migration 16: a trigger marking dirty the days (and the days either side) of the views, and
 * the days of the events, of a visitor whose exclusion is added or removed. */
const exclusionTrigger = (name: string, event: "INSERT" | "DELETE", row: "NEW" | "OLD") =>
  `CREATE TRIGGER ${name} AFTER ${event} ON excluded_visitors BEGIN
        INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
          SELECT site_id, date(created_at, d.shift) FROM visitor_views
            CROSS JOIN (SELECT '-1 day' AS shift UNION ALL SELECT '+0 days'
              UNION ALL SELECT '+1 day') d
          WHERE visitor_id = ${row}.visitor_id
          UNION SELECT site_id, substr(created_at, 1, 10) FROM semantic_events
          WHERE visitor_id = ${row}.visitor_id;
      END;`;

/** Migration 18: what a trigger marks dirty for a row at `created` of `site`: its UTC date and
 * `reach` days either side (1: where its sessions may start), one day further each side for a
 * site outside UTC (its aggregates are kept in local days: lib/db/aggregates.ts; a local day lies
 * within a day of the UTC date). `from`/`where`: the rows marked (none: the trigger's own). */
const markDays = (site: string, created: string, reach: 0 | 1, from = "", where = "") =>
  `INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
          SELECT ${site}, date(${created}, n.shift || ' days')${from ? ` FROM ${from}` : ""}
            ${from ? "CROSS JOIN" : "FROM"} (SELECT -2 AS shift UNION ALL SELECT -1
              UNION ALL SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2) n
          WHERE ${where ? `${where} AND ` : ""}(abs(n.shift) <= ${reach} OR (abs(n.shift) <= ${
    reach + 1
  } AND EXISTS (SELECT 1 FROM site_settings z WHERE z.site_id = ${site}
              AND z.time_zone IS NOT NULL AND z.time_zone <> 'UTC')));`;

/** Migration 18: the head of an INSERT of day_aggregates rows (its backfills). */
const INTO_DAY_AGGREGATES = `INSERT INTO day_aggregates (site_id, dim, day, bot, value, late,
        pageviews, visitors, visits, bounces, session_views, duration_ms)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "instance_settings",
    sql: `
      CREATE TABLE instance_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
    `,
  },
  {
    version: 2,
    name: "collection_schema",
    sql: `
      CREATE TABLE sites (
        site_id TEXT PRIMARY KEY,
        name TEXT,
        source TEXT NOT NULL DEFAULT 'auto' CHECK (source IN ('auto', 'admin')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );

      CREATE TABLE site_settings (
        site_id TEXT PRIMARY KEY,
        consent_css TEXT,
        send_form_values INTEGER NOT NULL DEFAULT 0,
        query_allowlist TEXT,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );

      CREATE TABLE visitor_views (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        visitor_id TEXT NOT NULL,
        session_id TEXT,
        site_id TEXT NOT NULL,
        path TEXT NOT NULL,
        interaction_ms INTEGER,
        is_spa INTEGER NOT NULL DEFAULT 0,
        screen_width INTEGER,
        screen_height INTEGER,
        device_type TEXT,
        os_name TEXT,
        os_version TEXT,
        browser_name TEXT,
        browser_version TEXT,
        country_code TEXT,
        is_returning INTEGER NOT NULL DEFAULT 0,
        is_pwa INTEGER NOT NULL DEFAULT 0,
        referrer TEXT,
        referrer_domain TEXT,
        referrer_type TEXT,
        utm_source TEXT,
        utm_medium TEXT,
        utm_campaign TEXT,
        utm_content TEXT,
        utm_term TEXT,
        pow_verdict TEXT,
        pow_solve_ms INTEGER,
        bot_score INTEGER NOT NULL DEFAULT 0,
        bot_score_detail TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE INDEX idx_vv_site_created ON visitor_views (site_id, created_at);
      CREATE INDEX idx_vv_visitor ON visitor_views (visitor_id, site_id);
      CREATE INDEX idx_vv_session ON visitor_views (session_id) WHERE session_id IS NOT NULL;
      CREATE INDEX idx_vv_created_bot ON visitor_views (created_at, bot_score);
      CREATE INDEX idx_vv_bot_score ON visitor_views (bot_score, visitor_id) WHERE bot_score >= 25;
      CREATE INDEX idx_vv_utm ON visitor_views (utm_campaign, site_id, created_at)
        WHERE utm_campaign IS NOT NULL;

      CREATE TABLE semantic_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_type TEXT NOT NULL,
        event_name TEXT,
        site_id TEXT NOT NULL,
        session_id TEXT,
        visitor_id TEXT,
        path TEXT,
        data TEXT,
        engaged_ms INTEGER,
        scroll_pct INTEGER,
        experiment_id TEXT,
        variant_id TEXT,
        utm_campaign TEXT,
        device_type TEXT,
        referrer TEXT,
        hour INTEGER,
        month INTEGER,
        day_of_week INTEGER,
        is_returning INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL DEFAULT 'beacon' CHECK (source IN ('beacon', 'ingest')),
        bot_score INTEGER NOT NULL DEFAULT 0,
        bot_score_detail TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE INDEX idx_se_site_created ON semantic_events (site_id, created_at);
      CREATE INDEX idx_se_site_type_created ON semantic_events (site_id, event_type, created_at);
      CREATE INDEX idx_se_visitor ON semantic_events (visitor_id, site_id);
      CREATE INDEX idx_se_session ON semantic_events (session_id) WHERE session_id IS NOT NULL;
      CREATE INDEX idx_se_created_bot ON semantic_events (created_at, bot_score);
      CREATE INDEX idx_se_experiment ON semantic_events (experiment_id, variant_id)
        WHERE experiment_id IS NOT NULL;
      CREATE INDEX idx_se_utm ON semantic_events (utm_campaign, site_id)
        WHERE utm_campaign IS NOT NULL;

      CREATE TABLE bot_traffic (
        date TEXT NOT NULL,
        site_id TEXT NOT NULL,
        bot_name TEXT NOT NULL,
        path TEXT NOT NULL,
        hits INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (date, site_id, bot_name, path)
      ) WITHOUT ROWID;
      CREATE INDEX idx_bt_site_date ON bot_traffic (site_id, date);

      CREATE TABLE drop_counts (
        date TEXT NOT NULL,
        site_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        reason TEXT NOT NULL,
        hits INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (date, site_id, endpoint, reason)
      ) WITHOUT ROWID;

      CREATE TABLE ingest_dedup (
        event_id TEXT PRIMARY KEY,
        received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      ) WITHOUT ROWID;
      CREATE INDEX idx_dedup_received ON ingest_dedup (received_at);

      CREATE TABLE excluded_visitors (
        visitor_id TEXT PRIMARY KEY,
        label TEXT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );

      CREATE TABLE utm_campaigns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        utm_campaign TEXT NOT NULL,
        site_id TEXT NOT NULL DEFAULT 'default',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (utm_campaign, site_id)
      );

      CREATE TABLE experiments (
        experiment_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL DEFAULT 'default',
        name TEXT NOT NULL,
        description TEXT,
        status TEXT NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'active', 'paused', 'completed', 'archived')),
        metric_event_type TEXT NOT NULL,
        allocation_percent INTEGER NOT NULL DEFAULT 100
          CHECK (allocation_percent BETWEEN 1 AND 100),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        started_at TEXT,
        ended_at TEXT
      );

      CREATE TABLE experiment_variants (
        experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
        variant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        weight INTEGER NOT NULL CHECK (weight > 0),
        is_control INTEGER NOT NULL DEFAULT 0,
        config TEXT,
        PRIMARY KEY (experiment_id, variant_id)
      );

      CREATE TABLE perf_metrics (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        commit_hash TEXT,
        branch TEXT,
        category TEXT NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT NOT NULL,
        metadata TEXT
      );
      CREATE INDEX idx_perf_time ON perf_metrics (recorded_at);
      CREATE INDEX idx_perf_metric ON perf_metrics (category, metric, recorded_at);

      CREATE TABLE maintenance_log (
        date TEXT PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'started',
        rollup_rows INTEGER,
        purge_views INTEGER,
        purge_events INTEGER,
        started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        completed_at TEXT
      );
    `,
  },
  {
    version: 3,
    name: "admin_sessions",
    sql: `
      -- token_hash: hex SHA-256 of the cookie's token (the token itself is never stored).
      -- credential_tag: a digest of the password hash the session was opened with, so changing
      -- the password ends every session. Times are epoch milliseconds.
      CREATE TABLE admin_sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        credential_tag TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        user_agent TEXT,
        ip TEXT
      ) WITHOUT ROWID;
      CREATE INDEX idx_admin_sessions_expires ON admin_sessions (expires_at);
      CREATE INDEX idx_admin_sessions_last_seen ON admin_sessions (last_seen_at);
    `,
  },
  {
    // Rollups (docs/architecture.md, decision 7): per-day aggregates per site in one key/value
    // table, per-day totals, per-hour figures for the live charts, week and month sums of final
    // days (so a 30- or 365-day top list reads a handful of blocks, not every day), the build
    // watermark of each day, and the exclusions already applied (a change rebuilds the days
    // concerned).
    version: 4,
    name: "rollups",
    sql: `
      CREATE TABLE rollup_daily (
        site_id TEXT NOT NULL,
        dimension TEXT NOT NULL,
        date TEXT NOT NULL,
        value TEXT NOT NULL,
        views INTEGER NOT NULL DEFAULT 0,
        visitors INTEGER NOT NULL DEFAULT 0,
        sessions INTEGER NOT NULL DEFAULT 0,
        bounces INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (site_id, dimension, date, value)
      ) WITHOUT ROWID;
      CREATE INDEX idx_rollup_daily_date ON rollup_daily (date);

      CREATE TABLE rollup_daily_totals (
        site_id TEXT NOT NULL,
        date TEXT NOT NULL,
        views INTEGER NOT NULL DEFAULT 0,
        visitors INTEGER NOT NULL DEFAULT 0,
        sessions INTEGER NOT NULL DEFAULT 0,
        bounces INTEGER NOT NULL DEFAULT 0,
        session_views INTEGER NOT NULL DEFAULT 0,
        session_ms INTEGER NOT NULL DEFAULT 0,
        interaction_ms INTEGER NOT NULL DEFAULT 0,
        interaction_n INTEGER NOT NULL DEFAULT 0,
        events INTEGER NOT NULL DEFAULT 0,
        engaged_ms INTEGER NOT NULL DEFAULT 0,
        engaged_n INTEGER NOT NULL DEFAULT 0,
        scroll_pct INTEGER NOT NULL DEFAULT 0,
        scroll_n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (site_id, date)
      ) WITHOUT ROWID;
      CREATE INDEX idx_rollup_totals_date ON rollup_daily_totals (date);

      CREATE TABLE rollup_hourly (
        site_id TEXT NOT NULL,
        hour TEXT NOT NULL,
        views INTEGER NOT NULL DEFAULT 0,
        visitors INTEGER NOT NULL DEFAULT 0,
        events INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (site_id, hour)
      ) WITHOUT ROWID;
      CREATE INDEX idx_rollup_hourly_hour ON rollup_hourly (hour);

      CREATE TABLE rollup_state (
        date TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        through_view_id INTEGER NOT NULL,
        through_event_id INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        build_ms INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE rollup_blocks (
        site_id TEXT NOT NULL,
        dimension TEXT NOT NULL,
        block TEXT NOT NULL,
        value TEXT NOT NULL,
        views INTEGER NOT NULL DEFAULT 0,
        visitors INTEGER NOT NULL DEFAULT 0,
        sessions INTEGER NOT NULL DEFAULT 0,
        bounces INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (site_id, dimension, block, value)
      ) WITHOUT ROWID;
      CREATE INDEX idx_rollup_blocks_block ON rollup_blocks (block);

      CREATE TABLE rollup_block_state (
        block TEXT PRIMARY KEY,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        built_at TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE rollup_dirty (
        date TEXT PRIMARY KEY
      ) WITHOUT ROWID;

      CREATE TABLE rollup_exclusions_seen (
        visitor_id TEXT PRIMARY KEY
      ) WITHOUT ROWID;

      ALTER TABLE maintenance_log ADD COLUMN purge_bot_traffic INTEGER;
      ALTER TABLE maintenance_log ADD COLUMN purge_rollups INTEGER;
      ALTER TABLE maintenance_log ADD COLUMN error TEXT;
    `,
  },
  {
    // Scoped API keys (lib/auth/api_keys.ts): only the SHA-256 of a key is stored, with a short
    // prefix to recognise it by. `read` keys may only read the API and /mcp; `write` keys may
    // also change data; neither can manage keys. Times are epoch milliseconds.
    version: 5,
    name: "api_keys",
    sql: `
      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
    `,
  },
  {
    // Rollups, second step: a page's row carries the sessions entering there (`sessions`,
    // `bounces`, as before on separate "entry" rows) and leaving from it (`exits`, before on
    // "exit" rows), so one read answers the three page lists; the old rows are folded in. Each
    // day's and block's build gets a version, which in-memory caches of settled days key on.
    version: 6,
    name: "rollup_pages_versions",
    sql: `
      ALTER TABLE rollup_daily ADD COLUMN exits INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_blocks ADD COLUMN exits INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_state ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE rollup_block_state ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

      INSERT INTO rollup_daily (site_id, dimension, date, value, sessions, bounces)
        SELECT site_id, 'path', date, value, sessions, bounces FROM rollup_daily
        WHERE dimension = 'entry'
        ON CONFLICT (site_id, dimension, date, value) DO UPDATE
          SET sessions = excluded.sessions, bounces = excluded.bounces;
      INSERT INTO rollup_daily (site_id, dimension, date, value, exits)
        SELECT site_id, 'path', date, value, sessions FROM rollup_daily WHERE dimension = 'exit'
        ON CONFLICT (site_id, dimension, date, value) DO UPDATE SET exits = excluded.exits;
      DELETE FROM rollup_daily WHERE dimension IN ('entry', 'exit');

      INSERT INTO rollup_blocks (site_id, dimension, block, value, sessions, bounces)
        SELECT site_id, 'path', block, value, sessions, bounces FROM rollup_blocks
        WHERE dimension = 'entry'
        ON CONFLICT (site_id, dimension, block, value) DO UPDATE
          SET sessions = excluded.sessions, bounces = excluded.bounces;
      INSERT INTO rollup_blocks (site_id, dimension, block, value, exits)
        SELECT site_id, 'path', block, value, sessions FROM rollup_blocks WHERE dimension = 'exit'
        ON CONFLICT (site_id, dimension, block, value) DO UPDATE SET exits = excluded.exits;
      DELETE FROM rollup_blocks WHERE dimension IN ('entry', 'exit');
    `,
  },
  {
    // The retention job also purges CI benchmark metrics past ECHELON_PERF_RETENTION_DAYS and API
    // keys revoked over 30 days ago; its daily maintenance_log row counts both.
    version: 7,
    name: "maintenance_purge_perf_keys",
    sql: `
      ALTER TABLE maintenance_log ADD COLUMN purge_perf_metrics INTEGER;
      ALTER TABLE maintenance_log ADD COLUMN purge_api_keys INTEGER;
    `,
  },
  {
    // A paused experiment stops counting: each pause is an interval [paused_at, resumed_at),
    // opened by the status change to `paused` and closed by the one back to `active`, in the
    // same transaction (lib/db/experiments.ts compareAndSetStatus). An open interval (resumed_at
    // NULL) excludes everything after it, also once the experiment is completed from paused. At
    // most one is open per experiment. Experiments paused before this version get an interval
    // from now: when they were paused was never recorded.
    version: 8,
    name: "experiment_pauses",
    sql: `
      CREATE TABLE experiment_pauses (
        experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
        paused_at TEXT NOT NULL,
        resumed_at TEXT CHECK (resumed_at IS NULL OR resumed_at >= paused_at)
      );
      CREATE INDEX idx_experiment_pauses ON experiment_pauses (experiment_id, paused_at);
      CREATE UNIQUE INDEX idx_experiment_pauses_open ON experiment_pauses (experiment_id)
        WHERE resumed_at IS NULL;

      INSERT INTO experiment_pauses (experiment_id, paused_at)
        SELECT experiment_id, strftime('%Y-%m-%dT%H:%M:%fZ','now') FROM experiments
        WHERE status = 'paused';
    `,
  },
  {
    // Bounded site registration (lib/ingest/site_registrar.ts): the hits' registrations of the
    // last hour are counted from `created_at` of the automatic sites, and the site selectors list
    // the admin's sites first, both as index range scans however many sites are registered.
    version: 9,
    name: "sites_indexes",
    sql: `
      CREATE INDEX idx_sites_auto_created ON sites (created_at) WHERE source = 'auto';
      CREATE INDEX idx_sites_source ON sites (source, site_id);
    `,
  },
  {
    // Crawlers seen on the server (lib/crawlers/): hits per day, site, crawler, path and IP
    // verification (verified: inside the crawler's published ranges; unverified: outside them;
    // unlisted: the crawler publishes none), with the hits answered 4xx/5xx; and how far each
    // imported access log was read, so a re-import adds nothing twice.
    version: 10,
    name: "crawler_traffic",
    sql: `
      CREATE TABLE crawler_traffic (
        date TEXT NOT NULL,
        site_id TEXT NOT NULL,
        crawler TEXT NOT NULL,
        path TEXT NOT NULL,
        verification TEXT NOT NULL CHECK (verification IN ('verified', 'unverified', 'unlisted')),
        hits INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (date, site_id, crawler, path, verification)
      ) WITHOUT ROWID;
      CREATE INDEX idx_ct_site_date ON crawler_traffic (site_id, date);

      CREATE TABLE crawler_imports (
        source_key TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        lines INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // Issue 14: every hit not counted keeps its main reason (lib/bots/score.ts mainReason), set
    // at ingest and by the correlator when it raises a score; NULL for counted hits, and
    // 'no_interaction' for an unverified view (valid proof, no trusted input). Rows stored before
    // get the signal with the most points of their detail. The day totals gain the verified,
    // unverified and excluded figures; every built day is rebuilt to fill them. The partial index
    // covers the Bots page's "why excluded" counts (index only, bot rows only).
    version: 11,
    name: "bot_reason",
    sql: `
      ALTER TABLE visitor_views ADD COLUMN bot_reason TEXT;
      ALTER TABLE semantic_events ADD COLUMN bot_reason TEXT;
      UPDATE visitor_views SET bot_reason = COALESCE((
        SELECT j.key FROM json_each(CASE WHEN json_valid(bot_score_detail)
          AND json_type(bot_score_detail) = 'object' THEN bot_score_detail ELSE '{}' END) j
        WHERE j.type IN ('integer', 'real') ORDER BY j.value DESC, j.key LIMIT 1), 'unknown')
      WHERE bot_score >= 50;
      UPDATE semantic_events SET bot_reason = COALESCE((
        SELECT j.key FROM json_each(CASE WHEN json_valid(bot_score_detail)
          AND json_type(bot_score_detail) = 'object' THEN bot_score_detail ELSE '{}' END) j
        WHERE j.type IN ('integer', 'real') ORDER BY j.value DESC, j.key LIMIT 1), 'unknown')
      WHERE bot_score >= 50;
      CREATE INDEX idx_vv_reason ON visitor_views (site_id, created_at, bot_reason, visitor_id)
        WHERE bot_score >= 50;

      ALTER TABLE rollup_daily_totals ADD COLUMN verified_visitors INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_daily_totals ADD COLUMN unverified_views INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_daily_totals ADD COLUMN unverified_visitors INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_daily_totals ADD COLUMN excluded_views INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rollup_daily_totals ADD COLUMN excluded_visitors INTEGER NOT NULL DEFAULT 0;
      INSERT OR IGNORE INTO rollup_dirty (date) SELECT date FROM rollup_state;
    `,
  },
  {
    // Issue 15: region (first-level subdivision) and city of a view when the geo database has
    // them (ECHELON_GEOIP_DB with a city database); NULL otherwise and for every older row.
    // City granularity only: no coordinates are ever stored.
    version: 12,
    name: "view_region_city",
    sql: `
      ALTER TABLE visitor_views ADD COLUMN region TEXT;
      ALTER TABLE visitor_views ADD COLUMN city TEXT;
    `,
  },
  {
    // Issue 16: sessions kept current by the writer (lib/db/session_table.ts), one row per
    // (site, session key, bot side); filled here from the raw rows. The query compiler finds a
    // range's sessions by when they start, and those crossing a window's start by when they end.
    version: 13,
    name: "sessions",
    sql: `
      CREATE TABLE sessions (
        site_id TEXT NOT NULL,
        sk TEXT NOT NULL,
        bot INTEGER NOT NULL,
        visitor_id TEXT NOT NULL,
        views INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        first_id INTEGER NOT NULL,
        last_at TEXT NOT NULL,
        last_id INTEGER NOT NULL,
        entry_page TEXT NOT NULL,
        exit_page TEXT NOT NULL,
        min_bot_score INTEGER NOT NULL,
        max_bot_score INTEGER NOT NULL,
        screen_width INTEGER,
        device_type TEXT,
        os_name TEXT,
        browser_name TEXT,
        country_code TEXT,
        referrer TEXT,
        referrer_domain TEXT,
        referrer_type TEXT,
        utm_source TEXT,
        utm_medium TEXT,
        utm_campaign TEXT,
        utm_content TEXT,
        utm_term TEXT,
        UNIQUE (site_id, sk, bot)
      );
      CREATE INDEX idx_sessions_first ON sessions (site_id, bot, first_at);
      CREATE INDEX idx_sessions_last ON sessions (site_id, bot, last_at, first_at);
      INSERT INTO sessions (site_id, sk, bot, visitor_id, views, first_at, first_id, last_at,
        last_id, entry_page, exit_page, min_bot_score, max_bot_score, screen_width, device_type,
        os_name, browser_name, country_code, referrer, referrer_domain, referrer_type,
        utm_source, utm_medium, utm_campaign, utm_content, utm_term)
      SELECT g.site_id, g.sk, g.bot, f.visitor_id, g.views, f.created_at, f.id, l.created_at,
        l.id, f.path, l.path, g.min_bot, g.max_bot, f.screen_width, f.device_type, f.os_name,
        f.browser_name, f.country_code, f.referrer, f.referrer_domain, f.referrer_type,
        f.utm_source, f.utm_medium, f.utm_campaign, f.utm_content, f.utm_term
      FROM (
        SELECT site_id,
          CASE WHEN session_id IS NOT NULL THEN 's' || session_id ELSE 'v' || visitor_id END
            AS sk,
          bot_score >= 50 AS bot, COUNT(*) AS views, MIN(bot_score) AS min_bot,
          MAX(bot_score) AS max_bot,
          CAST(substr(MIN(created_at || printf('%015d', id)), 25) AS INTEGER) AS first_id,
          CAST(substr(MAX(created_at || printf('%015d', id)), 25) AS INTEGER) AS last_id
        FROM visitor_views GROUP BY 1, 2, 3
      ) g CROSS JOIN visitor_views f ON f.id = g.first_id
        CROSS JOIN visitor_views l ON l.id = g.last_id;
    `,
  },
  {
    // Issue 16: saved segments — per site, a name and a list of filters in the query's syntax
    // (lib/query/segments.ts), used in a query as ["is", "segment", [id]].
    version: 14,
    name: "segments",
    sql: `
      CREATE TABLE segments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL,
        name TEXT NOT NULL,
        filters TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (site_id, name)
      );
    `,
  },
  {
    // Issue 16: a site's time zone (IANA name; null means UTC) — the day boundaries of its
    // dashboard and the default zone of its queries. Stored data stays UTC.
    version: 15,
    name: "site time zone",
    sql: `ALTER TABLE site_settings ADD COLUMN time_zone TEXT;`,
  },
  {
    // Issue 16: per-day aggregates kept exact by the writer (lib/db/aggregates.ts). A change to
    // raw rows other than an insert marks the (site, day)s it touches dirty — the row's day and
    // the days either side, where its sessions may start — until they are rebuilt; every existing
    // day starts dirty and is filled by rebuildDirtyAggregates.
    version: 16,
    name: "day aggregates",
    sql: `
      CREATE TABLE day_aggregates (
        site_id TEXT NOT NULL,
        dim TEXT NOT NULL,
        day TEXT NOT NULL,
        bot INTEGER NOT NULL,
        value TEXT NOT NULL,
        late INTEGER NOT NULL,
        pageviews INTEGER NOT NULL,
        visitors INTEGER NOT NULL,
        visits INTEGER NOT NULL,
        bounces INTEGER NOT NULL,
        session_views INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (site_id, dim, day, bot, value, late)
      ) WITHOUT ROWID;
      CREATE TABLE aggregate_dirty (
        site_id TEXT NOT NULL,
        day TEXT NOT NULL,
        PRIMARY KEY (site_id, day)
      ) WITHOUT ROWID;
      CREATE TRIGGER day_aggregates_view_deleted AFTER DELETE ON visitor_views BEGIN
        INSERT OR IGNORE INTO aggregate_dirty (site_id, day) VALUES
          (OLD.site_id, substr(OLD.created_at, 1, 10)),
          (OLD.site_id, date(OLD.created_at, '-1 day')),
          (OLD.site_id, date(OLD.created_at, '+1 day'));
      END;
      CREATE TRIGGER day_aggregates_view_updated AFTER UPDATE OF site_id, visitor_id, session_id, path, created_at, bot_score, screen_width, device_type,
        os_name, browser_name, country_code, referrer, referrer_type, utm_source, utm_medium,
        utm_campaign, utm_content, utm_term
      ON visitor_views BEGIN
        INSERT OR IGNORE INTO aggregate_dirty (site_id, day) VALUES
          (OLD.site_id, substr(OLD.created_at, 1, 10)),
          (OLD.site_id, date(OLD.created_at, '-1 day')),
          (OLD.site_id, date(OLD.created_at, '+1 day')),
          (NEW.site_id, substr(NEW.created_at, 1, 10)),
          (NEW.site_id, date(NEW.created_at, '-1 day')),
          (NEW.site_id, date(NEW.created_at, '+1 day'));
      END;
      ${exclusionTrigger("day_aggregates_excluded", "INSERT", "NEW")}
      ${exclusionTrigger("day_aggregates_included", "DELETE", "OLD")}
      CREATE TABLE day_event_aggregates (
        site_id TEXT NOT NULL,
        dim TEXT NOT NULL,
        day TEXT NOT NULL,
        bot INTEGER NOT NULL,
        value TEXT NOT NULL,
        events INTEGER NOT NULL,
        scroll_sum INTEGER NOT NULL,
        scroll_n INTEGER NOT NULL,
        engaged_ms INTEGER NOT NULL,
        engaged_n INTEGER NOT NULL,
        PRIMARY KEY (site_id, dim, day, bot, value)
      ) WITHOUT ROWID;
      CREATE TRIGGER day_aggregates_event_deleted AFTER DELETE ON semantic_events BEGIN
        INSERT OR IGNORE INTO aggregate_dirty (site_id, day) VALUES
          (OLD.site_id, substr(OLD.created_at, 1, 10));
      END;
      CREATE TRIGGER day_aggregates_event_updated AFTER UPDATE OF site_id, visitor_id, path,
        event_type, event_name, created_at, bot_score, scroll_pct, engaged_ms
      ON semantic_events BEGIN
        INSERT OR IGNORE INTO aggregate_dirty (site_id, day) VALUES
          (OLD.site_id, substr(OLD.created_at, 1, 10)),
          (NEW.site_id, substr(NEW.created_at, 1, 10));
      END;
      -- Sessions lasting more than a day: a window they cross is answered from the raw rows.
      CREATE INDEX idx_sessions_long ON sessions (site_id, bot, first_at, last_at)
        WHERE julianday(last_at) - julianday(first_at) > 1;
      INSERT INTO aggregate_dirty (site_id, day)
        SELECT DISTINCT site_id, substr(created_at, 1, 10) FROM visitor_views
        UNION SELECT DISTINCT site_id, substr(created_at, 1, 10) FROM semantic_events;
    `,
  },
  {
    // Issue 16: the per-day aggregates keep the session dimensions of views and sessions (entry
    // and exit page, source: lib/db/aggregates.ts) and events by their session's fields and by
    // custom property (lib/db/aggregates_events.ts). Every existing day is dirty until rebuilt
    // with them; an event's session or data changing marks its day too.
    version: 17,
    name: "day aggregates: session dimensions, events by session and property",
    sql: `
      DROP TRIGGER day_aggregates_event_updated;
      CREATE TRIGGER day_aggregates_event_updated AFTER UPDATE OF site_id, visitor_id, session_id,
        path, event_type, event_name, created_at, bot_score, scroll_pct, engaged_ms, data
      ON semantic_events BEGIN
        INSERT OR IGNORE INTO aggregate_dirty (site_id, day) VALUES
          (OLD.site_id, substr(OLD.created_at, 1, 10)),
          (NEW.site_id, substr(NEW.created_at, 1, 10));
      END;
      INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
        SELECT DISTINCT site_id, substr(created_at, 1, 10) FROM visitor_views
        UNION SELECT DISTINCT site_id, substr(created_at, 1, 10) FROM semantic_events;
    `,
  },
  {
    // Issue 16: the per-day aggregates are kept in each site's local day (its time zone:
    // lib/db/local_day.ts). A site outside UTC is re-keyed: its rows deleted, every day that may
    // hold its rows (the UTC dates of its rows and the days either side) marked dirty and rebuilt
    // by the writer; UTC sites keep theirs, and get their sessions' later days (visits by day)
    // from the sessions table and the referrer list's rows from the views (one scan). The
    // triggers mark one day further each side for a site outside UTC (markDays).
    version: 18,
    name: "day aggregates in local days",
    sql: `
      DROP TRIGGER day_aggregates_view_deleted;
      CREATE TRIGGER day_aggregates_view_deleted AFTER DELETE ON visitor_views BEGIN
        ${markDays("OLD.site_id", "OLD.created_at", 1)}
      END;
      DROP TRIGGER day_aggregates_view_updated;
      CREATE TRIGGER day_aggregates_view_updated AFTER UPDATE OF site_id, visitor_id, session_id,
        path, created_at, bot_score, screen_width, device_type, os_name, browser_name,
        country_code, referrer, referrer_type, utm_source, utm_medium, utm_campaign, utm_content,
        utm_term
      ON visitor_views BEGIN
        ${markDays("OLD.site_id", "OLD.created_at", 1)}
        ${markDays("NEW.site_id", "NEW.created_at", 1)}
      END;
      DROP TRIGGER day_aggregates_event_deleted;
      CREATE TRIGGER day_aggregates_event_deleted AFTER DELETE ON semantic_events BEGIN
        ${markDays("OLD.site_id", "OLD.created_at", 0)}
      END;
      DROP TRIGGER day_aggregates_event_updated;
      CREATE TRIGGER day_aggregates_event_updated AFTER UPDATE OF site_id, visitor_id, session_id,
        path, event_type, event_name, created_at, bot_score, scroll_pct, engaged_ms, data
      ON semantic_events BEGIN
        ${markDays("OLD.site_id", "OLD.created_at", 0)}
        ${markDays("NEW.site_id", "NEW.created_at", 0)}
      END;
      ${
      (["day_aggregates_excluded", "day_aggregates_included"] as const).map((name, i) => {
        const row = i === 0 ? "NEW" : "OLD";
        return `DROP TRIGGER ${name};
      CREATE TRIGGER ${name} AFTER ${i === 0 ? "INSERT" : "DELETE"} ON excluded_visitors BEGIN
        ${
          markDays(
            "v.site_id",
            "v.created_at",
            1,
            "visitor_views v",
            `v.visitor_id = ${row}.visitor_id`,
          )
        }
        ${
          markDays(
            "e.site_id",
            "e.created_at",
            0,
            "semantic_events e",
            `e.visitor_id = ${row}.visitor_id`,
          )
        }
      END;`;
      }).join("\n      ")
    }
      CREATE TEMP TABLE zoned AS SELECT site_id FROM site_settings
        WHERE time_zone IS NOT NULL AND time_zone <> 'UTC';
      DELETE FROM day_aggregates WHERE site_id IN (SELECT site_id FROM zoned);
      DELETE FROM day_event_aggregates WHERE site_id IN (SELECT site_id FROM zoned);
      DELETE FROM aggregate_dirty WHERE site_id IN (SELECT site_id FROM zoned);
      INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
        WITH days(site_id, day) AS (
          SELECT DISTINCT v.site_id, substr(v.created_at, 1, 10) FROM zoned z
            JOIN visitor_views v ON v.site_id = z.site_id
          UNION SELECT DISTINCT e.site_id, substr(e.created_at, 1, 10) FROM zoned z
            JOIN semantic_events e ON e.site_id = z.site_id
        )
        SELECT site_id, date(day, d.shift) FROM days
          CROSS JOIN (SELECT '-1 day' AS shift UNION ALL SELECT '+0 days' UNION ALL SELECT '+1 day') d;
      -- The later days of the other sites' sessions (lib/db/aggregates.ts VISIT_DAYS), from the
      -- sessions table: a session under a day long has views on its first and last day only (a
      -- longer one makes the reader fall back).
      ${INTO_DAY_AGGREGATES}
        SELECT site_id, '~days', substr(first_at, 1, 10), bot, '',
          CAST(julianday(substr(last_at, 1, 10)) - julianday(substr(first_at, 1, 10)) AS INTEGER),
          0, 0, COUNT(*), SUM(views = 1), SUM(views),
          SUM(CAST(round((julianday(last_at) - julianday(first_at)) * 86400000) AS INTEGER))
        FROM sessions
        WHERE substr(last_at, 1, 10) > substr(first_at, 1, 10)
          AND site_id NOT IN (SELECT site_id FROM zoned)
          AND visitor_id NOT IN (SELECT visitor_id FROM excluded_visitors)
        GROUP BY 1, 3, 4, 6;
      -- And the referrer list's own rows (views whose referrer is not internal: lib/db/aggregates.ts
      -- EXCLUDING_DIMENSIONS), from the views.
      ${INTO_DAY_AGGREGATES}
        SELECT site_id, 'visit:referrer_domain~not:visit:referrer_type=internal',
          substr(created_at, 1, 10), bot_score >= 50, COALESCE(referrer_domain, '(none)'), 0,
          COUNT(*), COUNT(DISTINCT visitor_id), 0, 0, 0, 0
        FROM visitor_views
        WHERE referrer_type IS NOT 'internal' AND site_id NOT IN (SELECT site_id FROM zoned)
          AND visitor_id NOT IN (SELECT visitor_id FROM excluded_visitors)
        GROUP BY 1, 3, 4, 5;
      DROP TABLE zoned;
    `,
  },
  {
    version: 19,
    name: "goals",
    // Goals (lib/query/goals.ts): what counts as a conversion on a site. The compiler joins them to
    // the rows (lib/db/query/goals.ts): `page_regex` is the page pattern's anchored regex (NULL
    // for an exact path, compared as text), `props` a JSON object of property values.
    sql: `
      CREATE TABLE goals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('page', 'event', 'scroll')),
        page TEXT,
        page_regex TEXT,
        event_name TEXT,
        props TEXT,
        scroll_depth INTEGER,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (site_id, name)
      );
    `,
  },
  {
    // Issue 17: annotations — per site, a dated note drawn on every trend chart. `day` is the
    // given date, or the UTC date of `at` when an instant was given (the chart places it on the
    // site's local day); `source` says whether the admin UI or the API wrote it.
    version: 20,
    name: "annotations",
    sql: `
      CREATE TABLE annotations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL,
        day TEXT NOT NULL,
        at TEXT,
        text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
        source TEXT NOT NULL CHECK (source IN ('admin', 'api')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE INDEX idx_annotations_site_day ON annotations (site_id, day);
    `,
  },
  {
    version: 21,
    name: "funnels",
    // Funnels (lib/query/funnels.ts): per site, a name and 2-8 steps (JSON), counted per visit or
    // visitor, in strict or any order. Their results are computed when asked.
    sql: `
      CREATE TABLE funnels (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL,
        name TEXT NOT NULL,
        steps TEXT NOT NULL,
        step_order TEXT NOT NULL DEFAULT 'strict' CHECK (step_order IN ('strict', 'any')),
        per TEXT NOT NULL DEFAULT 'visit' CHECK (per IN ('visit', 'visitor')),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        UNIQUE (site_id, name)
      );
    `,
  },
  {
    version: 22,
    name: "revenue",
    // Revenue (lib/query/goals.ts): an event goal with a currency reports its conversions'
    // `revenue` amounts in it, each converted from its own `currency` through exchange_rates
    // (units per euro, kept by the admin: no network at run time). Amounts stay as sent.
    sql: `
      ALTER TABLE goals ADD COLUMN currency TEXT;
      CREATE TABLE exchange_rates (
        currency TEXT PRIMARY KEY CHECK (length(currency) = 3 AND currency = upper(currency)),
        per_eur REAL NOT NULL CHECK (per_eur > 0),
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      INSERT INTO exchange_rates (currency, per_eur) VALUES ('EUR', 1);
    `,
  },
];
