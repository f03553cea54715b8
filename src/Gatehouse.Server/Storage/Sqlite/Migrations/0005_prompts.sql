-- Gatehouse schema, version 5: stored prompts, their immutable versions, movable labels and tags.
-- Versions 6 and 7 are reserved by parallel work; versions need not be contiguous (see MigrationCatalog).
-- Conventions as in 0001: timestamps in microseconds (_us), lists as JSON text.

CREATE TABLE prompts (
    id                TEXT    NOT NULL PRIMARY KEY,
    -- Unique across owners, so a slug names one prompt for the admin too.
    slug              TEXT    NOT NULL UNIQUE,
    description       TEXT    NULL,
    -- The owner whose keys see the prompt; NULL = only the admin and the key that created it (created_by_key).
    owner             TEXT    NULL,
    created_by_key    TEXT    NOT NULL,
    -- Where the prompt came from: 'api', 'file' (Gatehouse:Prompts:Directory) or 'demo' (seeded).
    source            TEXT    NOT NULL CHECK (source IN ('api', 'file', 'demo')),
    archived_at_us    BIGINT  NULL,
    created_at_us     BIGINT  NOT NULL,
    updated_at_us     BIGINT  NOT NULL
);

CREATE INDEX ix_prompts_owner ON prompts (owner, slug);

CREATE TABLE prompt_tags (
    prompt_id         TEXT    NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    tag               TEXT    NOT NULL,
    PRIMARY KEY (prompt_id, tag)
);

CREATE INDEX ix_prompt_tags_tag ON prompt_tags (tag, prompt_id);

-- A version is written once and never updated: content is the whole definition (messages,
-- variables, model, parameters, tools, output) as JSON, content_hash its SHA-256, which is how
-- file loading recognises content it has stored before.
CREATE TABLE prompt_versions (
    prompt_id         TEXT    NOT NULL REFERENCES prompts (id) ON DELETE CASCADE,
    version           INTEGER NOT NULL CHECK (version >= 1),
    content           TEXT    NOT NULL,
    content_hash      TEXT    NOT NULL,
    note              TEXT    NULL,
    created_by_key    TEXT    NOT NULL,
    created_at_us     BIGINT  NOT NULL,
    PRIMARY KEY (prompt_id, version)
);

-- Labels (production, staging, any name) point at one version each and move.
CREATE TABLE prompt_labels (
    prompt_id         TEXT    NOT NULL,
    label             TEXT    NOT NULL,
    version           INTEGER NOT NULL,
    updated_at_us     BIGINT  NOT NULL,
    PRIMARY KEY (prompt_id, label),
    FOREIGN KEY (prompt_id, version) REFERENCES prompt_versions (prompt_id, version) ON DELETE CASCADE
);
