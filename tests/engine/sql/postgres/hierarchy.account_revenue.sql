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
          "t0"."close_date" >= CAST('2025-07-01T00:00:00' AS TIMESTAMP)
        )
        AND (
          "t0"."close_date" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
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
