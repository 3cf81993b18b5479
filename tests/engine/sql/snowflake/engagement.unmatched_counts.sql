WITH "t19" AS (
  SELECT
    "t18"."kind",
    "t18"."rid",
    "t10"."known_id" IS NOT NULL AS "found"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t0"."converted_account_id" AS "account_id",
        'leads' AS "kind",
        CAST(NULL AS VARCHAR) AS "rid",
        "t0"."created_at" AS "ts"
      FROM "leads" AS "t0"
      WHERE
        "t0"."converted_account_id" IS NOT NULL
        AND "t0"."created_at" >= TIMESTAMP_FROM_PARTS(2026, 4, 2, 0, 0, 0, 0)
        AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
    ) AS "t4"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t14"."account_id",
          'activities' AS "kind",
          "t14"."activity_id" AS "rid",
          "t14"."occurred_at" AS "ts"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t3"."activity_id",
              "t3"."account_id",
              "t3"."occurred_at"
            FROM "activities" AS "t3"
            WHERE
              "t3"."account_id" IS NOT NULL
          ) AS "t8"
          UNION
          SELECT
            *
          FROM (
            SELECT
              "t12"."activity_id",
              "t11"."deal_account" AS "account_id",
              "t12"."occurred_at"
            FROM (
              SELECT
                "t3"."activity_id",
                "t3"."occurred_at",
                "t3"."account_id",
                "t3"."opportunity_id"
              FROM "activities" AS "t3"
              WHERE
                "t3"."opportunity_id" IS NOT NULL
            ) AS "t12"
            INNER JOIN (
              SELECT
                "t2"."opportunity_id" AS "deal_id",
                "t2"."account_id" AS "deal_account"
              FROM "opportunities" AS "t2"
              WHERE
                "t2"."opportunity_id" IS NOT NULL AND "t2"."account_id" IS NOT NULL
            ) AS "t11"
              ON "t12"."opportunity_id" = "t11"."deal_id"
          ) AS "t13"
        ) AS "t14"
        WHERE
          "t14"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 4, 2, 0, 0, 0, 0)
          AND "t14"."occurred_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
      ) AS "t15"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t2"."account_id",
          'opportunities' AS "kind",
          CAST(NULL AS VARCHAR) AS "rid",
          "t2"."created_at" AS "ts"
        FROM "opportunities" AS "t2"
        WHERE
          "t2"."created_at" >= TIMESTAMP_FROM_PARTS(2026, 4, 2, 0, 0, 0, 0)
          AND "t2"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
      ) AS "t6"
    ) AS "t16"
  ) AS "t18"
  LEFT OUTER JOIN (
    SELECT DISTINCT
      "t1"."account_id" AS "known_id"
    FROM "accounts" AS "t1"
    WHERE
      "t1"."account_id" IS NOT NULL
  ) AS "t10"
    ON "t18"."account_id" = "t10"."known_id"
)
SELECT
  "t27"."activities",
  "t26"."opportunities",
  "t26"."leads"
FROM (
  SELECT
    COALESCE(SUM(IFF("t23"."found", 0, 1)), 0) AS "activities"
  FROM (
    SELECT
      "t21"."rid",
      MAX("t21"."found") AS "found"
    FROM (
      SELECT
        *
      FROM "t19" AS "t20"
      WHERE
        "t20"."kind" = 'activities'
    ) AS "t21"
    GROUP BY
      1
  ) AS "t23"
) AS "t27"
CROSS JOIN (
  SELECT
    COALESCE(
      SUM(IFF((
        "t22"."kind" = 'opportunities'
      ) AND NOT (
        "t22"."found"
      ), 1, 0)),
      0
    ) AS "opportunities",
    COALESCE(SUM(IFF((
      "t22"."kind" = 'leads'
    ) AND NOT (
      "t22"."found"
    ), 1, 0)), 0) AS "leads"
  FROM (
    SELECT
      *
    FROM "t19" AS "t20"
    WHERE
      "t20"."kind" <> 'activities'
  ) AS "t22"
) AS "t26"
