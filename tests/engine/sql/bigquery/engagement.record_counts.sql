SELECT
  `t14`.`account_id`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'activities'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-05-17T00:00:00')
      ),
      1,
      0
    )
  ) AS `activities_45`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'opportunities'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-05-17T00:00:00')
      ),
      1,
      0
    )
  ) AS `opportunities_45`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'leads'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-05-17T00:00:00')
      ),
      1,
      0
    )
  ) AS `leads_45`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'activities'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-04-02T00:00:00')
      ),
      1,
      0
    )
  ) AS `activities_90`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'opportunities'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-04-02T00:00:00')
      ),
      1,
      0
    )
  ) AS `opportunities_90`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'leads'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-04-02T00:00:00')
      ),
      1,
      0
    )
  ) AS `leads_90`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'activities'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-01-02T00:00:00')
      ),
      1,
      0
    )
  ) AS `activities_180`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'opportunities'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-01-02T00:00:00')
      ),
      1,
      0
    )
  ) AS `opportunities_180`,
  SUM(
    IF(
      (
        `t14`.`kind` = 'leads'
      )
      AND (
        `t14`.`ts` >= DATETIME('2026-01-02T00:00:00')
      ),
      1,
      0
    )
  ) AS `leads_180`
FROM (
  SELECT
    *
  FROM (
    SELECT
      `t0`.`converted_account_id` AS `account_id`,
      'leads' AS `kind`,
      CAST(NULL AS STRING) AS `rid`,
      `t0`.`created_at` AS `ts`
    FROM `leads` AS `t0`
    WHERE
      `t0`.`converted_account_id` IS NOT NULL
      AND `t0`.`created_at` >= DATETIME('2026-01-02T00:00:00')
      AND `t0`.`created_at` < DATETIME('2026-07-01T00:00:00')
  ) AS `t3`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t11`.`account_id`,
        'activities' AS `kind`,
        `t11`.`activity_id` AS `rid`,
        `t11`.`occurred_at` AS `ts`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t2`.`activity_id`,
            `t2`.`account_id`,
            `t2`.`occurred_at`
          FROM `activities` AS `t2`
          WHERE
            `t2`.`account_id` IS NOT NULL
        ) AS `t6`
        UNION DISTINCT
        SELECT
          *
        FROM (
          SELECT
            `t9`.`activity_id`,
            `t8`.`deal_account` AS `account_id`,
            `t9`.`occurred_at`
          FROM (
            SELECT
              `t2`.`activity_id`,
              `t2`.`occurred_at`,
              `t2`.`account_id`,
              `t2`.`opportunity_id`
            FROM `activities` AS `t2`
            WHERE
              `t2`.`opportunity_id` IS NOT NULL
          ) AS `t9`
          INNER JOIN (
            SELECT
              `t1`.`opportunity_id` AS `deal_id`,
              `t1`.`account_id` AS `deal_account`
            FROM `opportunities` AS `t1`
            WHERE
              `t1`.`opportunity_id` IS NOT NULL AND `t1`.`account_id` IS NOT NULL
          ) AS `t8`
            ON `t9`.`opportunity_id` = `t8`.`deal_id`
        ) AS `t10`
      ) AS `t11`
      WHERE
        `t11`.`occurred_at` >= DATETIME('2026-01-02T00:00:00')
        AND `t11`.`occurred_at` < DATETIME('2026-07-01T00:00:00')
    ) AS `t12`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        `t1`.`account_id`,
        'opportunities' AS `kind`,
        CAST(NULL AS STRING) AS `rid`,
        `t1`.`created_at` AS `ts`
      FROM `opportunities` AS `t1`
      WHERE
        `t1`.`created_at` >= DATETIME('2026-01-02T00:00:00')
        AND `t1`.`created_at` < DATETIME('2026-07-01T00:00:00')
    ) AS `t4`
  ) AS `t13`
) AS `t14`
GROUP BY
  1
