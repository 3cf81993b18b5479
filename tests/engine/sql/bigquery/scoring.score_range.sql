SELECT
  MIN(`t8`.`score`) AS `lo`,
  MAX(`t8`.`score`) AS `hi`
FROM (
  SELECT
    `t7`.`lead_id`,
    TIMESTAMP_TRUNC(`t7`.`created_at`, DAY) AS `created_at`,
    `t7`.`score`,
    `t7`.`status`,
    `t7`.`source`,
    `t7`.`owner_id`,
    TIMESTAMP_TRUNC(`t7`.`converted_at`, DAY) AS `converted_at`,
    IF(`t7`.`has_opp`, `t7`.`converted_opportunity_id`, CAST(NULL AS STRING)) AS `converted_opportunity_id`,
    IF(`t7`.`has_opp`, TIMESTAMP_TRUNC(`t7`.`opp_created_at`, DAY), CAST(NULL AS DATETIME)) AS `opportunity_created_at`,
    IF(`t7`.`has_opp`, `t7`.`close_day`, CAST(NULL AS DATETIME)) AS `close_date`,
    IF(`t7`.`has_opp`, `t7`.`opp_amount`, CAST(NULL AS FLOAT64)) AS `amount`,
    DATE_DIFF(DATE(2026, 6, 30), DATE(`t7`.`created_at`), DAY) AS `age_days`,
    CASE CASE WHEN NOT (
        `t7`.`matured`
      ) THEN 0 WHEN `t7`.`won` THEN 1 ELSE 2 END
      WHEN 0
      THEN 'not matured'
      WHEN 1
      THEN 'won'
      WHEN 2
      THEN 'not won'
      ELSE NULL
    END AS `outcome`,
    CASE CASE
        WHEN NOT (
          `t7`.`matured`
        )
        THEN 0
        WHEN `t7`.`won`
        THEN 1
        WHEN `t7`.`won_ever`
        THEN 2
        WHEN `t7`.`lost`
        THEN 3
        WHEN `t7`.`has_opp`
        THEN 4
        ELSE 5
      END
      WHEN 0
      THEN 'too young'
      WHEN 1
      THEN 'won'
      WHEN 2
      THEN 'won after the horizon'
      WHEN 3
      THEN 'opportunity lost'
      WHEN 4
      THEN 'opportunity open'
      WHEN 5
      THEN 'no opportunity'
      ELSE NULL
    END AS `outcome_reason`,
    `t7`.`matured`,
    IF(`t7`.`matured`, `t7`.`won`, CAST(NULL AS BOOL)) AS `won`,
    IF(`t7`.`matured`, `t7`.`won_ever`, CAST(NULL AS BOOL)) AS `won_by_as_of`
  FROM (
    SELECT
      `t6`.`lead_id`,
      `t6`.`created_at`,
      `t6`.`score`,
      `t6`.`status`,
      `t6`.`source`,
      `t6`.`owner_id`,
      `t6`.`converted_at`,
      `t6`.`converted_opportunity_id`,
      `t6`.`opp_id`,
      `t6`.`opp_created_at`,
      `t6`.`opp_close`,
      `t6`.`opp_closed`,
      `t6`.`opp_won`,
      `t6`.`opp_amount`,
      NOT (
        COALESCE(`t6`.`created_at` < DATETIME('2026-07-01T00:00:00'), FALSE)
      ) AS `after`,
      NOT (
        NOT (
          COALESCE(`t6`.`created_at` < DATETIME('2026-07-01T00:00:00'), FALSE)
        )
      )
      AND (
        `t6`.`score` IS NULL
      ) AS `blank`,
      NOT (
        NOT (
          COALESCE(`t6`.`created_at` < DATETIME('2026-07-01T00:00:00'), FALSE)
        )
      )
      AND NOT (
        NOT (
          NOT (
            COALESCE(`t6`.`created_at` < DATETIME('2026-07-01T00:00:00'), FALSE)
          )
        )
        AND (
          `t6`.`score` IS NULL
        )
      ) AS `keep`,
      `t6`.`opp_id` IS NOT NULL AS `found`,
      (
        `t6`.`opp_id` IS NOT NULL
      )
      AND COALESCE(`t6`.`opp_created_at` >= DATETIME('2026-07-01T00:00:00'), FALSE) AS `opp_future`,
      (
        `t6`.`opp_id` IS NOT NULL
      )
      AND NOT (
        (
          `t6`.`opp_id` IS NOT NULL
        )
        AND COALESCE(`t6`.`opp_created_at` >= DATETIME('2026-07-01T00:00:00'), FALSE)
      ) AS `has_opp`,
      (
        `t6`.`opp_id` IS NOT NULL
      )
      AND NOT (
        (
          `t6`.`opp_id` IS NOT NULL
        )
        AND COALESCE(`t6`.`opp_created_at` >= DATETIME('2026-07-01T00:00:00'), FALSE)
      )
      AND `t6`.`opp_closed`
      AND (
        `t6`.`opp_close` IS NOT NULL
      )
      AND `t6`.`opp_won`
      AND COALESCE(`t6`.`opp_close` < DATETIME('2026-07-01T00:00:00'), FALSE) AS `won_ever`,
      (
        `t6`.`opp_id` IS NOT NULL
      )
      AND NOT (
        (
          `t6`.`opp_id` IS NOT NULL
        )
        AND COALESCE(`t6`.`opp_created_at` >= DATETIME('2026-07-01T00:00:00'), FALSE)
      )
      AND `t6`.`opp_closed`
      AND (
        `t6`.`opp_close` IS NOT NULL
      )
      AND NOT (
        `t6`.`opp_won`
      )
      AND COALESCE(`t6`.`opp_close` < DATETIME('2026-07-01T00:00:00'), FALSE) AS `lost`,
      COALESCE(`t6`.`created_at` < DATETIME('2026-01-02T00:00:00'), FALSE) AS `matured`,
      (
        `t6`.`opp_id` IS NOT NULL
      )
      AND NOT (
        (
          `t6`.`opp_id` IS NOT NULL
        )
        AND COALESCE(`t6`.`opp_created_at` >= DATETIME('2026-07-01T00:00:00'), FALSE)
      )
      AND `t6`.`opp_closed`
      AND (
        `t6`.`opp_close` IS NOT NULL
      )
      AND `t6`.`opp_won`
      AND COALESCE(`t6`.`opp_close` < DATETIME('2026-07-01T00:00:00'), FALSE)
      AND COALESCE(
        TIMESTAMP_TRUNC(`t6`.`opp_close`, DAY) <= TIMESTAMP_ADD(TIMESTAMP_TRUNC(`t6`.`created_at`, DAY), INTERVAL '180' DAY),
        FALSE
      ) AS `won`,
      TIMESTAMP_TRUNC(`t6`.`opp_close`, DAY) AS `close_day`
    FROM (
      SELECT
        `t3`.`lead_id`,
        `t3`.`created_at`,
        `t3`.`score`,
        `t3`.`status`,
        `t3`.`source`,
        `t3`.`owner_id`,
        `t3`.`converted_at`,
        `t3`.`converted_opportunity_id`,
        `t5`.`opp_id`,
        `t5`.`opp_created_at`,
        `t5`.`opp_close`,
        `t5`.`opp_closed`,
        `t5`.`opp_won`,
        `t5`.`opp_amount`
      FROM (
        SELECT
          `t0`.`lead_id`,
          `t0`.`created_at`,
          `t0`.`score`,
          `t0`.`status`,
          `t0`.`source`,
          `t0`.`owner_id`,
          `t0`.`converted_at`,
          `t0`.`converted_opportunity_id`
        FROM `leads` AS `t0`
      ) AS `t3`
      LEFT OUTER JOIN (
        SELECT
          `t1`.`opportunity_id` AS `opp_id`,
          `t1`.`created_at` AS `opp_created_at`,
          `t1`.`close_date` AS `opp_close`,
          COALESCE(`t1`.`is_closed`, FALSE) AS `opp_closed`,
          COALESCE(`t1`.`is_won`, FALSE) AS `opp_won`,
          `t1`.`amount` AS `opp_amount`
        FROM `opportunities` AS `t1`
      ) AS `t5`
        ON `t3`.`converted_opportunity_id` = `t5`.`opp_id`
    ) AS `t6`
    WHERE
      NOT (
        NOT (
          COALESCE(`t6`.`created_at` < DATETIME('2026-07-01T00:00:00'), FALSE)
        )
      )
      AND NOT (
        NOT (
          NOT (
            COALESCE(`t6`.`created_at` < DATETIME('2026-07-01T00:00:00'), FALSE)
          )
        )
        AND (
          `t6`.`score` IS NULL
        )
      )
  ) AS `t7`
) AS `t8`
