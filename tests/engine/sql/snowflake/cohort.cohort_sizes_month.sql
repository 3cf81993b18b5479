SELECT
  "t28"."segment",
  (
    (
      (
        CAST(DATE_PART(year, "t28"."created_at") AS BIGINT) - 1970
      ) * 12
    ) + CAST(DATE_PART(month, "t28"."created_at") AS BIGINT)
  ) - 1 AS "c",
  COUNT(*) AS "leads"
FROM (
  SELECT
    '' AS "segment",
    "t14"."created_at",
    "t27"."touched_at",
    "t27"."meeting_at",
    "t27"."opportunity_at",
    "t27"."won_at"
  FROM (
    SELECT
      *
    FROM "leads" AS "t0"
    WHERE
      "t0"."created_at" IS NOT NULL
      AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
  ) AS "t14"
  LEFT OUTER JOIN (
    SELECT
      "t25"."anchor" AS "lead_id",
      "t25"."touched_at",
      "t25"."meeting_at",
      "t25"."opportunity_at",
      "t25"."won_at",
      "t25"."activities_before",
      "t25"."activities_after",
      "t25"."opportunity_not_found",
      "t25"."opportunity_before",
      "t25"."opportunity_after",
      "t25"."won_before",
      "t25"."won_after"
    FROM (
      SELECT
        COALESCE("t24"."anchor", "t23"."anchor") AS "anchor",
        "t24"."touched_at",
        "t24"."meeting_at",
        "t23"."opportunity_at",
        "t23"."won_at",
        COALESCE("t24"."activities_before", 0) AS "activities_before",
        COALESCE("t24"."activities_after", 0) AS "activities_after",
        COALESCE("t23"."opportunity_not_found", 0) AS "opportunity_not_found",
        COALESCE("t23"."opportunity_before", 0) AS "opportunity_before",
        COALESCE("t23"."opportunity_after", 0) AS "opportunity_after",
        COALESCE("t23"."won_before", 0) AS "won_before",
        COALESCE("t23"."won_after", 0) AS "won_after"
      FROM (
        SELECT
          "t20"."anchor",
          MIN(
            IFF(
              NOT (
                TO_DATE("t20"."occurred_at") < "t20"."created_day"
              )
              AND NOT (
                "t20"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND (
                "t20"."via" = 0
              ),
              "t20"."occurred_at",
              NULL
            )
          ) AS "touched_at",
          MIN(
            IFF(
              NOT (
                TO_DATE("t20"."occurred_at") < "t20"."created_day"
              )
              AND NOT (
                "t20"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND (
                "t20"."type" = 'meeting'
              ),
              "t20"."occurred_at",
              NULL
            )
          ) AS "meeting_at",
          SUM(
            IFF(
              (
                TO_DATE("t20"."occurred_at") < "t20"."created_day"
              )
              AND NOT (
                "t20"."dup"
              ),
              1,
              0
            )
          ) AS "activities_before",
          SUM(
            IFF(
              (
                "t20"."occurred_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND NOT (
                TO_DATE("t20"."occurred_at") < "t20"."created_day"
              )
              AND NOT (
                "t20"."dup"
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
              "t15"."lead_id",
              "t15"."anchor",
              "t15"."created_day",
              "t10"."activity_id",
              "t10"."occurred_at",
              "t10"."type",
              0 AS "via",
              FALSE AS "dup"
            FROM (
              SELECT
                "t0"."lead_id",
                "t0"."lead_id" AS "anchor",
                TO_DATE("t0"."created_at") AS "created_day"
              FROM "leads" AS "t0"
              WHERE
                "t0"."created_at" IS NOT NULL
                AND "t0"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
                AND "t0"."lead_id" IS NOT NULL
            ) AS "t15"
            INNER JOIN (
              SELECT
                "t1"."activity_id",
                "t1"."lead_id" AS "a_lead",
                "t1"."occurred_at",
                "t1"."type"
              FROM "activities" AS "t1"
            ) AS "t10"
              ON "t15"."lead_id" = "t10"."a_lead"
          ) AS "t17"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t16"."lead_id",
              "t16"."anchor",
              "t16"."created_day",
              "t11"."activity_id",
              "t11"."occurred_at",
              "t11"."type",
              1 AS "via",
              COALESCE("t11"."a_lead" = "t16"."lead_id", FALSE) AS "dup"
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
            ) AS "t16"
            INNER JOIN (
              SELECT
                "t1"."activity_id",
                "t1"."opportunity_id" AS "a_opp",
                "t1"."lead_id" AS "a_lead",
                "t1"."occurred_at",
                "t1"."type"
              FROM "activities" AS "t1"
            ) AS "t11"
              ON "t16"."conv_id" = "t11"."a_opp"
            WHERE
              EXISTS(
                SELECT
                  1
                FROM (
                  SELECT
                    "t2"."opportunity_id" AS "known_id"
                  FROM "opportunities" AS "t2"
                ) AS "t12"
                WHERE
                  "t16"."conv_id" = "t12"."known_id"
              )
          ) AS "t18"
        ) AS "t20"
        GROUP BY
          1
      ) AS "t24"
      FULL OUTER JOIN (
        SELECT
          "t19"."anchor",
          MIN(
            IFF(
              NOT (
                TO_DATE("t19"."created_at") < "t19"."created_day"
              )
              AND NOT (
                "t19"."created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              ),
              "t19"."created_at",
              NULL
            )
          ) AS "opportunity_at",
          MIN(
            IFF(
              COALESCE("t19"."is_won", FALSE)
              AND NOT (
                COALESCE("t19"."is_won", FALSE)
                AND (
                  TO_DATE("t19"."close_date") < "t19"."created_day"
                )
              )
              AND NOT (
                COALESCE("t19"."is_won", FALSE)
                AND (
                  "t19"."close_date" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
                )
              ),
              "t19"."close_date",
              NULL
            )
          ) AS "won_at",
          SUM(IFF(NOT (
            "t19"."opportunity_id" IS NOT NULL
          ), 1, 0)) AS "opportunity_not_found",
          SUM(IFF(TO_DATE("t19"."created_at") < "t19"."created_day", 1, 0)) AS "opportunity_before",
          SUM(
            IFF(
              (
                "t19"."created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND NOT (
                TO_DATE("t19"."created_at") < "t19"."created_day"
              ),
              1,
              0
            )
          ) AS "opportunity_after",
          SUM(
            IFF(
              COALESCE("t19"."is_won", FALSE)
              AND (
                TO_DATE("t19"."close_date") < "t19"."created_day"
              ),
              1,
              0
            )
          ) AS "won_before",
          SUM(
            IFF(
              COALESCE("t19"."is_won", FALSE)
              AND (
                "t19"."close_date" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0)
              )
              AND NOT (
                COALESCE("t19"."is_won", FALSE)
                AND (
                  TO_DATE("t19"."close_date") < "t19"."created_day"
                )
              ),
              1,
              0
            )
          ) AS "won_after"
        FROM (
          SELECT
            "t16"."lead_id",
            "t16"."anchor",
            "t16"."created_day",
            "t16"."conv_id",
            "t13"."opportunity_id",
            "t13"."created_at",
            "t13"."close_date",
            "t13"."is_won"
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
          ) AS "t16"
          LEFT OUTER JOIN (
            SELECT
              "t2"."opportunity_id",
              "t2"."created_at",
              "t2"."close_date",
              "t2"."is_won"
            FROM "opportunities" AS "t2"
          ) AS "t13"
            ON "t16"."conv_id" = "t13"."opportunity_id"
        ) AS "t19"
        GROUP BY
          1
      ) AS "t23"
        ON "t24"."anchor" = "t23"."anchor"
    ) AS "t25"
  ) AS "t27"
    ON "t14"."lead_id" = "t27"."lead_id"
) AS "t28"
GROUP BY
  1,
  2
