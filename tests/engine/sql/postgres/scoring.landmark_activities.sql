WITH "t6" AS (
  SELECT
    "t0"."lead_id",
    "t0"."created_at",
    "t0"."source",
    "t0"."status",
    "t0"."score",
    "t0"."owner_id",
    "t0"."handed_off_at",
    "t0"."converted_at",
    "t0"."converted_account_id",
    "t0"."converted_opportunity_id",
    "t0"."company",
    ROW_NUMBER() OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) - 1 AS "lead_row",
    "t0"."created_at" + INTERVAL '30 DAY' AS "landmark"
  FROM "leads" AS "t0"
)
SELECT
  "t22"."lead_row",
  COUNT(DISTINCT "t22"."activity_id") AS "n_activities"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t14"."lead_row",
      "t14"."created_at",
      "t14"."landmark",
      "t20"."activity_id",
      DATE_TRUNC('DAY', "t20"."occurred_at") AS "day"
    FROM (
      SELECT
        "t10"."lead_id",
        "t10"."created_at",
        "t10"."source",
        "t10"."status",
        "t10"."score",
        "t10"."owner_id",
        "t10"."handed_off_at",
        "t10"."converted_at",
        "t10"."converted_account_id",
        "t10"."converted_opportunity_id",
        "t10"."company",
        "t10"."lead_row",
        "t10"."landmark",
        "t10"."converted_opportunity_id" AS "conv_id"
      FROM "t6" AS "t10"
    ) AS "t14"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t15"."lead_id",
          "t7"."activity_id",
          "t7"."occurred_at",
          0 AS "via",
          FALSE AS "dup"
        FROM (
          SELECT DISTINCT
            "t10"."lead_id"
          FROM "t6" AS "t10"
          WHERE
            "t10"."lead_id" IS NOT NULL
        ) AS "t15"
        INNER JOIN (
          SELECT
            "t1"."activity_id",
            "t1"."lead_id" AS "a_lead",
            "t1"."occurred_at"
          FROM "activities" AS "t1"
        ) AS "t7"
          ON "t15"."lead_id" = "t7"."a_lead"
      ) AS "t17"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t16"."lead_id",
          "t8"."activity_id",
          "t8"."occurred_at",
          1 AS "via",
          COALESCE("t8"."a_lead" = "t16"."lead_id", FALSE) AS "dup"
        FROM (
          SELECT DISTINCT
            "t10"."lead_id",
            "t10"."converted_opportunity_id" AS "conv_id"
          FROM "t6" AS "t10"
          WHERE
            "t10"."lead_id" IS NOT NULL AND "t10"."converted_opportunity_id" IS NOT NULL
        ) AS "t16"
        INNER JOIN (
          SELECT
            "t1"."activity_id",
            "t1"."opportunity_id" AS "a_opp",
            "t1"."lead_id" AS "a_lead",
            "t1"."occurred_at"
          FROM "activities" AS "t1"
        ) AS "t8"
          ON "t16"."conv_id" = "t8"."a_opp"
        WHERE
          EXISTS(
            SELECT
              1
            FROM (
              SELECT
                "t2"."opportunity_id" AS "known_id"
              FROM "opportunities" AS "t2"
            ) AS "t9"
            WHERE
              "t16"."conv_id" = "t9"."known_id"
          )
      ) AS "t18"
    ) AS "t20"
      ON "t14"."lead_id" = "t20"."lead_id"
  ) AS "t21"
  WHERE
    "t21"."day" >= "t21"."created_at" AND "t21"."day" <= "t21"."landmark"
) AS "t22"
GROUP BY
  1
