WITH `t4` AS (
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
    ROW_NUMBER() OVER (ORDER BY NULL) - 1 AS `lead_row`
  FROM `leads` AS `t0`
)
SELECT
  `t14`.`lead_row`,
  `t21`.`last_touch_at`
FROM (
  SELECT
    `t8`.`lead_id`,
    `t8`.`created_at`,
    `t8`.`source`,
    `t8`.`status`,
    `t8`.`score`,
    `t8`.`owner_id`,
    `t8`.`handed_off_at`,
    `t8`.`converted_at`,
    `t8`.`converted_account_id`,
    `t8`.`converted_opportunity_id`,
    `t8`.`company`,
    `t8`.`lead_row`,
    `t8`.`converted_opportunity_id` AS `conv_id`
  FROM `t4` AS `t8`
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
        `t9`.`activity_id`,
        `t9`.`occurred_at`,
        0 AS `via`,
        FALSE AS `dup`
      FROM (
        SELECT DISTINCT
          `t8`.`lead_id`
        FROM `t4` AS `t8`
        WHERE
          `t8`.`lead_id` IS NOT NULL
      ) AS `t15`
      INNER JOIN (
        SELECT
          `t1`.`activity_id`,
          `t1`.`lead_id` AS `a_lead`,
          `t1`.`occurred_at`
        FROM `activities` AS `t1`
        WHERE
          `t1`.`occurred_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
      ) AS `t9`
        ON `t15`.`lead_id` = `t9`.`a_lead`
    ) AS `t17`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t16`.`lead_id`,
        `t10`.`activity_id`,
        `t10`.`occurred_at`,
        1 AS `via`,
        COALESCE(`t10`.`a_lead` = `t16`.`lead_id`, FALSE) AS `dup`
      FROM (
        SELECT DISTINCT
          `t8`.`lead_id`,
          `t8`.`converted_opportunity_id` AS `conv_id`
        FROM `t4` AS `t8`
        WHERE
          `t8`.`lead_id` IS NOT NULL AND `t8`.`converted_opportunity_id` IS NOT NULL
      ) AS `t16`
      LEFT SEMI JOIN (
        SELECT
          `t2`.`opportunity_id` AS `known_id`
        FROM `opportunities` AS `t2`
      ) AS `t7`
        ON `t16`.`conv_id` = `t7`.`known_id`
      INNER JOIN (
        SELECT
          `t1`.`activity_id`,
          `t1`.`opportunity_id` AS `a_opp`,
          `t1`.`lead_id` AS `a_lead`,
          `t1`.`occurred_at`
        FROM `activities` AS `t1`
        WHERE
          `t1`.`occurred_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
      ) AS `t10`
        ON `t16`.`conv_id` = `t10`.`a_opp`
    ) AS `t18`
  ) AS `t19`
  GROUP BY
    1
) AS `t21`
  ON `t14`.`lead_id` = `t21`.`lead_id`
