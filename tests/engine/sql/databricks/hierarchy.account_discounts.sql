WITH `t2` AS (
  SELECT
    `t1`.`account_id`,
    `t1`.`parent_id`
  FROM `accounts` AS `t1`
), `t8` AS (
  SELECT
    `t4`.`account_id`,
    `t4`.`parent_id`,
    ROW_NUMBER() OVER (ORDER BY `t4`.`account_id` ASC NULLS LAST) - 1 AS `node`
  FROM `t2` AS `t4`
), `t15` AS (
  SELECT
    `t14`.`node`,
    `t14`.`account_id`,
    `t14`.`parent_id`,
    `t13`.`node` AS `parent`,
    (
      `t14`.`parent_id` IS NOT NULL
    ) AND (
      `t13`.`node` IS NULL
    ) AS `missing_parent`
  FROM `t8` AS `t14`
  LEFT OUTER JOIN `t8` AS `t13`
    ON `t14`.`parent_id` = `t13`.`account_id`
), `t20` AS (
  SELECT
    `t19`.`node`,
    `t19`.`account_id`,
    `t19`.`parent_id`,
    `t19`.`parent`,
    `t19`.`missing_parent`,
    ROW_NUMBER() OVER (
      ORDER BY IF(
        (
          SELECT
            *
          FROM (
            SELECT
              BOOL_AND(
                REGEXP_LIKE(`t4`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$')
              ) AS `a`
            FROM `t2` AS `t4`
          ) AS `t7`
        ),
        CAST(REGEXP_EXTRACT(`t19`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$') AS BIGINT),
        CAST(NULL AS BIGINT)
      ) ASC NULLS LAST, IF(
        (
          SELECT
            *
          FROM (
            SELECT
              BOOL_AND(
                REGEXP_LIKE(`t4`.`account_id`, '^[\\t\\n\\f\\r ]*([+-]?[0-9]{1,18})[\\t\\n\\f\\r ]*$')
              ) AS `a`
            FROM `t2` AS `t4`
          ) AS `t7`
        ),
        CAST(NULL AS STRING),
        `t19`.`account_id`
      ) ASC NULLS LAST, `t19`.`account_id` ASC NULLS LAST
    ) - 1 AS `rank`
  FROM (
    SELECT
      *
    FROM `t15` AS `t16`
    WHERE
      `t16`.`parent` IS NOT NULL
  ) AS `t19`
), `t23` AS (
  SELECT
    `t21`.`node`,
    `t21`.`parent` AS `jump`,
    1 AS `dist`,
    `t21`.`rank` AS `min_rank`
  FROM `t20` AS `t21`
), `t28` AS (
  SELECT
    `t27`.`node`,
    IF(`t26`.`node` IS NULL, `t27`.`jump`, `t26`.`jump`) AS `jump`,
    IF(`t26`.`node` IS NULL, `t27`.`dist`, `t27`.`dist` + `t26`.`dist`) AS `dist`,
    IF(`t26`.`node` IS NULL, `t27`.`min_rank`, LEAST(`t27`.`min_rank`, `t26`.`min_rank`)) AS `min_rank`
  FROM `t23` AS `t27`
  LEFT OUTER JOIN `t23` AS `t26`
    ON `t27`.`jump` = `t26`.`node`
), `t33` AS (
  SELECT
    `t32`.`node`,
    IF(`t31`.`node` IS NULL, `t32`.`jump`, `t31`.`jump`) AS `jump`,
    IF(`t31`.`node` IS NULL, `t32`.`dist`, `t32`.`dist` + `t31`.`dist`) AS `dist`,
    IF(`t31`.`node` IS NULL, `t32`.`min_rank`, LEAST(`t32`.`min_rank`, `t31`.`min_rank`)) AS `min_rank`
  FROM `t28` AS `t32`
  LEFT OUTER JOIN `t28` AS `t31`
    ON `t32`.`jump` = `t31`.`node`
), `t38` AS (
  SELECT
    `t37`.`node`,
    IF(`t36`.`node` IS NULL, `t37`.`jump`, `t36`.`jump`) AS `jump`,
    IF(`t36`.`node` IS NULL, `t37`.`dist`, `t37`.`dist` + `t36`.`dist`) AS `dist`,
    IF(`t36`.`node` IS NULL, `t37`.`min_rank`, LEAST(`t37`.`min_rank`, `t36`.`min_rank`)) AS `min_rank`
  FROM `t33` AS `t37`
  LEFT OUTER JOIN `t33` AS `t36`
    ON `t37`.`jump` = `t36`.`node`
), `t43` AS (
  SELECT
    `t42`.`node`,
    IF(`t41`.`node` IS NULL, `t42`.`jump`, `t41`.`jump`) AS `jump`,
    IF(`t41`.`node` IS NULL, `t42`.`dist`, `t42`.`dist` + `t41`.`dist`) AS `dist`,
    IF(`t41`.`node` IS NULL, `t42`.`min_rank`, LEAST(`t42`.`min_rank`, `t41`.`min_rank`)) AS `min_rank`
  FROM `t38` AS `t42`
  LEFT OUTER JOIN `t38` AS `t41`
    ON `t42`.`jump` = `t41`.`node`
), `t51` AS (
  SELECT
    `t50`.`node`,
    `t50`.`terminal`,
    `t50`.`on_cycle_path`,
    COALESCE(`t50`.`root_node`, `t22`.`node`) AS `root`,
    `t50`.`depth`
  FROM (
    SELECT
      `t47`.`node`,
      `t47`.`jump` AS `terminal`,
      NOT (
        `t46`.`node` IS NULL
      ) AS `on_cycle_path`,
      IF(`t46`.`node` IS NULL, `t47`.`jump`, CAST(NULL AS BIGINT)) AS `root_node`,
      IF(`t46`.`node` IS NULL, CAST(NULL AS BIGINT), `t46`.`min_rank`) AS `root_rank`,
      IF(`t46`.`node` IS NULL, `t47`.`dist`, CAST(NULL AS BIGINT)) AS `depth`
    FROM `t43` AS `t47`
    LEFT OUTER JOIN `t43` AS `t46`
      ON `t47`.`jump` = `t46`.`node`
  ) AS `t50`
  LEFT OUTER JOIN `t20` AS `t22`
    ON `t50`.`root_rank` = `t22`.`rank`
), `t55` AS (
  SELECT
    `t18`.`node`,
    `t18`.`account_id`,
    `t18`.`parent_id`,
    COALESCE(`t53`.`root`, `t18`.`node`) AS `root`,
    COALESCE(`t53`.`depth`, IF(`t53`.`node` IS NULL, 0, CAST(NULL AS BIGINT))) AS `depth`,
    CASE
      WHEN `t18`.`node` IN (
        SELECT
          `t52`.`terminal`
        FROM `t51` AS `t52`
        WHERE
          `t52`.`on_cycle_path`
      )
      THEN 'cycle'
      WHEN `t18`.`missing_parent`
      THEN 'missing_parent'
      ELSE CAST(NULL AS STRING)
    END AS `issue`
  FROM `t15` AS `t18`
  LEFT OUTER JOIN `t51` AS `t53`
    ON `t18`.`node` = `t53`.`node`
)
SELECT
  `t68`.`root_id`,
  `t68`.`product_id`,
  `t68`.`account_id`,
  `t68`.`lines`,
  `t68`.`low` + IF(`t68`.`w` > 0, TRY_DIVIDE(`t68`.`wd`, `t68`.`w`), `t68`.`plain`) AS `discount_pct`,
  `t68`.`spend`
FROM (
  SELECT
    `t67`.`root_id`,
    `t67`.`product_id`,
    `t67`.`account_id`,
    `t67`.`low`,
    COUNT(*) AS `lines`,
    AVG(`t67`.`discount_pct` - `t67`.`low`) AS `plain`,
    SUM(GREATEST(COALESCE(`t67`.`amount`, 0.0), 0.0)) AS `w`,
    SUM(
      GREATEST(COALESCE(`t67`.`amount`, 0.0), 0.0) * (
        `t67`.`discount_pct` - `t67`.`low`
      )
    ) AS `wd`,
    SUM(COALESCE(`t67`.`amount`, 0.0)) AS `spend`
  FROM (
    SELECT
      `t63`.`root_id`,
      `t6`.`product_id`,
      `t6`.`account_id`,
      `t6`.`discount_pct`,
      `t6`.`amount`,
      `t66`.`low`
    FROM (
      SELECT
        *
      FROM `purchases` AS `t0`
      WHERE
        `t0`.`purchased_at` >= CAST('2024-07-01T00:00:00' AS TIMESTAMP)
        AND `t0`.`purchased_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        AND (
          `t0`.`discount_pct` IS NOT NULL AND NOT ISNAN(`t0`.`discount_pct`)
        )
        AND `t0`.`product_id` IS NOT NULL
    ) AS `t6`
    INNER JOIN (
      SELECT
        `t61`.`account_id`,
        `t61`.`root_id`
      FROM (
        SELECT
          `t58`.`account_id`,
          `t58`.`parent_id`,
          `t11`.`account_id` AS `root_id`,
          `t58`.`depth`,
          `t58`.`issue`,
          `t60`.`family_size`
        FROM `t55` AS `t58`
        INNER JOIN `t8` AS `t11`
          ON `t58`.`root` = `t11`.`node`
        INNER JOIN (
          SELECT
            `t56`.`root`,
            COUNT(*) AS `family_size`
          FROM `t55` AS `t56`
          GROUP BY
            1
        ) AS `t60`
          ON `t58`.`root` = `t60`.`root`
      ) AS `t61`
    ) AS `t63`
      ON `t6`.`account_id` = `t63`.`account_id`
    INNER JOIN (
      SELECT
        `t64`.`root_id`,
        `t64`.`product_id`,
        `t64`.`account_id`,
        MIN(`t64`.`discount_pct`) AS `low`
      FROM (
        SELECT
          `t63`.`root_id`,
          `t6`.`product_id`,
          `t6`.`account_id`,
          `t6`.`discount_pct`,
          `t6`.`amount`
        FROM (
          SELECT
            *
          FROM `purchases` AS `t0`
          WHERE
            `t0`.`purchased_at` >= CAST('2024-07-01T00:00:00' AS TIMESTAMP)
            AND `t0`.`purchased_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            AND (
              `t0`.`discount_pct` IS NOT NULL AND NOT ISNAN(`t0`.`discount_pct`)
            )
            AND `t0`.`product_id` IS NOT NULL
        ) AS `t6`
        INNER JOIN (
          SELECT
            `t61`.`account_id`,
            `t61`.`root_id`
          FROM (
            SELECT
              `t58`.`account_id`,
              `t58`.`parent_id`,
              `t11`.`account_id` AS `root_id`,
              `t58`.`depth`,
              `t58`.`issue`,
              `t60`.`family_size`
            FROM `t55` AS `t58`
            INNER JOIN `t8` AS `t11`
              ON `t58`.`root` = `t11`.`node`
            INNER JOIN (
              SELECT
                `t56`.`root`,
                COUNT(*) AS `family_size`
              FROM `t55` AS `t56`
              GROUP BY
                1
            ) AS `t60`
              ON `t58`.`root` = `t60`.`root`
          ) AS `t61`
        ) AS `t63`
          ON `t6`.`account_id` = `t63`.`account_id`
      ) AS `t64`
      GROUP BY
        1,
        2,
        3
    ) AS `t66`
      ON `t63`.`root_id` = `t66`.`root_id`
      AND `t6`.`product_id` = `t66`.`product_id`
      AND `t6`.`account_id` = `t66`.`account_id`
  ) AS `t67`
  GROUP BY
    1,
    2,
    3,
    4
) AS `t68`
ORDER BY
  `t68`.`root_id` ASC NULLS LAST,
  `t68`.`product_id` ASC NULLS LAST,
  `t68`.`account_id` ASC NULLS LAST
