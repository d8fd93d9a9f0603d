-- Accounts that sign in through a directory (LDAP) or a single sign-on
-- provider (OpenID Connect) rather than with a password kept here (issue
-- 15). Such a user has no password_hash; this row says where they come
-- from and who they are there: for LDAP the entry's DN, for OpenID Connect
-- the issuer and the subject. A user has at most one such identity.
CREATE TABLE external_identities (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    source    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    synced_at BIGINT NOT NULL,
    UNIQUE (source, subject)
);
