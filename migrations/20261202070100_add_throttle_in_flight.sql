-- Password attempts being checked right now, per key: an attempt claims a slot before
-- its password is verified, so concurrent guesses cannot all pass the limit. A slot
-- claimed more than a minute ago belongs to a request that died and counts no more.
ALTER TABLE login_throttle ADD COLUMN in_flight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE login_throttle ADD COLUMN claimed_at BIGINT NOT NULL DEFAULT 0;
