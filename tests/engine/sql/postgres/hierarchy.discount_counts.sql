SELECT
  COUNT(*) AS "lines",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE("t0"."purchased_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "after_as_of",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE("t0"."purchased_at" < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "before_lookback",
  COALESCE(SUM(CASE WHEN "t0"."purchased_at" IS NULL THEN 1 ELSE 0 END), 0) AS "missing_date",
  COALESCE(
    SUM(
      CASE
        WHEN NOT (
          COALESCE("t0"."purchased_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          COALESCE("t0"."purchased_at" < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND (
          "t0"."discount_pct" IS NULL
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "missing_discount",
  COALESCE(
    SUM(
      CASE
        WHEN NOT (
          COALESCE("t0"."purchased_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          COALESCE("t0"."purchased_at" < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          "t0"."discount_pct" IS NULL
        )
        AND (
          "t0"."purchased_at" IS NOT NULL
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "used",
  COALESCE(
    SUM(
      CASE
        WHEN NOT (
          COALESCE("t0"."purchased_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          COALESCE("t0"."purchased_at" < CAST('2024-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
        AND NOT (
          "t0"."discount_pct" IS NULL
        )
        AND (
          "t0"."purchased_at" IS NOT NULL
        )
        AND (
          "t0"."amount" IS NULL
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "used_missing_amount"
FROM "purchases" AS "t0"
