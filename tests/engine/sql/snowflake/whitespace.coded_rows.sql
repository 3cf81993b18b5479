SELECT
  "t3"."a",
  "t4"."p",
  "t7"."amount"
FROM (
  SELECT
    "t5"."account_id",
    "t5"."product_id",
    "t5"."amount"
  FROM (
    SELECT DISTINCT
      NULLIF("t2"."account_id", '') AS "account_id",
      NULLIF("t2"."product_id", '') AS "product_id",
      "t2"."purchased_at",
      "t2"."amount",
      "t2"."discount_pct"
    FROM "purchases" AS "t2"
    WHERE
      NOT (
        (
          NULLIF("t2"."account_id", '') IS NULL
        )
        OR (
          NULLIF("t2"."product_id", '') IS NULL
        )
        OR (
          "t2"."purchased_at" IS NULL
        )
      )
      AND "t2"."purchased_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
  ) AS "t5"
) AS "t7"
LEFT OUTER JOIN "account_codes" AS "t3"
  ON "t7"."account_id" = "t3"."account_id"
LEFT OUTER JOIN "product_codes" AS "t4"
  ON "t7"."product_id" = "t4"."product_id"
