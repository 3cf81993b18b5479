SELECT
  *
FROM (
  SELECT
    "t1"."account_id",
    COALESCE(SUM("t1"."amount"), 0.0) AS "revenue"
  FROM (
    SELECT
      *
    FROM "opportunities" AS "t0"
    WHERE
      COALESCE("t0"."is_won", FALSE)
      AND COALESCE(
        (
          "t0"."close_date" >= TIMESTAMP_FROM_PARTS(2025, 7, 1, 0, 0, 0, 0)
        )
        AND (
          "t0"."close_date" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
        ),
        FALSE
      )
      AND "t0"."account_id" IS NOT NULL
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."account_id" ASC
