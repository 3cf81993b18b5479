WITH `t1` AS (
  SELECT
    `t0`.`account_id`,
    `t0`.`parent_id`
  FROM `accounts` AS `t0`
), `t4` AS (
  SELECT
    `t2`.`account_id`,
    `t2`.`parent_id`,
    ROW_NUMBER() OVER (ORDER BY `t2`.`account_id` ASC NULLS LAST) - 1 AS `node`
  FROM `t1` AS `t2`
), `t11` AS (
  SELECT
    `t10`.`node`,
    `t10`.`account_id`,
    `t10`.`parent_id`,
    `t9`.`node` AS `parent`,
    (
      `t10`.`parent_id` IS NOT NULL
    ) AND (
      `t9`.`node` IS NULL
    ) AS `missing_parent`
  FROM `t4` AS `t10`
  LEFT OUTER JOIN `t4` AS `t9`
    ON `t10`.`parent_id` = `t9`.`account_id`
), `t16` AS (
  SELECT
    `t15`.`node`,
    `t15`.`account_id`,
    `t15`.`parent_id`,
    `t15`.`parent`,
    `t15`.`missing_parent`,
    ROW_NUMBER() OVER (
      ORDER BY IF(
        (
          SELECT
            *
          FROM (
            SELECT
              BOOL_AND(
                REGEXP_LIKE(`t2`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$')
              ) AS `a`
            FROM `t1` AS `t2`
          ) AS `t3`
        ),
        CAST(REGEXP_EXTRACT(`t15`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$') AS BIGINT),
        CAST(NULL AS BIGINT)
      ) ASC NULLS LAST, IF(
        (
          SELECT
            *
          FROM (
            SELECT
              BOOL_AND(
                REGEXP_LIKE(`t2`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$')
              ) AS `a`
            FROM `t1` AS `t2`
          ) AS `t3`
        ),
        CAST(NULL AS STRING),
        `t15`.`account_id`
      ) ASC NULLS LAST, `t15`.`account_id` ASC NULLS LAST
    ) - 1 AS `rank`
  FROM (
    SELECT
      *
    FROM `t11` AS `t12`
    WHERE
      `t12`.`parent` IS NOT NULL
  ) AS `t15`
), `t19` AS (
  SELECT
    `t17`.`node`,
    `t17`.`parent` AS `jump`,
    1 AS `dist`,
    `t17`.`rank` AS `min_rank`
  FROM `t16` AS `t17`
), `t24` AS (
  SELECT
    `t23`.`node`,
    IF(`t22`.`node` IS NULL, `t23`.`jump`, `t22`.`jump`) AS `jump`,
    IF(`t22`.`node` IS NULL, `t23`.`dist`, `t23`.`dist` + `t22`.`dist`) AS `dist`,
    IF(`t22`.`node` IS NULL, `t23`.`min_rank`, LEAST(`t23`.`min_rank`, `t22`.`min_rank`)) AS `min_rank`
  FROM `t19` AS `t23`
  LEFT OUTER JOIN `t19` AS `t22`
    ON `t23`.`jump` = `t22`.`node`
), `t29` AS (
  SELECT
    `t28`.`node`,
    IF(`t27`.`node` IS NULL, `t28`.`jump`, `t27`.`jump`) AS `jump`,
    IF(`t27`.`node` IS NULL, `t28`.`dist`, `t28`.`dist` + `t27`.`dist`) AS `dist`,
    IF(`t27`.`node` IS NULL, `t28`.`min_rank`, LEAST(`t28`.`min_rank`, `t27`.`min_rank`)) AS `min_rank`
  FROM `t24` AS `t28`
  LEFT OUTER JOIN `t24` AS `t27`
    ON `t28`.`jump` = `t27`.`node`
), `t34` AS (
  SELECT
    `t33`.`node`,
    IF(`t32`.`node` IS NULL, `t33`.`jump`, `t32`.`jump`) AS `jump`,
    IF(`t32`.`node` IS NULL, `t33`.`dist`, `t33`.`dist` + `t32`.`dist`) AS `dist`,
    IF(`t32`.`node` IS NULL, `t33`.`min_rank`, LEAST(`t33`.`min_rank`, `t32`.`min_rank`)) AS `min_rank`
  FROM `t29` AS `t33`
  LEFT OUTER JOIN `t29` AS `t32`
    ON `t33`.`jump` = `t32`.`node`
), `t39` AS (
  SELECT
    `t38`.`node`,
    IF(`t37`.`node` IS NULL, `t38`.`jump`, `t37`.`jump`) AS `jump`,
    IF(`t37`.`node` IS NULL, `t38`.`dist`, `t38`.`dist` + `t37`.`dist`) AS `dist`,
    IF(`t37`.`node` IS NULL, `t38`.`min_rank`, LEAST(`t38`.`min_rank`, `t37`.`min_rank`)) AS `min_rank`
  FROM `t34` AS `t38`
  LEFT OUTER JOIN `t34` AS `t37`
    ON `t38`.`jump` = `t37`.`node`
), `t47` AS (
  SELECT
    `t46`.`node`,
    `t46`.`terminal`,
    `t46`.`on_cycle_path`,
    COALESCE(`t46`.`root_node`, `t18`.`node`) AS `root`,
    `t46`.`depth`
  FROM (
    SELECT
      `t43`.`node`,
      `t43`.`jump` AS `terminal`,
      NOT (
        `t42`.`node` IS NULL
      ) AS `on_cycle_path`,
      IF(`t42`.`node` IS NULL, `t43`.`jump`, CAST(NULL AS BIGINT)) AS `root_node`,
      IF(`t42`.`node` IS NULL, CAST(NULL AS BIGINT), `t42`.`min_rank`) AS `root_rank`,
      IF(`t42`.`node` IS NULL, `t43`.`dist`, CAST(NULL AS BIGINT)) AS `depth`
    FROM `t39` AS `t43`
    LEFT OUTER JOIN `t39` AS `t42`
      ON `t43`.`jump` = `t42`.`node`
  ) AS `t46`
  LEFT OUTER JOIN `t16` AS `t18`
    ON `t46`.`root_rank` = `t18`.`rank`
), `t51` AS (
  SELECT
    `t14`.`node`,
    `t14`.`account_id`,
    `t14`.`parent_id`,
    COALESCE(`t49`.`root`, `t14`.`node`) AS `root`,
    COALESCE(`t49`.`depth`, IF(`t49`.`node` IS NULL, 0, CAST(NULL AS BIGINT))) AS `depth`,
    CASE
      WHEN `t14`.`node` IN (
        SELECT
          `t48`.`terminal`
        FROM `t47` AS `t48`
        WHERE
          `t48`.`on_cycle_path`
      )
      THEN 'cycle'
      WHEN `t14`.`missing_parent`
      THEN 'missing_parent'
      ELSE CAST(NULL AS STRING)
    END AS `issue`
  FROM `t11` AS `t14`
  LEFT OUTER JOIN `t47` AS `t49`
    ON `t14`.`node` = `t49`.`node`
)
SELECT
  *
FROM (
  SELECT
    `t54`.`account_id`,
    `t54`.`parent_id`,
    `t7`.`account_id` AS `root_id`,
    `t54`.`depth`,
    `t54`.`issue`,
    `t56`.`family_size`
  FROM `t51` AS `t54`
  INNER JOIN `t4` AS `t7`
    ON `t54`.`root` = `t7`.`node`
  INNER JOIN (
    SELECT
      `t52`.`root`,
      COUNT(*) AS `family_size`
    FROM `t51` AS `t52`
    GROUP BY
      1
  ) AS `t56`
    ON `t54`.`root` = `t56`.`root`
) AS `t57`
ORDER BY
  `t57`.`account_id` ASC NULLS LAST
