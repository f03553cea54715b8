-- Gatehouse schema, version 3: budgets (spend limits in USD) and their spend per period.
-- Version 2 is taken by another change; versions need not be contiguous (see MigrationCatalog).
-- Conventions as in 0001: timestamps in microseconds (_us), money in pico-dollars (_pusd), lists as JSON text.

CREATE TABLE budgets (
    id                TEXT    NOT NULL PRIMARY KEY,
    name              TEXT    NULL,
    scope             TEXT    NOT NULL CHECK (scope IN ('key', 'owner')),
    subject           TEXT    NOT NULL,
    period            TEXT    NOT NULL CHECK (period IN ('day', 'month', 'total')),
    limit_pusd        BIGINT  NOT NULL CHECK (limit_pusd > 0),
    alert_thresholds  TEXT    NOT NULL DEFAULT '[]',
    created_at_us     BIGINT  NOT NULL,
    updated_at_us     BIGINT  NOT NULL
);

-- One budget per key or owner and period: a second would only hide which one applies.
CREATE UNIQUE INDEX ux_budgets_subject ON budgets (scope, subject, period);

-- One row per budget and period: the settled spend and the alert thresholds already fired in it.
-- Written behind the in-memory ledger with absolute values, so saving the same numbers twice is harmless.
CREATE TABLE budget_spend (
    budget_id         TEXT    NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
    period_start_us   BIGINT  NOT NULL,
    spent_pusd        BIGINT  NOT NULL DEFAULT 0,
    alerts_fired      TEXT    NOT NULL DEFAULT '[]',
    updated_at_us     BIGINT  NOT NULL,
    PRIMARY KEY (budget_id, period_start_us)
);
