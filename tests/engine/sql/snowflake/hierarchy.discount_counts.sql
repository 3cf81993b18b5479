SELECT
  COUNT(*) AS "lines",
  COALESCE(
    SUM(
      IFF(
        COALESCE("t0"."purchased_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE),
        1,
        0
      )
    ),
    0
  ) AS "after_as_of",
  COALESCE(
    SUM(
      IFF(
        COALESCE("t0"."purchased_at" < TIMESTAMP_FROM_PARTS(2024, 7, 1, 0, 0, 0, 0), FALSE),
        1,
        0
      )
    ),
    0
  ) AS "before_lookback",
  COALESCE(SUM(IFF("t0"."purchased_at" IS NULL, 1, 0)), 0) AS "missing_date",
  COALESCE(
    SUM(
      IFF(
        NOT (
          COALESCE("t0"."purchased_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
        )
        AND NOT (
          COALESCE("t0"."purchased_at" < TIMESTAMP_FROM_PARTS(2024, 7, 1, 0, 0, 0, 0), FALSE)
        )
        AND (
          "t0"."discount_pct" IS NULL
        ),
        1,
        0
      )
    ),
    0
  ) AS "missing_discount",
  COALESCE(
    SUM(
      IFF(
        NOT (
          COALESCE("t0"."purchased_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
        )
        AND NOT (
          COALESCE("t0"."purchased_at" < TIMESTAMP_FROM_PARTS(2024, 7, 1, 0, 0, 0, 0), FALSE)
        )
        AND NOT (
          "t0"."discount_pct" IS NULL
        )
        AND (
          "t0"."purchased_at" IS NOT NULL
        ),
        1,
        0
      )
    ),
    0
  ) AS "used",
  COALESCE(
    SUM(
      IFF(
        NOT (
          COALESCE("t0"."purchased_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
        )
        AND NOT (
          COALESCE("t0"."purchased_at" < TIMESTAMP_FROM_PARTS(2024, 7, 1, 0, 0, 0, 0), FALSE)
        )
        AND NOT (
          "t0"."discount_pct" IS NULL
        )
        AND (
          "t0"."purchased_at" IS NOT NULL
        )
        AND (
          "t0"."amount" IS NULL
        ),
        1,
        0
      )
    ),
    0
  ) AS "used_missing_amount"
FROM "purchases" AS "t0"
