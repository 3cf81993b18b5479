WITH `t7` AS (
  SELECT
    `t0`.`lead_id`,
    `t0`.`created_at`,
    `t0`.`source`,
    `t0`.`status`,
    `t0`.`score`,
    `t0`.`owner_id`,
    `t0`.`handed_off_at`,
    `t0`.`converted_at`,
    `t0`.`converted_account_id`,
    `t0`.`converted_opportunity_id`,
    `t0`.`company`,
    ROW_NUMBER() OVER () - 1 AS `lead_row`
  FROM `leads` AS `t0`
)
SELECT
  `t14`.`lead_row`,
  `t21`.`last_touch_at`
FROM (
  SELECT
    `t10`.`lead_id`,
    `t10`.`created_at`,
    `t10`.`source`,
    `t10`.`status`,
    `t10`.`score`,
    `t10`.`owner_id`,
    `t10`.`handed_off_at`,
    `t10`.`converted_at`,
    `t10`.`converted_account_id`,
    `t10`.`converted_opportunity_id`,
    `t10`.`company`,
    `t10`.`lead_row`,
    `t10`.`converted_opportunity_id` AS `conv_id`
  FROM `t7` AS `t10`
) AS `t14`
INNER JOIN (
  SELECT
    `t19`.`lead_id`,
    MAX(`t19`.`occurred_at`) AS `last_touch_at`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t15`.`lead_id`,
        `t8`.`activity_id`,
        `t8`.`occurred_at`,
        0 AS `via`,
        FALSE AS `dup`
      FROM (
        SELECT DISTINCT
          `t10`.`lead_id`
        FROM `t7` AS `t10`
        WHERE
          `t10`.`lead_id` IS NOT NULL
      ) AS `t15`
      INNER JOIN (
        SELECT
          `t1`.`activity_id`,
          `t1`.`lead_id` AS `a_lead`,
          `t1`.`occurred_at`
        FROM `activities` AS `t1`
        WHERE
          `t1`.`occurred_at` < DATETIME('2026-07-01T00:00:00')
      ) AS `t8`
        ON `t15`.`lead_id` = `t8`.`a_lead`
    ) AS `t17`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t16`.`lead_id`,
        `t9`.`activity_id`,
        `t9`.`occurred_at`,
        1 AS `via`,
        COALESCE(`t9`.`a_lead` = `t16`.`lead_id`, FALSE) AS `dup`
      FROM (
        SELECT DISTINCT
          `t10`.`lead_id`,
          `t10`.`converted_opportunity_id` AS `conv_id`
        FROM `t7` AS `t10`
        WHERE
          `t10`.`lead_id` IS NOT NULL AND `t10`.`converted_opportunity_id` IS NOT NULL
      ) AS `t16`
      INNER JOIN (
        SELECT
          `t1`.`activity_id`,
          `t1`.`opportunity_id` AS `a_opp`,
          `t1`.`lead_id` AS `a_lead`,
          `t1`.`occurred_at`
        FROM `activities` AS `t1`
        WHERE
          `t1`.`occurred_at` < DATETIME('2026-07-01T00:00:00')
      ) AS `t9`
        ON `t16`.`conv_id` = `t9`.`a_opp`
      WHERE
        EXISTS(
          SELECT
            1
          FROM (
            SELECT
              `t2`.`opportunity_id` AS `known_id`
            FROM `opportunities` AS `t2`
          ) AS `t6`
          WHERE
            `t16`.`conv_id` = `t6`.`known_id`
        )
    ) AS `t18`
  ) AS `t19`
  GROUP BY
    1
) AS `t21`
  ON `t14`.`lead_id` = `t21`.`lead_id`
