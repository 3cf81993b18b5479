WITH `t4` AS (
  SELECT
    `t2`.`account_id`,
    `t2`.`parent_id`
  FROM `accounts` AS `t2`
), `t10` AS (
  SELECT
    `t6`.`account_id`,
    `t6`.`parent_id`,
    ROW_NUMBER() OVER (ORDER BY `t6`.`account_id` ASC) - 1 AS `node`
  FROM `t4` AS `t6`
), `t17` AS (
  SELECT
    `t16`.`node`,
    `t16`.`account_id`,
    `t16`.`parent_id`,
    `t15`.`node` AS `parent`,
    (
      `t16`.`parent_id` IS NOT NULL
    ) AND (
      `t15`.`node` IS NULL
    ) AS `missing_parent`
  FROM `t10` AS `t16`
  LEFT OUTER JOIN `t10` AS `t15`
    ON `t16`.`parent_id` = `t15`.`account_id`
), `t22` AS (
  SELECT
    `t21`.`node`,
    `t21`.`account_id`,
    `t21`.`parent_id`,
    `t21`.`parent`,
    `t21`.`missing_parent`,
    ROW_NUMBER() OVER (
      ORDER BY IF(
        (
          SELECT
            *
          FROM (
            SELECT
              LOGICAL_AND(
                REGEXP_CONTAINS(`t6`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$')
              ) AS `a`
            FROM `t4` AS `t6`
          ) AS `t9`
        ),
        CAST(IF(
          REGEXP_CONTAINS(`t21`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$'),
          IF(
            1 = 0,
            REGEXP_REPLACE(
              `t21`.`account_id`,
              CONCAT(
                '.*?',
                CONCAT('(', '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$', ')'),
                '.*'
              ),
              '\\1'
            ),
            REGEXP_REPLACE(
              `t21`.`account_id`,
              CONCAT('.*?', '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$', '.*'),
              CONCAT('\\', CAST(1 AS STRING))
            )
          ),
          NULL
        ) AS INT64),
        CAST(NULL AS INT64)
      ) ASC, IF(
        (
          SELECT
            *
          FROM (
            SELECT
              LOGICAL_AND(
                REGEXP_CONTAINS(`t6`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$')
              ) AS `a`
            FROM `t4` AS `t6`
          ) AS `t9`
        ),
        CAST(NULL AS STRING),
        `t21`.`account_id`
      ) ASC, `t21`.`account_id` ASC
    ) - 1 AS `rank`
  FROM (
    SELECT
      *
    FROM `t17` AS `t18`
    WHERE
      `t18`.`parent` IS NOT NULL
  ) AS `t21`
), `t25` AS (
  SELECT
    `t23`.`node`,
    `t23`.`parent` AS `jump`,
    1 AS `dist`,
    `t23`.`rank` AS `min_rank`
  FROM `t22` AS `t23`
), `t30` AS (
  SELECT
    `t29`.`node`,
    IF(`t28`.`node` IS NULL, `t29`.`jump`, `t28`.`jump`) AS `jump`,
    IF(`t28`.`node` IS NULL, `t29`.`dist`, `t29`.`dist` + `t28`.`dist`) AS `dist`,
    IF(`t28`.`node` IS NULL, `t29`.`min_rank`, LEAST(`t29`.`min_rank`, `t28`.`min_rank`)) AS `min_rank`
  FROM `t25` AS `t29`
  LEFT OUTER JOIN `t25` AS `t28`
    ON `t29`.`jump` = `t28`.`node`
), `t35` AS (
  SELECT
    `t34`.`node`,
    IF(`t33`.`node` IS NULL, `t34`.`jump`, `t33`.`jump`) AS `jump`,
    IF(`t33`.`node` IS NULL, `t34`.`dist`, `t34`.`dist` + `t33`.`dist`) AS `dist`,
    IF(`t33`.`node` IS NULL, `t34`.`min_rank`, LEAST(`t34`.`min_rank`, `t33`.`min_rank`)) AS `min_rank`
  FROM `t30` AS `t34`
  LEFT OUTER JOIN `t30` AS `t33`
    ON `t34`.`jump` = `t33`.`node`
), `t40` AS (
  SELECT
    `t39`.`node`,
    IF(`t38`.`node` IS NULL, `t39`.`jump`, `t38`.`jump`) AS `jump`,
    IF(`t38`.`node` IS NULL, `t39`.`dist`, `t39`.`dist` + `t38`.`dist`) AS `dist`,
    IF(`t38`.`node` IS NULL, `t39`.`min_rank`, LEAST(`t39`.`min_rank`, `t38`.`min_rank`)) AS `min_rank`
  FROM `t35` AS `t39`
  LEFT OUTER JOIN `t35` AS `t38`
    ON `t39`.`jump` = `t38`.`node`
), `t45` AS (
  SELECT
    `t44`.`node`,
    IF(`t43`.`node` IS NULL, `t44`.`jump`, `t43`.`jump`) AS `jump`,
    IF(`t43`.`node` IS NULL, `t44`.`dist`, `t44`.`dist` + `t43`.`dist`) AS `dist`,
    IF(`t43`.`node` IS NULL, `t44`.`min_rank`, LEAST(`t44`.`min_rank`, `t43`.`min_rank`)) AS `min_rank`
  FROM `t40` AS `t44`
  LEFT OUTER JOIN `t40` AS `t43`
    ON `t44`.`jump` = `t43`.`node`
), `t53` AS (
  SELECT
    `t52`.`node`,
    `t52`.`terminal`,
    `t52`.`on_cycle_path`,
    COALESCE(`t52`.`root_node`, `t24`.`node`) AS `root`,
    `t52`.`depth`
  FROM (
    SELECT
      `t49`.`node`,
      `t49`.`jump` AS `terminal`,
      NOT (
        `t48`.`node` IS NULL
      ) AS `on_cycle_path`,
      IF(`t48`.`node` IS NULL, `t49`.`jump`, CAST(NULL AS INT64)) AS `root_node`,
      IF(`t48`.`node` IS NULL, CAST(NULL AS INT64), `t48`.`min_rank`) AS `root_rank`,
      IF(`t48`.`node` IS NULL, `t49`.`dist`, CAST(NULL AS INT64)) AS `depth`
    FROM `t45` AS `t49`
    LEFT OUTER JOIN `t45` AS `t48`
      ON `t49`.`jump` = `t48`.`node`
  ) AS `t52`
  LEFT OUTER JOIN `t22` AS `t24`
    ON `t52`.`root_rank` = `t24`.`rank`
), `t57` AS (
  SELECT
    `t20`.`node`,
    `t20`.`account_id`,
    `t20`.`parent_id`,
    COALESCE(`t55`.`root`, `t20`.`node`) AS `root`,
    COALESCE(`t55`.`depth`, IF(`t55`.`node` IS NULL, 0, CAST(NULL AS INT64))) AS `depth`,
    CASE
      WHEN `t20`.`node` IN (
        SELECT
          `t54`.`terminal`
        FROM `t53` AS `t54`
        WHERE
          `t54`.`on_cycle_path`
      )
      THEN 'cycle'
      WHEN `t20`.`missing_parent`
      THEN 'missing_parent'
      ELSE CAST(NULL AS STRING)
    END AS `issue`
  FROM `t17` AS `t20`
  LEFT OUTER JOIN `t53` AS `t55`
    ON `t20`.`node` = `t55`.`node`
)
SELECT
  `t69`.`root_id`,
  `t69`.`product_id`,
  `t69`.`account_id`,
  SUM(
    IF(
      `t69`.`d` < 100,
      ieee_divide(`t69`.`amount` * GREATEST(`t69`.`d` - `t69`.`m`, 0.0), 100 - `t69`.`d`),
      0.0
    )
  ) AS `revenue_at_stake`
FROM (
  SELECT
    `t68`.`root_id`,
    `t68`.`product_id`,
    `t68`.`account_id`,
    `t68`.`discount_pct` AS `d`,
    `t3`.`family_median` AS `m`,
    COALESCE(`t68`.`amount`, 0.0) AS `amount`
  FROM (
    SELECT
      `t65`.`root_id`,
      `t8`.`product_id`,
      `t8`.`account_id`,
      `t8`.`discount_pct`,
      `t8`.`amount`
    FROM (
      SELECT
        *
      FROM `purchases` AS `t1`
      WHERE
        `t1`.`purchased_at` >= DATETIME('2024-07-01T00:00:00')
        AND `t1`.`purchased_at` < DATETIME('2026-07-01T00:00:00')
        AND `t1`.`discount_pct` IS NOT NULL
        AND `t1`.`product_id` IS NOT NULL
    ) AS `t8`
    INNER JOIN (
      SELECT
        `t63`.`account_id`,
        `t63`.`root_id`
      FROM (
        SELECT
          `t60`.`account_id`,
          `t60`.`parent_id`,
          `t13`.`account_id` AS `root_id`,
          `t60`.`depth`,
          `t60`.`issue`,
          `t62`.`family_size`
        FROM `t57` AS `t60`
        INNER JOIN `t10` AS `t13`
          ON `t60`.`root` = `t13`.`node`
        INNER JOIN (
          SELECT
            `t58`.`root`,
            COUNT(*) AS `family_size`
          FROM `t57` AS `t58`
          GROUP BY
            1
        ) AS `t62`
          ON `t60`.`root` = `t62`.`root`
      ) AS `t63`
    ) AS `t65`
      ON `t8`.`account_id` = `t65`.`account_id`
  ) AS `t68`
  INNER JOIN `members` AS `t3`
    ON `t68`.`root_id` = `t3`.`root_id`
    AND `t68`.`product_id` = `t3`.`product_id`
    AND `t68`.`account_id` = `t3`.`account_id`
) AS `t69`
GROUP BY
  1,
  2,
  3
