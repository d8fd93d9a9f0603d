-- Attachments' bytes live in the database (they lived in each node's data
-- folder): every node reads them and one backup holds everything. Kept once
-- per content hash, in chunks of at most 1 MiB, so a download streams one
-- chunk at a time and no value comes near either engine's limit. A blob's
-- row and its chunks are written in one transaction.
CREATE TABLE attachment_blobs (
    sha256     TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    chunks     BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE attachment_chunks (
    sha256 TEXT NOT NULL REFERENCES attachment_blobs (sha256),
    seq    BIGINT NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (sha256, seq)
);
