// Schema history. Append new migrations at the end; never edit or renumber a released one.
#include "kiosk/core/database.h"

namespace station {

const std::vector<Migration>& station_migrations() {
    static const std::vector<Migration> migrations = {
        {1, "staff accounts and the audit trail",
         R"sql(
CREATE TABLE staff (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  pin_hash      TEXT NOT NULL,             -- libsodium crypto_pwhash_str (Argon2id)
  role          TEXT NOT NULL CHECK (role IN ('staff', 'editor', 'admin', 'device')),
  demo          INTEGER NOT NULL DEFAULT 0, -- 1: seeded by --demo; removed when not in demo mode
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY,
  at_ms    INTEGER NOT NULL,
  actor    TEXT NOT NULL,                  -- staff username, 'resident', 'system'
  action   TEXT NOT NULL,                  -- e.g. 'help.acknowledge'
  subject  TEXT NOT NULL DEFAULT '',       -- what it acted on, e.g. a request id
  detail   TEXT NOT NULL DEFAULT ''        -- JSON; never personal data
);
CREATE INDEX audit_log_at ON audit_log(at_ms);
)sql"},
        {2, "help requests, their event journal and the resident-id salt",
         R"sql(
CREATE TABLE help_requests (
  id                   INTEGER PRIMARY KEY,
  ticket               TEXT NOT NULL,             -- said aloud: 'A012'
  service_day          TEXT NOT NULL,             -- local day the ticket belongs to, 'YYYY-MM-DD'
  day_seq              INTEGER NOT NULL,          -- 1, 2, ... within service_day
  request_key          TEXT UNIQUE,               -- client's idempotency key; a retry returns the same row
  category             TEXT NOT NULL DEFAULT '',  -- '' until chosen; medical, meal, repair, errand, consult, other
  source               TEXT NOT NULL,             -- screen, button, staff
  state                TEXT NOT NULL CHECK (state IN ('called', 'acknowledged', 'arrived', 'resolved', 'cancelled')),
  escalation_level     INTEGER NOT NULL DEFAULT 0,
  realert_count        INTEGER NOT NULL DEFAULT 0,
  last_realert_at_ms   INTEGER,
  created_at_ms        INTEGER NOT NULL,
  created_by           TEXT NOT NULL,             -- 'resident' or a staff/device username
  acknowledged_at_ms   INTEGER,
  acknowledged_by      TEXT,                      -- staff username
  acknowledged_by_name TEXT,                      -- staff display name, said to the resident
  arrived_at_ms        INTEGER,
  arrived_by           TEXT,
  arrived_by_name      TEXT,
  closed_at_ms         INTEGER,                   -- resolved or cancelled
  closed_by            TEXT,
  cancel_reason        TEXT,                      -- personal: purged by retention
  note                 TEXT,                      -- personal: purged by retention
  resident_id_masked   TEXT,                      -- personal: '3101**********1234'
  resident_id_hash     TEXT,                      -- personal: keyed BLAKE2b of the number, station salt
  rating               INTEGER,                   -- 1..3 faces after resolution
  purged_at_ms         INTEGER,                   -- when retention removed the personal fields
  UNIQUE (service_day, day_seq)
);
CREATE INDEX help_requests_open ON help_requests(state) WHERE state IN ('called', 'acknowledged', 'arrived');
CREATE INDEX help_requests_closed_at ON help_requests(closed_at_ms);

-- Every change, in commit order: the API's event stream replays from here (Last-Event-ID).
CREATE TABLE help_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms      INTEGER NOT NULL,
  type       TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  data       TEXT NOT NULL                        -- JSON; never personal data
);

CREATE TABLE station_secrets (
  name  TEXT PRIMARY KEY,                         -- 'resident_id_salt'
  value BLOB NOT NULL
);
)sql"},
        {3, "API tokens and the notification outbox",
         R"sql(
CREATE TABLE api_tokens (
  token_hash    TEXT PRIMARY KEY,                 -- BLAKE2b of the bearer token; the token itself is never stored
  username      TEXT NOT NULL,
  role          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE INDEX api_tokens_expiry ON api_tokens(expires_at_ms);

CREATE TABLE notify_outbox (
  id                 INTEGER PRIMARY KEY,
  created_at_ms      INTEGER NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'json')),
  url                TEXT NOT NULL,
  body               TEXT NOT NULL,               -- JSON to POST (DingTalk is signed at delivery)
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  delivered_at_ms    INTEGER,
  last_error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notify_outbox_due ON notify_outbox(next_attempt_at_ms) WHERE delivered_at_ms IS NULL;
)sql"},
        {4, "emergency notices (alerts) and proof of play",
         R"sql(
CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  title           TEXT NOT NULL DEFAULT '',
  text            TEXT NOT NULL,
  mode            TEXT NOT NULL CHECK (mode IN ('fullscreen', 'banner')),
  created_at_ms   INTEGER NOT NULL,
  expires_at_ms   INTEGER NOT NULL CHECK (expires_at_ms > created_at_ms),
  created_by      TEXT NOT NULL,                  -- staff username
  withdrawn_at_ms INTEGER,
  withdrawn_by    TEXT
);
CREATE INDEX alerts_live ON alerts(expires_at_ms) WHERE withdrawn_at_ms IS NULL;

-- One row per item shown: what, where, when, for how long (written when it leaves the screen).
CREATE TABLE plays (
  id            INTEGER PRIMARY KEY,
  item          TEXT NOT NULL,
  zone          TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
  version       INTEGER NOT NULL DEFAULT 0,       -- content version it belonged to
  outcome       TEXT NOT NULL DEFAULT 'played'    -- played, failed, hung
);
CREATE INDEX plays_started ON plays(started_at_ms);
)sql"},
        {5, "activities and their sign-ups, residents' suggestions, station ratings",
         R"sql(
CREATE TABLE activities (
  id            INTEGER PRIMARY KEY,
  title         TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  place         TEXT NOT NULL DEFAULT '',
  starts_at_ms  INTEGER NOT NULL,
  ends_at_ms    INTEGER NOT NULL CHECK (ends_at_ms > starts_at_ms),
  capacity      INTEGER NOT NULL CHECK (capacity >= 1),
  min_signups   INTEGER NOT NULL DEFAULT 0 CHECK (min_signups >= 0 AND min_signups <= capacity),
  created_at_ms INTEGER NOT NULL,
  cancelled     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX activities_starts_at ON activities(starts_at_ms);

CREATE TABLE activity_signups (
  id            INTEGER PRIMARY KEY,
  activity_id   INTEGER NOT NULL REFERENCES activities(id),
  resident_hash TEXT NOT NULL,                    -- personal: keyed BLAKE2b of the ID number (resident_id_salt)
  masked_id     TEXT NOT NULL,                    -- personal: '3101**********1234'
  via           TEXT NOT NULL CHECK (via IN ('idcard', 'qr', 'staff')),
  at_ms         INTEGER NOT NULL,
  UNIQUE (activity_id, resident_hash)
);
CREATE INDEX activity_signups_activity ON activity_signups(activity_id);

CREATE TABLE suggestions (
  id                INTEGER PRIMARY KEY,
  topic             TEXT NOT NULL,
  phrases           TEXT NOT NULL DEFAULT '[]',   -- JSON array of the preset phrases picked
  contact_requested INTEGER NOT NULL DEFAULT 0,
  help_request_id   INTEGER REFERENCES help_requests(id),  -- the staff task when contact was requested
  at_ms             INTEGER NOT NULL
);
CREATE INDEX suggestions_at ON suggestions(at_ms);

CREATE TABLE station_ratings (
  id    INTEGER PRIMARY KEY,
  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 3),
  at_ms INTEGER NOT NULL
);
CREATE INDEX station_ratings_at ON station_ratings(at_ms);
)sql"},
    };
    return migrations;
}

}  // namespace station
