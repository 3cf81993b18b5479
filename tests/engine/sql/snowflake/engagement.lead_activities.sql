WITH "t4" AS (
  SELECT
    "t2"."activity_id",
    "t2"."lead_id" AS "a_lead",
    "t2"."opportunity_id" AS "a_opp",
    "t2"."occurred_at",
    "t2"."type"
  FROM "activities" AS "t2"
)
SELECT
  "t16"."lead_id",
  "t16"."activity_id",
  "t16"."occurred_at",
  "t16"."type",
  IFF("t16"."via" = 0, 'lead', 'opportunity') AS "via"
FROM (
  SELECT
    "t15"."lead_id",
    "t15"."activity_id",
    MIN("t15"."occurred_at") AS "occurred_at",
    MIN("t15"."type") AS "type",
    MIN("t15"."via") AS "via"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t9"."lead_id",
        "t11"."activity_id",
        "t11"."occurred_at",
        "t11"."type",
        0 AS "via"
      FROM (
        SELECT DISTINCT
          "t0"."lead_id"
        FROM "leads" AS "t0"
        WHERE
          "t0"."lead_id" IS NOT NULL
      ) AS "t9"
      INNER JOIN "t4" AS "t11"
        ON "t9"."lead_id" = "t11"."a_lead"
    ) AS "t13"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t10"."lead_id",
        "t12"."activity_id",
        "t12"."occurred_at",
        "t12"."type",
        1 AS "via"
      FROM (
        SELECT DISTINCT
          "t0"."lead_id",
          "t0"."converted_opportunity_id" AS "conv_id"
        FROM "leads" AS "t0"
        WHERE
          "t0"."lead_id" IS NOT NULL AND "t0"."converted_opportunity_id" IS NOT NULL
      ) AS "t10"
      INNER JOIN "t4" AS "t12"
        ON "t10"."conv_id" = "t12"."a_opp"
      WHERE
        EXISTS(
          SELECT
            1
          FROM (
            SELECT
              "t1"."opportunity_id" AS "known_id"
            FROM "opportunities" AS "t1"
          ) AS "t7"
          WHERE
            "t10"."conv_id" = "t7"."known_id"
        )
    ) AS "t14"
  ) AS "t15"
  GROUP BY
    1,
    2
) AS "t16"
ORDER BY
  "t16"."lead_id" ASC,
  "t16"."occurred_at" ASC,
  "t16"."activity_id" ASC
