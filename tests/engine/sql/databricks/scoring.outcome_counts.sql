SELECT
  `t11`.`outcome`,
  `t11`.`outcome_reason`,
  `t11`.`n`,
  `t11`.`share`
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t9`.`outcome`,
      `t9`.`outcome_reason`,
      `t9`.`n`,
      TRY_DIVIDE(
        CAST(`t9`.`n` AS DOUBLE),
        CAST(SUM(`t9`.`n`) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS DOUBLE)
      ) AS `share`,
      CASE
        WHEN `t9`.`outcome` = 'won'
        THEN 0
        WHEN `t9`.`outcome` = 'not won'
        THEN 1
        ELSE 2
      END AS `_rank`
    FROM (
      SELECT
        `t8`.`outcome`,
        `t8`.`outcome_reason`,
        COUNT(*) AS `n`
      FROM (
        SELECT
          `t7`.`lead_id`,
          DATE_TRUNC('day', `t7`.`created_at`) AS `created_at`,
          `t7`.`score`,
          `t7`.`status`,
          `t7`.`source`,
          `t7`.`owner_id`,
          DATE_TRUNC('day', `t7`.`converted_at`) AS `converted_at`,
          IF(`t7`.`has_opp`, `t7`.`converted_opportunity_id`, CAST(NULL AS STRING)) AS `converted_opportunity_id`,
          IF(`t7`.`has_opp`, DATE_TRUNC('day', `t7`.`opp_created_at`), CAST(NULL AS TIMESTAMP)) AS `opportunity_created_at`,
          IF(`t7`.`has_opp`, `t7`.`close_day`, CAST(NULL AS TIMESTAMP)) AS `close_date`,
          IF(`t7`.`has_opp`, `t7`.`opp_amount`, CAST(NULL AS DOUBLE)) AS `amount`,
          DATEDIFF(DAY, CAST(`t7`.`created_at` AS DATE), MAKE_DATE(2026, 6, 30)) AS `age_days`,
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
          IF(`t7`.`matured`, `t7`.`won`, CAST(NULL AS BOOLEAN)) AS `won`,
          IF(`t7`.`matured`, `t7`.`won_ever`, CAST(NULL AS BOOLEAN)) AS `won_by_as_of`
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
              COALESCE(`t6`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
            ) AS `after`,
            NOT (
              NOT (
                COALESCE(`t6`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
              )
            )
            AND (
              `t6`.`score` IS NULL OR ISNAN(`t6`.`score`)
            ) AS `blank`,
            NOT (
              NOT (
                COALESCE(`t6`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
              )
            )
            AND NOT (
              NOT (
                NOT (
                  COALESCE(`t6`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
                )
              )
              AND (
                `t6`.`score` IS NULL OR ISNAN(`t6`.`score`)
              )
            ) AS `keep`,
            `t6`.`opp_id` IS NOT NULL AS `found`,
            (
              `t6`.`opp_id` IS NOT NULL
            )
            AND COALESCE(`t6`.`opp_created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE) AS `opp_future`,
            (
              `t6`.`opp_id` IS NOT NULL
            )
            AND NOT (
              (
                `t6`.`opp_id` IS NOT NULL
              )
              AND COALESCE(`t6`.`opp_created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
            ) AS `has_opp`,
            (
              `t6`.`opp_id` IS NOT NULL
            )
            AND NOT (
              (
                `t6`.`opp_id` IS NOT NULL
              )
              AND COALESCE(`t6`.`opp_created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
            )
            AND `t6`.`opp_closed`
            AND (
              `t6`.`opp_close` IS NOT NULL
            )
            AND `t6`.`opp_won`
            AND COALESCE(`t6`.`opp_close` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE) AS `won_ever`,
            (
              `t6`.`opp_id` IS NOT NULL
            )
            AND NOT (
              (
                `t6`.`opp_id` IS NOT NULL
              )
              AND COALESCE(`t6`.`opp_created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
            )
            AND `t6`.`opp_closed`
            AND (
              `t6`.`opp_close` IS NOT NULL
            )
            AND NOT (
              `t6`.`opp_won`
            )
            AND COALESCE(`t6`.`opp_close` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE) AS `lost`,
            COALESCE(`t6`.`created_at` < CAST('2026-01-02T00:00:00' AS TIMESTAMP), FALSE) AS `matured`,
            (
              `t6`.`opp_id` IS NOT NULL
            )
            AND NOT (
              (
                `t6`.`opp_id` IS NOT NULL
              )
              AND COALESCE(`t6`.`opp_created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
            )
            AND `t6`.`opp_closed`
            AND (
              `t6`.`opp_close` IS NOT NULL
            )
            AND `t6`.`opp_won`
            AND COALESCE(`t6`.`opp_close` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
            AND COALESCE(
              DATE_TRUNC('day', `t6`.`opp_close`) <= (
                DATE_TRUNC('day', `t6`.`created_at`) + INTERVAL '180' DAY
              ),
              FALSE
            ) AS `won`,
            DATE_TRUNC('day', `t6`.`opp_close`) AS `close_day`
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
                COALESCE(`t6`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
              )
            )
            AND NOT (
              NOT (
                NOT (
                  COALESCE(`t6`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
                )
              )
              AND (
                `t6`.`score` IS NULL OR ISNAN(`t6`.`score`)
              )
            )
        ) AS `t7`
      ) AS `t8`
      GROUP BY
        1,
        2
    ) AS `t9`
  ) AS `t10`
  ORDER BY
    `t10`.`_rank` ASC NULLS LAST,
    `t10`.`n` DESC,
    `t10`.`outcome_reason` ASC NULLS LAST
) AS `t11`
