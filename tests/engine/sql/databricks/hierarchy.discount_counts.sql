SELECT
  COUNT(*) AS `lines`,
  COALESCE(
    SUM(
      IF(
        COALESCE(`t0`.`purchased_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE),
        1,
        0
      )
    ),
    0
  ) AS `after_as_of`,
  COALESCE(
    SUM(
      IF(
        COALESCE(`t0`.`purchased_at` < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE),
        1,
        0
      )
    ),
    0
  ) AS `before_lookback`,
  COALESCE(SUM(IF(`t0`.`purchased_at` IS NULL, 1, 0)), 0) AS `missing_date`,
  COALESCE(
    SUM(
      IF(
        NOT (
          COALESCE(`t0`.`purchased_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          COALESCE(`t0`.`purchased_at` < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND (
          `t0`.`discount_pct` IS NULL OR ISNAN(`t0`.`discount_pct`)
        ),
        1,
        0
      )
    ),
    0
  ) AS `missing_discount`,
  COALESCE(
    SUM(
      IF(
        NOT (
          COALESCE(`t0`.`purchased_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          COALESCE(`t0`.`purchased_at` < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          `t0`.`discount_pct` IS NULL OR ISNAN(`t0`.`discount_pct`)
        )
        AND (
          `t0`.`purchased_at` IS NOT NULL
        ),
        1,
        0
      )
    ),
    0
  ) AS `used`,
  COALESCE(
    SUM(
      IF(
        NOT (
          COALESCE(`t0`.`purchased_at` >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          COALESCE(`t0`.`purchased_at` < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          `t0`.`discount_pct` IS NULL OR ISNAN(`t0`.`discount_pct`)
        )
        AND (
          `t0`.`purchased_at` IS NOT NULL
        )
        AND (
          `t0`.`amount` IS NULL OR ISNAN(`t0`.`amount`)
        ),
        1,
        0
      )
    ),
    0
  ) AS `used_missing_amount`
FROM `purchases` AS `t0`
