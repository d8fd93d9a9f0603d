-- OpenID Connect sign-ins under way (issue 15): one row from the redirect
-- to the provider until its answer comes back, at most ten minutes. The
-- state sent to the provider and the browser's binding cookie are kept as
-- SHA-256 hashes; the row is deleted as it is read, so a state works once.
CREATE TABLE oidc_logins (
    state_hash   TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    next_path    TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX oidc_logins_created ON oidc_logins (created_at);
