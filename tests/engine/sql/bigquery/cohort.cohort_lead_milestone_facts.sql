WITH `t9` AS (
  SELECT
    `t0`.`lead_id`,
    `t0`.`lead_id` AS `anchor`,
    DATE(`t0`.`created_at`) AS `created_day`
  FROM `leads` AS `t0`
  WHERE
    `t0`.`created_at` IS NOT NULL
    AND `t0`.`created_at` < DATETIME('2026-07-01T00:00:00')
    AND `t0`.`lead_id` IS NOT NULL
)
SELECT
  `t27`.`anchor` AS `lead_id`,
  `t27`.`touched_at`,
  `t27`.`meeting_at`,
  `t27`.`opportunity_at`,
  `t27`.`won_at`,
  `t27`.`activities_before`,
  `t27`.`activities_after`,
  `t27`.`opportunity_not_found`,
  `t27`.`opportunity_before`,
  `t27`.`opportunity_after`,
  `t27`.`won_before`,
  `t27`.`won_after`
FROM (
  SELECT
    COALESCE(`t26`.`anchor`, `t25`.`anchor`) AS `anchor`,
    `t26`.`touched_at`,
    `t26`.`meeting_at`,
    `t25`.`opportunity_at`,
    `t25`.`won_at`,
    COALESCE(`t26`.`activities_before`, 0) AS `activities_before`,
    COALESCE(`t26`.`activities_after`, 0) AS `activities_after`,
    COALESCE(`t25`.`opportunity_not_found`, 0) AS `opportunity_not_found`,
    COALESCE(`t25`.`opportunity_before`, 0) AS `opportunity_before`,
    COALESCE(`t25`.`opportunity_after`, 0) AS `opportunity_after`,
    COALESCE(`t25`.`won_before`, 0) AS `won_before`,
    COALESCE(`t25`.`won_after`, 0) AS `won_after`
  FROM (
    SELECT
      `t22`.`anchor`,
      MIN(
        IF(
          NOT (
            DATE(`t22`.`occurred_at`) < `t22`.`created_day`
          )
          AND NOT (
            `t22`.`occurred_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND (
            `t22`.`via` = 0
          ),
          `t22`.`occurred_at`,
          NULL
        )
      ) AS `touched_at`,
      MIN(
        IF(
          NOT (
            DATE(`t22`.`occurred_at`) < `t22`.`created_day`
          )
          AND NOT (
            `t22`.`occurred_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND (
            `t22`.`type` = 'meeting'
          ),
          `t22`.`occurred_at`,
          NULL
        )
      ) AS `meeting_at`,
      SUM(
        IF(
          (
            DATE(`t22`.`occurred_at`) < `t22`.`created_day`
          ) AND NOT (
            `t22`.`dup`
          ),
          1,
          0
        )
      ) AS `activities_before`,
      SUM(
        IF(
          (
            `t22`.`occurred_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND NOT (
            DATE(`t22`.`occurred_at`) < `t22`.`created_day`
          )
          AND NOT (
            `t22`.`dup`
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
          `t17`.`lead_id`,
          `t17`.`anchor`,
          `t17`.`created_day`,
          `t10`.`activity_id`,
          `t10`.`occurred_at`,
          `t10`.`type`,
          0 AS `via`,
          FALSE AS `dup`
        FROM `t9` AS `t17`
        INNER JOIN (
          SELECT
            `t1`.`activity_id`,
            `t1`.`lead_id` AS `a_lead`,
            `t1`.`occurred_at`,
            `t1`.`type`
          FROM `activities` AS `t1`
        ) AS `t10`
          ON `t17`.`lead_id` = `t10`.`a_lead`
      ) AS `t20`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          `t14`.`lead_id`,
          `t14`.`anchor`,
          `t14`.`created_day`,
          `t11`.`activity_id`,
          `t11`.`occurred_at`,
          `t11`.`type`,
          1 AS `via`,
          COALESCE(`t11`.`a_lead` = `t14`.`lead_id`, FALSE) AS `dup`
        FROM (
          SELECT
            `t0`.`lead_id`,
            `t0`.`converted_opportunity_id` AS `conv_id`,
            `t0`.`lead_id` AS `anchor`,
            DATE(`t0`.`created_at`) AS `created_day`
          FROM `leads` AS `t0`
          WHERE
            `t0`.`created_at` IS NOT NULL
            AND `t0`.`created_at` < DATETIME('2026-07-01T00:00:00')
            AND `t0`.`lead_id` IS NOT NULL
            AND `t0`.`converted_opportunity_id` IS NOT NULL
        ) AS `t14`
        INNER JOIN (
          SELECT
            `t1`.`activity_id`,
            `t1`.`opportunity_id` AS `a_opp`,
            `t1`.`lead_id` AS `a_lead`,
            `t1`.`occurred_at`,
            `t1`.`type`
          FROM `activities` AS `t1`
        ) AS `t11`
          ON `t14`.`conv_id` = `t11`.`a_opp`
        WHERE
          EXISTS(
            SELECT
              1
            FROM (
              SELECT
                `t2`.`opportunity_id` AS `known_id`
              FROM `opportunities` AS `t2`
            ) AS `t12`
            WHERE
              `t14`.`conv_id` = `t12`.`known_id`
          )
      ) AS `t19`
    ) AS `t22`
    GROUP BY
      1
  ) AS `t26`
  FULL OUTER JOIN (
    SELECT
      `t21`.`anchor`,
      MIN(
        IF(
          NOT (
            DATE(`t21`.`created_at`) < `t21`.`created_day`
          )
          AND NOT (
            `t21`.`created_at` >= DATETIME('2026-07-01T00:00:00')
          ),
          `t21`.`created_at`,
          NULL
        )
      ) AS `opportunity_at`,
      MIN(
        IF(
          COALESCE(`t21`.`is_won`, FALSE)
          AND NOT (
            COALESCE(`t21`.`is_won`, FALSE)
            AND (
              DATE(`t21`.`close_date`) < `t21`.`created_day`
            )
          )
          AND NOT (
            COALESCE(`t21`.`is_won`, FALSE)
            AND (
              `t21`.`close_date` >= DATETIME('2026-07-01T00:00:00')
            )
          ),
          `t21`.`close_date`,
          NULL
        )
      ) AS `won_at`,
      SUM(IF(NOT (
        `t21`.`opportunity_id` IS NOT NULL
      ), 1, 0)) AS `opportunity_not_found`,
      SUM(IF(DATE(`t21`.`created_at`) < `t21`.`created_day`, 1, 0)) AS `opportunity_before`,
      SUM(
        IF(
          (
            `t21`.`created_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND NOT (
            DATE(`t21`.`created_at`) < `t21`.`created_day`
          ),
          1,
          0
        )
      ) AS `opportunity_after`,
      SUM(
        IF(
          COALESCE(`t21`.`is_won`, FALSE)
          AND (
            DATE(`t21`.`close_date`) < `t21`.`created_day`
          ),
          1,
          0
        )
      ) AS `won_before`,
      SUM(
        IF(
          COALESCE(`t21`.`is_won`, FALSE)
          AND (
            `t21`.`close_date` >= DATETIME('2026-07-01T00:00:00')
          )
          AND NOT (
            COALESCE(`t21`.`is_won`, FALSE)
            AND (
              DATE(`t21`.`close_date`) < `t21`.`created_day`
            )
          ),
          1,
          0
        )
      ) AS `won_after`
    FROM (
      SELECT
        `t15`.`lead_id`,
        `t15`.`conv_id`,
        `t18`.`anchor`,
        `t18`.`created_day`,
        `t13`.`opportunity_id`,
        `t13`.`created_at`,
        `t13`.`close_date`,
        `t13`.`is_won`
      FROM (
        SELECT
          `t0`.`lead_id`,
          `t0`.`converted_opportunity_id` AS `conv_id`
        FROM `leads` AS `t0`
        WHERE
          `t0`.`created_at` IS NOT NULL
          AND `t0`.`created_at` < DATETIME('2026-07-01T00:00:00')
          AND `t0`.`lead_id` IS NOT NULL
          AND `t0`.`converted_opportunity_id` IS NOT NULL
      ) AS `t15`
      INNER JOIN `t9` AS `t18`
        ON `t15`.`lead_id` = `t18`.`lead_id`
      LEFT OUTER JOIN (
        SELECT
          `t2`.`opportunity_id`,
          `t2`.`created_at`,
          `t2`.`close_date`,
          `t2`.`is_won`
        FROM `opportunities` AS `t2`
      ) AS `t13`
        ON `t15`.`conv_id` = `t13`.`opportunity_id`
    ) AS `t21`
    GROUP BY
      1
  ) AS `t25`
    ON `t26`.`anchor` = `t25`.`anchor`
) AS `t27`
