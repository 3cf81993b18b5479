SELECT
  *
FROM (
  SELECT
    `t2`.`account_id`,
    `t2`.`product_id`,
    MIN(`t2`.`purchased_at`) AS `first_purchased_at`,
    MAX(`t2`.`purchased_at`) AS `last_purchased_at`,
    COUNT(*) AS `purchase_rows`,
    SUM(`t2`.`amount`) AS `amount`
  FROM (
    SELECT
      `t1`.`account_id`,
      `t1`.`product_id`,
      `t1`.`purchased_at`,
      `t1`.`amount`
    FROM (
      SELECT DISTINCT
        NULLIF(`t0`.`account_id`, '') AS `account_id`,
        NULLIF(`t0`.`product_id`, '') AS `product_id`,
        `t0`.`purchased_at`,
        `t0`.`amount`,
        `t0`.`discount_pct`
      FROM `purchases` AS `t0`
      WHERE
        NOT (
          (
            NULLIF(`t0`.`account_id`, '') IS NULL
          )
          OR (
            NULLIF(`t0`.`product_id`, '') IS NULL
          )
          OR (
            `t0`.`purchased_at` IS NULL
          )
        )
        AND `t0`.`purchased_at` < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
    ) AS `t1`
  ) AS `t2`
  GROUP BY
    1,
    2
) AS `t3`
ORDER BY
  `t3`.`account_id` ASC NULLS LAST,
  `t3`.`product_id` ASC NULLS LAST
