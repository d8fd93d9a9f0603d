-- The service manager's measures (issue 14), summed per day (in the
-- site's time zone, as YYYYMMDD) and per kind, service, group,
-- organisation and priority (0: none), so a period's figures are a sum over
-- its days and never a scan of the records. A worker keeps them current
-- from the journal; `steward reports rebuild` recomputes them.
--
-- Times are histograms: for creation to first response (rh), to
-- resolution in wall time (xh) and in the SLA's business hours (bh), the
-- count, the sum in seconds and 18 fixed buckets (one minute to ninety
-- days): the mean is exact, percentiles come from the buckets.
CREATE TABLE report_days (
    day             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    service_id      BIGINT NOT NULL,
    group_id        BIGINT NOT NULL,
    organisation_id BIGINT NOT NULL,
    priority        BIGINT NOT NULL,
    arrivals BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    fcr BIGINT NOT NULL DEFAULT 0,
    reopened BIGINT NOT NULL DEFAULT 0,
    escalations BIGINT NOT NULL DEFAULT 0,
    ah0 BIGINT NOT NULL DEFAULT 0,
    ah1 BIGINT NOT NULL DEFAULT 0,
    ah2 BIGINT NOT NULL DEFAULT 0,
    ah3 BIGINT NOT NULL DEFAULT 0,
    ah4 BIGINT NOT NULL DEFAULT 0,
    ah5 BIGINT NOT NULL DEFAULT 0,
    ah6 BIGINT NOT NULL DEFAULT 0,
    ah7 BIGINT NOT NULL DEFAULT 0,
    ah8 BIGINT NOT NULL DEFAULT 0,
    ah9 BIGINT NOT NULL DEFAULT 0,
    ah10 BIGINT NOT NULL DEFAULT 0,
    ah11 BIGINT NOT NULL DEFAULT 0,
    ah12 BIGINT NOT NULL DEFAULT 0,
    ah13 BIGINT NOT NULL DEFAULT 0,
    ah14 BIGINT NOT NULL DEFAULT 0,
    ah15 BIGINT NOT NULL DEFAULT 0,
    ah16 BIGINT NOT NULL DEFAULT 0,
    ah17 BIGINT NOT NULL DEFAULT 0,
    ah18 BIGINT NOT NULL DEFAULT 0,
    ah19 BIGINT NOT NULL DEFAULT 0,
    ah20 BIGINT NOT NULL DEFAULT 0,
    ah21 BIGINT NOT NULL DEFAULT 0,
    ah22 BIGINT NOT NULL DEFAULT 0,
    ah23 BIGINT NOT NULL DEFAULT 0,
    rh_n BIGINT NOT NULL DEFAULT 0,
    rh_sum BIGINT NOT NULL DEFAULT 0,
    rh0 BIGINT NOT NULL DEFAULT 0,
    rh1 BIGINT NOT NULL DEFAULT 0,
    rh2 BIGINT NOT NULL DEFAULT 0,
    rh3 BIGINT NOT NULL DEFAULT 0,
    rh4 BIGINT NOT NULL DEFAULT 0,
    rh5 BIGINT NOT NULL DEFAULT 0,
    rh6 BIGINT NOT NULL DEFAULT 0,
    rh7 BIGINT NOT NULL DEFAULT 0,
    rh8 BIGINT NOT NULL DEFAULT 0,
    rh9 BIGINT NOT NULL DEFAULT 0,
    rh10 BIGINT NOT NULL DEFAULT 0,
    rh11 BIGINT NOT NULL DEFAULT 0,
    rh12 BIGINT NOT NULL DEFAULT 0,
    rh13 BIGINT NOT NULL DEFAULT 0,
    rh14 BIGINT NOT NULL DEFAULT 0,
    rh15 BIGINT NOT NULL DEFAULT 0,
    rh16 BIGINT NOT NULL DEFAULT 0,
    rh17 BIGINT NOT NULL DEFAULT 0,
    xh_n BIGINT NOT NULL DEFAULT 0,
    xh_sum BIGINT NOT NULL DEFAULT 0,
    xh0 BIGINT NOT NULL DEFAULT 0,
    xh1 BIGINT NOT NULL DEFAULT 0,
    xh2 BIGINT NOT NULL DEFAULT 0,
    xh3 BIGINT NOT NULL DEFAULT 0,
    xh4 BIGINT NOT NULL DEFAULT 0,
    xh5 BIGINT NOT NULL DEFAULT 0,
    xh6 BIGINT NOT NULL DEFAULT 0,
    xh7 BIGINT NOT NULL DEFAULT 0,
    xh8 BIGINT NOT NULL DEFAULT 0,
    xh9 BIGINT NOT NULL DEFAULT 0,
    xh10 BIGINT NOT NULL DEFAULT 0,
    xh11 BIGINT NOT NULL DEFAULT 0,
    xh12 BIGINT NOT NULL DEFAULT 0,
    xh13 BIGINT NOT NULL DEFAULT 0,
    xh14 BIGINT NOT NULL DEFAULT 0,
    xh15 BIGINT NOT NULL DEFAULT 0,
    xh16 BIGINT NOT NULL DEFAULT 0,
    xh17 BIGINT NOT NULL DEFAULT 0,
    bh_n BIGINT NOT NULL DEFAULT 0,
    bh_sum BIGINT NOT NULL DEFAULT 0,
    bh0 BIGINT NOT NULL DEFAULT 0,
    bh1 BIGINT NOT NULL DEFAULT 0,
    bh2 BIGINT NOT NULL DEFAULT 0,
    bh3 BIGINT NOT NULL DEFAULT 0,
    bh4 BIGINT NOT NULL DEFAULT 0,
    bh5 BIGINT NOT NULL DEFAULT 0,
    bh6 BIGINT NOT NULL DEFAULT 0,
    bh7 BIGINT NOT NULL DEFAULT 0,
    bh8 BIGINT NOT NULL DEFAULT 0,
    bh9 BIGINT NOT NULL DEFAULT 0,
    bh10 BIGINT NOT NULL DEFAULT 0,
    bh11 BIGINT NOT NULL DEFAULT 0,
    bh12 BIGINT NOT NULL DEFAULT 0,
    bh13 BIGINT NOT NULL DEFAULT 0,
    bh14 BIGINT NOT NULL DEFAULT 0,
    bh15 BIGINT NOT NULL DEFAULT 0,
    bh16 BIGINT NOT NULL DEFAULT 0,
    bh17 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, service_id, group_id, organisation_id, priority)
);

