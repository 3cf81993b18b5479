WITH `t6` AS (
  SELECT
    `t0`.`lead_id`,
    `t0`.`lead_id` AS `anchor`,
    DATE(`t0`.`created_at`) AS `created_day`
  FROM `leads` AS `t0`
  WHERE
    `t0`.`created_at` IS NOT NULL
    AND `t0`.`created_at` < DATETIME('2026-07-01T00:00:00')
    AND `t0`.`lead_id` IS NOT NULL
), `t9` AS (
  SELECT
    `t2`.`lead_id` AS `act_lead`,
    `t2`.`opportunity_id` AS `act_opp`,
    `t2`.`occurred_at`,
    `t2`.`type` = 'meeting' AS `meeting`
  FROM `activities` AS `t2`
)
SELECT
  `t28`.`anchor` AS `lead_id`,
  `t28`.`touched_at`,
  `t28`.`meeting_at`,
  `t28`.`opportunity_at`,
  `t28`.`won_at`,
  `t28`.`activities_before`,
  `t28`.`activities_after`,
  `t28`.`opportunity_not_found`,
  `t28`.`opportunity_before`,
  `t28`.`opportunity_after`,
  `t28`.`won_before`,
  `t28`.`won_after`
FROM (
  SELECT
    COALESCE(`t27`.`anchor`, `t25`.`anchor`) AS `anchor`,
    `t27`.`touched_at`,
    `t27`.`meeting_at`,
    `t25`.`opportunity_at`,
    `t25`.`won_at`,
    COALESCE(`t27`.`activities_before`, 0) AS `activities_before`,
    COALESCE(`t27`.`activities_after`, 0) AS `activities_after`,
    COALESCE(`t25`.`opportunity_not_found`, 0) AS `opportunity_not_found`,
    COALESCE(`t25`.`opportunity_before`, 0) AS `opportunity_before`,
    COALESCE(`t25`.`opportunity_after`, 0) AS `opportunity_after`,
    COALESCE(`t25`.`won_before`, 0) AS `won_before`,
    COALESCE(`t25`.`won_after`, 0) AS `won_after`
  FROM (
    SELECT
      `t23`.`anchor`,
      MIN(
        IF(
          NOT (
            DATE(`t23`.`occurred_at`) < `t23`.`created_day`
          )
          AND NOT (
            `t23`.`occurred_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND (
            `t23`.`via` = 0
          ),
          `t23`.`occurred_at`,
          NULL
        )
      ) AS `touched_at`,
      MIN(
        IF(
          NOT (
            DATE(`t23`.`occurred_at`) < `t23`.`created_day`
          )
          AND NOT (
            `t23`.`occurred_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND `t23`.`meeting`,
          `t23`.`occurred_at`,
          NULL
        )
      ) AS `meeting_at`,
      SUM(
        IF(
          (
            DATE(`t23`.`occurred_at`) < `t23`.`created_day`
          ) AND NOT (
            `t23`.`dup`
          ),
          1,
          0
        )
      ) AS `activities_before`,
      SUM(
        IF(
          (
            `t23`.`occurred_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND NOT (
            DATE(`t23`.`occurred_at`) < `t23`.`created_day`
          )
          AND NOT (
            `t23`.`dup`
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
          `t13`.`anchor`,
          `t13`.`created_day`,
          `t15`.`occurred_at`,
          `t15`.`meeting`,
          0 AS `via`,
          FALSE AS `dup`
        FROM `t6` AS `t13`
        INNER JOIN `t9` AS `t15`
          ON `t13`.`lead_id` = `t15`.`act_lead`
      ) AS `t19`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          `t21`.`anchor`,
          `t21`.`created_day`,
          `t16`.`occurred_at`,
          `t16`.`meeting`,
          1 AS `via`,
          COALESCE(`t16`.`act_lead` = `t21`.`lead_id`, FALSE) AS `dup`
        FROM (
          SELECT DISTINCT
            *
          FROM (
            SELECT
              `t10`.`lead_id`,
              `t14`.`anchor`,
              `t10`.`conv_id`,
              `t14`.`created_day`
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
            ) AS `t10`
            INNER JOIN `t6` AS `t14`
              ON `t10`.`lead_id` = `t14`.`lead_id`
          ) AS `t18`
        ) AS `t21`
        INNER JOIN `t9` AS `t16`
          ON `t21`.`conv_id` = `t16`.`act_opp`
        WHERE
          EXISTS(
            SELECT
              1
            FROM (
              SELECT
                `t1`.`opportunity_id` AS `known_id`
              FROM `opportunities` AS `t1`
            ) AS `t7`
            WHERE
              `t21`.`conv_id` = `t7`.`known_id`
          )
      ) AS `t22`
    ) AS `t23`
    GROUP BY
      1
  ) AS `t27`
  FULL OUTER JOIN (
    SELECT
      `t17`.`anchor`,
      MIN(
        IF(
          NOT (
            DATE(`t17`.`created_at`) < `t17`.`created_day`
          )
          AND NOT (
            `t17`.`created_at` >= DATETIME('2026-07-01T00:00:00')
          ),
          `t17`.`created_at`,
          NULL
        )
      ) AS `opportunity_at`,
      MIN(
        IF(
          COALESCE(`t17`.`is_won`, FALSE)
          AND NOT (
            COALESCE(`t17`.`is_won`, FALSE)
            AND (
              DATE(`t17`.`close_date`) < `t17`.`created_day`
            )
          )
          AND NOT (
            COALESCE(`t17`.`is_won`, FALSE)
            AND (
              `t17`.`close_date` >= DATETIME('2026-07-01T00:00:00')
            )
          ),
          `t17`.`close_date`,
          NULL
        )
      ) AS `won_at`,
      SUM(IF(NOT (
        `t17`.`opportunity_id` IS NOT NULL
      ), 1, 0)) AS `opportunity_not_found`,
      SUM(IF(DATE(`t17`.`created_at`) < `t17`.`created_day`, 1, 0)) AS `opportunity_before`,
      SUM(
        IF(
          (
            `t17`.`created_at` >= DATETIME('2026-07-01T00:00:00')
          )
          AND NOT (
            DATE(`t17`.`created_at`) < `t17`.`created_day`
          ),
          1,
          0
        )
      ) AS `opportunity_after`,
      SUM(
        IF(
          COALESCE(`t17`.`is_won`, FALSE)
          AND (
            DATE(`t17`.`close_date`) < `t17`.`created_day`
          ),
          1,
          0
        )
      ) AS `won_before`,
      SUM(
        IF(
          COALESCE(`t17`.`is_won`, FALSE)
          AND (
            `t17`.`close_date` >= DATETIME('2026-07-01T00:00:00')
          )
          AND NOT (
            COALESCE(`t17`.`is_won`, FALSE)
            AND (
              DATE(`t17`.`close_date`) < `t17`.`created_day`
            )
          ),
          1,
          0
        )
      ) AS `won_after`
    FROM (
      SELECT
        `t10`.`lead_id`,
        `t10`.`conv_id`,
        `t14`.`anchor`,
        `t14`.`created_day`,
        `t8`.`opportunity_id`,
        `t8`.`created_at`,
        `t8`.`close_date`,
        `t8`.`is_won`
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
      ) AS `t10`
      INNER JOIN `t6` AS `t14`
        ON `t10`.`lead_id` = `t14`.`lead_id`
      LEFT OUTER JOIN (
        SELECT
          `t1`.`opportunity_id`,
          `t1`.`created_at`,
          `t1`.`close_date`,
          `t1`.`is_won`
        FROM `opportunities` AS `t1`
      ) AS `t8`
        ON `t10`.`conv_id` = `t8`.`opportunity_id`
    ) AS `t17`
    GROUP BY
      1
  ) AS `t25`
    ON `t27`.`anchor` = `t25`.`anchor`
) AS `t28`
