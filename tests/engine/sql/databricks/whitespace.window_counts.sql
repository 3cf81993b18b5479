SELECT
  COUNT(*) AS `rows`,
  COALESCE(
    SUM(
      IF(
        (
          `t1`.`account_id` IS NULL
        )
        OR (
          `t1`.`product_id` IS NULL
        )
        OR (
          `t1`.`purchased_at` IS NULL
        ),
        1,
        0
      )
    ),
    0
  ) AS `missing_key`,
  COALESCE(
    SUM(
      IF(
        NOT (
          (
            `t1`.`account_id` IS NULL
          )
          OR (
            `t1`.`product_id` IS NULL
          )
          OR (
            `t1`.`purchased_at` IS NULL
          )
        )
        AND (
          `t1`.`purchased_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        ),
        1,
        0
      )
    ),
    0
  ) AS `after_as_of`
FROM (
  SELECT
    NULLIF(`t0`.`account_id`, '') AS `account_id`,
    NULLIF(`t0`.`product_id`, '') AS `product_id`,
    `t0`.`purchased_at`,
    `t0`.`amount`,
    `t0`.`discount_pct`
  FROM `purchases` AS `t0`
) AS `t1`
