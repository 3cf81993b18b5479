WITH `t10` AS (
  SELECT
    `t4`.`lead_id`,
    `t4`.`created_at`,
    `t4`.`source`,
    `t4`.`status`,
    `t4`.`score`,
    `t4`.`owner_id`,
    `t4`.`handed_off_at`,
    `t4`.`converted_at`,
    `t4`.`converted_account_id`,
    `t4`.`converted_opportunity_id`,
    `t4`.`company`,
    ROW_NUMBER() OVER (ORDER BY NULL) - 1 AS `lead_row`
  FROM (
    SELECT
      *
    FROM `leads` AS `t0`
    WHERE
      `t0`.`handed_off_at` IS NOT NULL
  ) AS `t4`
)
SELECT
  `t23`.`lead_row`,
  MIN(`t23`.`occurred_at`) AS `first_touch_after_handoff`
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t15`.`lead_row`,
      `t15`.`handed_off_at`,
      `t21`.`occurred_at`
    FROM (
      SELECT
        `t11`.`lead_id`,
        `t11`.`created_at`,
        `t11`.`source`,
        `t11`.`status`,
        `t11`.`score`,
        `t11`.`owner_id`,
        `t11`.`handed_off_at`,
        `t11`.`converted_at`,
        `t11`.`converted_account_id`,
        `t11`.`converted_opportunity_id`,
        `t11`.`company`,
        `t11`.`lead_row`,
        `t11`.`converted_opportunity_id` AS `conv_id`
      FROM `t10` AS `t11`
    ) AS `t15`
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          `t16`.`lead_id`,
          `t8`.`activity_id`,
          `t8`.`occurred_at`,
          0 AS `via`,
          FALSE AS `dup`
        FROM (
          SELECT DISTINCT
            `t11`.`lead_id`
          FROM `t10` AS `t11`
          WHERE
            `t11`.`lead_id` IS NOT NULL
        ) AS `t16`
        INNER JOIN (
          SELECT
            `t1`.`activity_id`,
            `t1`.`lead_id` AS `a_lead`,
            `t1`.`occurred_at`
          FROM `activities` AS `t1`
          WHERE
            `t1`.`occurred_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        ) AS `t8`
          ON `t16`.`lead_id` = `t8`.`a_lead`
      ) AS `t18`
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          `t17`.`lead_id`,
          `t9`.`activity_id`,
          `t9`.`occurred_at`,
          1 AS `via`,
          COALESCE(`t9`.`a_lead` = `t17`.`lead_id`, FALSE) AS `dup`
        FROM (
          SELECT DISTINCT
            `t11`.`lead_id`,
            `t11`.`converted_opportunity_id` AS `conv_id`
          FROM `t10` AS `t11`
          WHERE
            `t11`.`lead_id` IS NOT NULL AND `t11`.`converted_opportunity_id` IS NOT NULL
        ) AS `t17`
        LEFT SEMI JOIN (
          SELECT
            `t2`.`opportunity_id` AS `known_id`
          FROM `opportunities` AS `t2`
        ) AS `t7`
          ON `t17`.`conv_id` = `t7`.`known_id`
        INNER JOIN (
          SELECT
            `t1`.`activity_id`,
            `t1`.`opportunity_id` AS `a_opp`,
            `t1`.`lead_id` AS `a_lead`,
            `t1`.`occurred_at`
          FROM `activities` AS `t1`
          WHERE
            `t1`.`occurred_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        ) AS `t9`
          ON `t17`.`conv_id` = `t9`.`a_opp`
      ) AS `t19`
    ) AS `t21`
      ON `t15`.`lead_id` = `t21`.`lead_id`
  ) AS `t22`
  WHERE
    `t22`.`occurred_at` >= `t22`.`handed_off_at`
) AS `t23`
GROUP BY
  1
