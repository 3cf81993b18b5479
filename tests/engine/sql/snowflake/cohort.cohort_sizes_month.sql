WITH "t8" AS (
  SELECT
    "t0"."lead_id",
    "t0"."lead_id" AS "anchor",
    TO_DATE("t0"."created_at") AS "created_day"
  FROM "leads" AS "t0"
  WHERE
    "t0"."created_at" IS NOT NULL
    AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
    AND "t0"."lead_id" IS NOT NULL
)
SELECT
  "t32"."segment",
  (
    (
      (
        CAST(DATE_PART(year, "t32"."created_at") AS BIGINT) - 1970
      ) * 12
    ) + CAST(DATE_PART(month, "t32"."created_at") AS BIGINT)
  ) - 1 AS "c",
  COUNT(*) AS "leads"
FROM (
  SELECT
    '' AS "segment",
    "t15"."created_at",
    "t31"."touched_at",
    "t31"."meeting_at",
    "t31"."opportunity_at",
    "t31"."won_at"
  FROM (
    SELECT
      *
    FROM "leads" AS "t0"
    WHERE
      "t0"."created_at" IS NOT NULL
      AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
  ) AS "t15"
  LEFT OUTER JOIN (
    SELECT
      "t29"."anchor" AS "lead_id",
      "t29"."touched_at",
      "t29"."meeting_at",
      "t29"."opportunity_at",
      "t29"."won_at",
      "t29"."activities_before",
      "t29"."activities_after",
      "t29"."opportunity_not_found",
      "t29"."opportunity_before",
      "t29"."opportunity_after",
      "t29"."won_before",
      "t29"."won_after"
    FROM (
      SELECT
        COALESCE("t28"."anchor", "t27"."anchor") AS "anchor",
        "t28"."touched_at",
        "t28"."meeting_at",
        "t27"."opportunity_at",
        "t27"."won_at",
        COALESCE("t28"."activities_before", 0) AS "activities_before",
        COALESCE("t28"."activities_after", 0) AS "activities_after",
        COALESCE("t27"."opportunity_not_found", 0) AS "opportunity_not_found",
        COALESCE("t27"."opportunity_before", 0) AS "opportunity_before",
        COALESCE("t27"."opportunity_after", 0) AS "opportunity_after",
        COALESCE("t27"."won_before", 0) AS "won_before",
        COALESCE("t27"."won_after", 0) AS "won_after"
      FROM (
        SELECT
          "t24"."anchor",
          MIN(
            IFF(
              NOT (
                TO_DATE("t24"."occurred_at") < "t24"."created_day"
              )
              AND NOT (
                "t24"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND (
                "t24"."via" = 0
              ),
              "t24"."occurred_at",
              NULL
            )
          ) AS "touched_at",
          MIN(
            IFF(
              NOT (
                TO_DATE("t24"."occurred_at") < "t24"."created_day"
              )
              AND NOT (
                "t24"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND (
                "t24"."type" = 'meeting'
              ),
              "t24"."occurred_at",
              NULL
            )
          ) AS "meeting_at",
          SUM(
            IFF(
              (
                TO_DATE("t24"."occurred_at") < "t24"."created_day"
              )
              AND NOT (
                "t24"."dup"
              ),
              1,
              0
            )
          ) AS "activities_before",
          SUM(
            IFF(
              (
                "t24"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND NOT (
                TO_DATE("t24"."occurred_at") < "t24"."created_day"
              )
              AND NOT (
                "t24"."dup"
              ),
              1,
              0
            )
          ) AS "activities_after"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t19"."lead_id",
              "t19"."anchor",
              "t19"."created_day",
              "t11"."activity_id",
              "t11"."occurred_at",
              "t11"."type",
              0 AS "via",
              FALSE AS "dup"
            FROM "t8" AS "t19"
            INNER JOIN (
              SELECT
                "t1"."activity_id",
                "t1"."lead_id" AS "a_lead",
                "t1"."occurred_at",
                "t1"."type"
              FROM "activities" AS "t1"
            ) AS "t11"
              ON "t19"."lead_id" = "t11"."a_lead"
          ) AS "t22"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t17"."lead_id",
              "t17"."anchor",
              "t17"."created_day",
              "t12"."activity_id",
              "t12"."occurred_at",
              "t12"."type",
              1 AS "via",
              COALESCE("t12"."a_lead" = "t17"."lead_id", FALSE) AS "dup"
            FROM (
              SELECT
                "t0"."lead_id",
                "t0"."converted_opportunity_id" AS "conv_id",
                "t0"."lead_id" AS "anchor",
                TO_DATE("t0"."created_at") AS "created_day"
              FROM "leads" AS "t0"
              WHERE
                "t0"."created_at" IS NOT NULL
                AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
                AND "t0"."lead_id" IS NOT NULL
                AND "t0"."converted_opportunity_id" IS NOT NULL
            ) AS "t17"
            INNER JOIN (
              SELECT
                "t1"."activity_id",
                "t1"."opportunity_id" AS "a_opp",
                "t1"."lead_id" AS "a_lead",
                "t1"."occurred_at",
                "t1"."type"
              FROM "activities" AS "t1"
            ) AS "t12"
              ON "t17"."conv_id" = "t12"."a_opp"
            WHERE
              EXISTS(
                SELECT
                  1
                FROM (
                  SELECT
                    "t2"."opportunity_id" AS "known_id"
                  FROM "opportunities" AS "t2"
                ) AS "t13"
                WHERE
                  "t17"."conv_id" = "t13"."known_id"
              )
          ) AS "t21"
        ) AS "t24"
        GROUP BY
          1
      ) AS "t28"
      FULL OUTER JOIN (
        SELECT
          "t23"."anchor",
          MIN(
            IFF(
              NOT (
                TO_DATE("t23"."created_at") < "t23"."created_day"
              )
              AND NOT (
                "t23"."created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              ),
              "t23"."created_at",
              NULL
            )
          ) AS "opportunity_at",
          MIN(
            IFF(
              COALESCE("t23"."is_won", FALSE)
              AND NOT (
                COALESCE("t23"."is_won", FALSE)
                AND (
                  TO_DATE("t23"."close_date") < "t23"."created_day"
                )
              )
              AND NOT (
                COALESCE("t23"."is_won", FALSE)
                AND (
                  "t23"."close_date" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
                )
              ),
              "t23"."close_date",
              NULL
            )
          ) AS "won_at",
          SUM(IFF(NOT (
            "t23"."opportunity_id" IS NOT NULL
          ), 1, 0)) AS "opportunity_not_found",
          SUM(IFF(TO_DATE("t23"."created_at") < "t23"."created_day", 1, 0)) AS "opportunity_before",
          SUM(
            IFF(
              (
                "t23"."created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND NOT (
                TO_DATE("t23"."created_at") < "t23"."created_day"
              ),
              1,
              0
            )
          ) AS "opportunity_after",
          SUM(
            IFF(
              COALESCE("t23"."is_won", FALSE)
              AND (
                TO_DATE("t23"."close_date") < "t23"."created_day"
              ),
              1,
              0
            )
          ) AS "won_before",
          SUM(
            IFF(
              COALESCE("t23"."is_won", FALSE)
              AND (
                "t23"."close_date" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND NOT (
                COALESCE("t23"."is_won", FALSE)
                AND (
                  TO_DATE("t23"."close_date") < "t23"."created_day"
                )
              ),
              1,
              0
            )
          ) AS "won_after"
        FROM (
          SELECT
            "t18"."lead_id",
            "t18"."conv_id",
            "t20"."anchor",
            "t20"."created_day",
            "t14"."opportunity_id",
            "t14"."created_at",
            "t14"."close_date",
            "t14"."is_won"
          FROM (
            SELECT
              "t0"."lead_id",
              "t0"."converted_opportunity_id" AS "conv_id"
            FROM "leads" AS "t0"
            WHERE
              "t0"."created_at" IS NOT NULL
              AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              AND "t0"."lead_id" IS NOT NULL
              AND "t0"."converted_opportunity_id" IS NOT NULL
          ) AS "t18"
          INNER JOIN "t8" AS "t20"
            ON "t18"."lead_id" = "t20"."lead_id"
          LEFT OUTER JOIN (
            SELECT
              "t2"."opportunity_id",
              "t2"."created_at",
              "t2"."close_date",
              "t2"."is_won"
            FROM "opportunities" AS "t2"
          ) AS "t14"
            ON "t18"."conv_id" = "t14"."opportunity_id"
        ) AS "t23"
        GROUP BY
          1
      ) AS "t27"
        ON "t28"."anchor" = "t27"."anchor"
    ) AS "t29"
  ) AS "t31"
    ON "t15"."lead_id" = "t31"."lead_id"
) AS "t32"
GROUP BY
  1,
  2
