WITH `t6` AS (
  SELECT
    `t0`.`lead_id`,
    `t0`.`lead_id` AS `anchor`,
    CAST(`t0`.`created_at` AS DATE) AS `created_day`
  FROM `leads` AS `t0`
  WHERE
    `t0`.`created_at` IS NOT NULL
    AND `t0`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
    AND `t0`.`lead_id` IS NOT NULL
)
SELECT
  `t33`.`segment`,
  (
    (
      (
        CAST(EXTRACT(year FROM `t33`.`created_at`) AS BIGINT) - 1970
      ) * 12
    ) + CAST(EXTRACT(month FROM `t33`.`created_at`) AS BIGINT)
  ) - 1 AS `c`,
  COUNT(*) AS `leads`
FROM (
  SELECT
    '' AS `segment`,
    `t12`.`created_at`,
    `t32`.`touched_at`,
    `t32`.`meeting_at`,
    `t32`.`opportunity_at`,
    `t32`.`won_at`
  FROM (
    SELECT
      *
    FROM `leads` AS `t0`
    WHERE
      `t0`.`created_at` IS NOT NULL
      AND `t0`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
  ) AS `t12`
  LEFT OUTER JOIN (
    SELECT
      `t30`.`anchor` AS `lead_id`,
      `t30`.`touched_at`,
      `t30`.`meeting_at`,
      `t30`.`opportunity_at`,
      `t30`.`won_at`,
      `t30`.`activities_before`,
      `t30`.`activities_after`,
      `t30`.`opportunity_not_found`,
      `t30`.`opportunity_before`,
      `t30`.`opportunity_after`,
      `t30`.`won_before`,
      `t30`.`won_after`
    FROM (
      SELECT
        COALESCE(`t29`.`anchor`, `t27`.`anchor`) AS `anchor`,
        `t29`.`touched_at`,
        `t29`.`meeting_at`,
        `t27`.`opportunity_at`,
        `t27`.`won_at`,
        COALESCE(`t29`.`activities_before`, 0) AS `activities_before`,
        COALESCE(`t29`.`activities_after`, 0) AS `activities_after`,
        COALESCE(`t27`.`opportunity_not_found`, 0) AS `opportunity_not_found`,
        COALESCE(`t27`.`opportunity_before`, 0) AS `opportunity_before`,
        COALESCE(`t27`.`opportunity_after`, 0) AS `opportunity_after`,
        COALESCE(`t27`.`won_before`, 0) AS `won_before`,
        COALESCE(`t27`.`won_after`, 0) AS `won_after`
      FROM (
        SELECT
          `t25`.`anchor`,
          MIN(
            IF(
              NOT (
                CAST(`t25`.`occurred_at` AS DATE) < `t25`.`created_day`
              )
              AND NOT (
                `t25`.`occurred_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND (
                `t25`.`via` = 0
              ),
              `t25`.`occurred_at`,
              NULL
            )
          ) AS `touched_at`,
          MIN(
            IF(
              NOT (
                CAST(`t25`.`occurred_at` AS DATE) < `t25`.`created_day`
              )
              AND NOT (
                `t25`.`occurred_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND `t25`.`meeting`,
              `t25`.`occurred_at`,
              NULL
            )
          ) AS `meeting_at`,
          SUM(
            IF(
              (
                CAST(`t25`.`occurred_at` AS DATE) < `t25`.`created_day`
              )
              AND NOT (
                `t25`.`dup`
              ),
              1,
              0
            )
          ) AS `activities_before`,
          SUM(
            IF(
              (
                `t25`.`occurred_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND NOT (
                CAST(`t25`.`occurred_at` AS DATE) < `t25`.`created_day`
              )
              AND NOT (
                `t25`.`dup`
              ),
              1,
              0
            )
          ) AS `activities_after`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t17`.`anchor`,
              `t17`.`created_day`,
              `t15`.`occurred_at`,
              `t15`.`meeting`,
              0 AS `via`,
              FALSE AS `dup`
            FROM `t6` AS `t17`
            INNER JOIN (
              SELECT
                `t1`.`lead_id` AS `act_lead`,
                `t1`.`occurred_at`,
                `t1`.`type` = 'meeting' AS `meeting`
              FROM `activities` AS `t1`
            ) AS `t15`
              ON `t17`.`lead_id` = `t15`.`act_lead`
          ) AS `t19`
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              `t23`.`anchor`,
              `t23`.`created_day`,
              `t16`.`occurred_at`,
              `t16`.`meeting`,
              1 AS `via`,
              COALESCE(`t16`.`act_lead` = `t23`.`lead_id`, FALSE) AS `dup`
            FROM (
              SELECT DISTINCT
                *
              FROM (
                SELECT
                  `t14`.`lead_id`,
                  `t18`.`anchor`,
                  `t14`.`conv_id`,
                  `t18`.`created_day`
                FROM (
                  SELECT
                    `t0`.`lead_id`,
                    `t0`.`converted_opportunity_id` AS `conv_id`
                  FROM `leads` AS `t0`
                  WHERE
                    `t0`.`created_at` IS NOT NULL
                    AND `t0`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
                    AND `t0`.`lead_id` IS NOT NULL
                    AND `t0`.`converted_opportunity_id` IS NOT NULL
                ) AS `t14`
                INNER JOIN `t6` AS `t18`
                  ON `t14`.`lead_id` = `t18`.`lead_id`
              ) AS `t21`
            ) AS `t23`
            LEFT SEMI JOIN (
              SELECT
                `t2`.`opportunity_id` AS `known_id`
              FROM `opportunities` AS `t2`
            ) AS `t10`
              ON `t23`.`conv_id` = `t10`.`known_id`
            INNER JOIN (
              SELECT
                `t1`.`lead_id` AS `act_lead`,
                `t1`.`opportunity_id` AS `act_opp`,
                `t1`.`occurred_at`,
                `t1`.`type` = 'meeting' AS `meeting`
              FROM `activities` AS `t1`
            ) AS `t16`
              ON `t23`.`conv_id` = `t16`.`act_opp`
          ) AS `t24`
        ) AS `t25`
        GROUP BY
          1
      ) AS `t29`
      FULL OUTER JOIN (
        SELECT
          `t20`.`anchor`,
          MIN(
            IF(
              NOT (
                CAST(`t20`.`created_at` AS DATE) < `t20`.`created_day`
              )
              AND NOT (
                `t20`.`created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              ),
              `t20`.`created_at`,
              NULL
            )
          ) AS `opportunity_at`,
          MIN(
            IF(
              COALESCE(`t20`.`is_won`, FALSE)
              AND NOT (
                COALESCE(`t20`.`is_won`, FALSE)
                AND (
                  CAST(`t20`.`close_date` AS DATE) < `t20`.`created_day`
                )
              )
              AND NOT (
                COALESCE(`t20`.`is_won`, FALSE)
                AND (
                  `t20`.`close_date` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
                )
              ),
              `t20`.`close_date`,
              NULL
            )
          ) AS `won_at`,
          SUM(IF(NOT (
            `t20`.`opportunity_id` IS NOT NULL
          ), 1, 0)) AS `opportunity_not_found`,
          SUM(IF(CAST(`t20`.`created_at` AS DATE) < `t20`.`created_day`, 1, 0)) AS `opportunity_before`,
          SUM(
            IF(
              (
                `t20`.`created_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND NOT (
                CAST(`t20`.`created_at` AS DATE) < `t20`.`created_day`
              ),
              1,
              0
            )
          ) AS `opportunity_after`,
          SUM(
            IF(
              COALESCE(`t20`.`is_won`, FALSE)
              AND (
                CAST(`t20`.`close_date` AS DATE) < `t20`.`created_day`
              ),
              1,
              0
            )
          ) AS `won_before`,
          SUM(
            IF(
              COALESCE(`t20`.`is_won`, FALSE)
              AND (
                `t20`.`close_date` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND NOT (
                COALESCE(`t20`.`is_won`, FALSE)
                AND (
                  CAST(`t20`.`close_date` AS DATE) < `t20`.`created_day`
                )
              ),
              1,
              0
            )
          ) AS `won_after`
        FROM (
          SELECT
            `t14`.`lead_id`,
            `t14`.`conv_id`,
            `t18`.`anchor`,
            `t18`.`created_day`,
            `t11`.`opportunity_id`,
            `t11`.`created_at`,
            `t11`.`close_date`,
            `t11`.`is_won`
          FROM (
            SELECT
              `t0`.`lead_id`,
              `t0`.`converted_opportunity_id` AS `conv_id`
            FROM `leads` AS `t0`
            WHERE
              `t0`.`created_at` IS NOT NULL
              AND `t0`.`created_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              AND `t0`.`lead_id` IS NOT NULL
              AND `t0`.`converted_opportunity_id` IS NOT NULL
          ) AS `t14`
          INNER JOIN `t6` AS `t18`
            ON `t14`.`lead_id` = `t18`.`lead_id`
          LEFT OUTER JOIN (
            SELECT
              `t2`.`opportunity_id`,
              `t2`.`created_at`,
              `t2`.`close_date`,
              `t2`.`is_won`
            FROM `opportunities` AS `t2`
          ) AS `t11`
            ON `t14`.`conv_id` = `t11`.`opportunity_id`
        ) AS `t20`
        GROUP BY
          1
      ) AS `t27`
        ON `t29`.`anchor` = `t27`.`anchor`
    ) AS `t30`
  ) AS `t32`
    ON `t12`.`lead_id` = `t32`.`lead_id`
) AS `t33`
GROUP BY
  1,
  2
