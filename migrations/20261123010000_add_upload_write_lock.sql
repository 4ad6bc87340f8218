-- A request writing into an upload holds it (`lock_token`) until it has moved the
-- upload on: a second writer is refused instead of interleaving its bytes with the
-- first one's, which would leave the running hash describing bytes that are not in
-- the file. The hold lapses at `locked_until` if its holder dies mid-write.
ALTER TABLE uploads ADD COLUMN lock_token TEXT;
ALTER TABLE uploads ADD COLUMN locked_until BIGINT;
