-- Failed sign-in attempts per username and per client address, shared by every
-- replica so that throttling cannot be dodged by hitting another one.
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