-- SLA and OLA clocks that ended (met on the day they stopped, breached on
-- the day they breached), per SLA target or group OLA.
CREATE TABLE report_sla_days (
    day             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    service_id      BIGINT NOT NULL,
    group_id        BIGINT NOT NULL,
    organisation_id BIGINT NOT NULL,
    priority        BIGINT NOT NULL,
    sla_id          BIGINT NOT NULL,
    ola_group_id    BIGINT NOT NULL,
    target          TEXT NOT NULL,
    met             BIGINT NOT NULL DEFAULT 0,
    breached        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, service_id, group_id, organisation_id, priority, sla_id, ola_group_id, target)
);

-- What each record was last counted as (JSON facts), so a change takes
-- back exactly what the record gave before and adds what it gives now.
CREATE TABLE report_facts (
    record_id BIGINT PRIMARY KEY,
    facts     TEXT NOT NULL
);

-- How far the worker has read the journal, and the time zone the days
-- were cut in (another zone rebuilds them).
CREATE TABLE report_state (
    id         BIGINT PRIMARY KEY,
    journal_id BIGINT NOT NULL,
    zone       TEXT NOT NULL,
    built_at   BIGINT NOT NULL,
    -- When the open records were last counted into today's backlog.
    backlog_at BIGINT NOT NULL DEFAULT 0
);

-- The backlog: the records open at each day's last snapshot (taken every
-- few minutes, so a day's figure is how it ended), by age since opening:
-- under a day, 1-3 days, 3-7 days, 7-30 days, over 30 days. Snapshots are
-- history: a rebuild of the totals leaves them be.
CREATE TABLE report_backlog (
    day             BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    service_id      BIGINT NOT NULL,
    group_id        BIGINT NOT NULL,
    organisation_id BIGINT NOT NULL,
    priority        BIGINT NOT NULL,
    open_n          BIGINT NOT NULL,
    age0            BIGINT NOT NULL,
    age1            BIGINT NOT NULL,
    age2            BIGINT NOT NULL,
    age3            BIGINT NOT NULL,
    age4            BIGINT NOT NULL,
    PRIMARY KEY (day, kind, service_id, group_id, organisation_id, priority)
);
