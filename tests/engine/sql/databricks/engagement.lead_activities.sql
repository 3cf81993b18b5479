SELECT
  `t16`.`lead_id`,
  `t16`.`activity_id`,
  `t16`.`occurred_at`,
  `t16`.`type`,
  IF(`t16`.`via` = 0, 'lead', 'opportunity') AS `via`
FROM (
  SELECT
    `t15`.`lead_id`,
    `t15`.`activity_id`,
    MIN(`t15`.`occurred_at`) AS `occurred_at`,
    MIN(`t15`.`type`) AS `type`,
    MIN(`t15`.`via`) AS `via`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t11`.`lead_id`,
        `t8`.`activity_id`,
        `t8`.`occurred_at`,
        `t8`.`type`,
        0 AS `via`,
        FALSE AS `dup`
      FROM (
        SELECT DISTINCT
          `t0`.`lead_id`
        FROM `leads` AS `t0`
        WHERE
          `t0`.`lead_id` IS NOT NULL
      ) AS `t11`
      INNER JOIN (
        SELECT
          `t1`.`activity_id`,
          `t1`.`lead_id` AS `a_lead`,
          `t1`.`occurred_at`,
          `t1`.`type`
        FROM `activities` AS `t1`
      ) AS `t8`
        ON `t11`.`lead_id` = `t8`.`a_lead`
    ) AS `t13`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t12`.`lead_id`,
        `t9`.`activity_id`,
        `t9`.`occurred_at`,
        `t9`.`type`,
        1 AS `via`,
        COALESCE(`t9`.`a_lead` = `t12`.`lead_id`, FALSE) AS `dup`
      FROM (
        SELECT DISTINCT
          `t0`.`lead_id`,
          `t0`.`converted_opportunity_id` AS `conv_id`
        FROM `leads` AS `t0`
        WHERE
          `t0`.`lead_id` IS NOT NULL AND `t0`.`converted_opportunity_id` IS NOT NULL
      ) AS `t12`
      LEFT SEMI JOIN (
        SELECT
          `t2`.`opportunity_id` AS `known_id`
        FROM `opportunities` AS `t2`
      ) AS `t10`
        ON `t12`.`conv_id` = `t10`.`known_id`
      INNER JOIN (
        SELECT
          `t1`.`activity_id`,
          `t1`.`opportunity_id` AS `a_opp`,
          `t1`.`lead_id` AS `a_lead`,
          `t1`.`occurred_at`,
          `t1`.`type`
        FROM `activities` AS `t1`
      ) AS `t9`
        ON `t12`.`conv_id` = `t9`.`a_opp`
    ) AS `t14`
  ) AS `t15`
  GROUP BY
    1,
    2
) AS `t16`
ORDER BY
  `t16`.`lead_id` ASC NULLS LAST,
  `t16`.`occurred_at` ASC NULLS LAST,
  `t16`.`activity_id` ASC NULLS LAST
