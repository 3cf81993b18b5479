SELECT
  "t23"."anchor" AS "lead_id",
  "t23"."touched_at",
  "t23"."meeting_at",
  "t23"."opportunity_at",
  "t23"."won_at",
  "t23"."activities_before",
  "t23"."activities_after",
  "t23"."opportunity_not_found",
  "t23"."opportunity_before",
  "t23"."opportunity_after",
  "t23"."won_before",
  "t23"."won_after"
FROM (
  SELECT
    COALESCE("t22"."anchor", "t21"."anchor") AS "anchor",
    "t22"."touched_at",
    "t22"."meeting_at",
    "t21"."opportunity_at",
    "t21"."won_at",
    COALESCE("t22"."activities_before", 0) AS "activities_before",
    COALESCE("t22"."activities_after", 0) AS "activities_after",
    COALESCE("t21"."opportunity_not_found", 0) AS "opportunity_not_found",
    COALESCE("t21"."opportunity_before", 0) AS "opportunity_before",
    COALESCE("t21"."opportunity_after", 0) AS "opportunity_after",
    COALESCE("t21"."won_before", 0) AS "won_before",
    COALESCE("t21"."won_after", 0) AS "won_after"
  FROM (
    SELECT
      "t18"."anchor",
      MIN("t18"."occurred_at") FILTER(WHERE
        NOT (
          DATE("t18"."occurred_at") < "t18"."created_day"
        )
        AND NOT (
          "t18"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        )
        AND (
          "t18"."via" = 0
        )) AS "touched_at",
      MIN("t18"."occurred_at") FILTER(WHERE
        NOT (
          DATE("t18"."occurred_at") < "t18"."created_day"
        )
        AND NOT (
          "t18"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        )
        AND (
          "t18"."type" = 'meeting'
        )) AS "meeting_at",
      SUM(
        CASE
          WHEN (
            DATE("t18"."occurred_at") < "t18"."created_day"
          ) AND NOT (
            "t18"."dup"
          )
          THEN 1
          ELSE 0
        END
      ) AS "activities_before",
      SUM(
        CASE
          WHEN (
            "t18"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
          AND NOT (
            DATE("t18"."occurred_at") < "t18"."created_day"
          )
          AND NOT (
            "t18"."dup"
          )
          THEN 1
          ELSE 0
        END
      ) AS "activities_after"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t13"."lead_id",
          "t13"."anchor",
          "t13"."created_day",
          "t9"."activity_id",
          "t9"."occurred_at",
          "t9"."type",
          0 AS "via",
          FALSE AS "dup"
        FROM (
          SELECT
            "t0"."lead_id",
            "t0"."lead_id" AS "anchor",
            DATE("t0"."created_at") AS "created_day"
          FROM "leads" AS "t0"
          WHERE
            "t0"."created_at" IS NOT NULL
            AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            AND "t0"."lead_id" IS NOT NULL
        ) AS "t13"
        INNER JOIN (
          SELECT
            "t1"."activity_id",
            "t1"."lead_id" AS "a_lead",
            "t1"."occurred_at",
            "t1"."type"
          FROM "activities" AS "t1"
        ) AS "t9"
          ON "t13"."lead_id" = "t9"."a_lead"
      ) AS "t15"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t14"."lead_id",
          "t14"."anchor",
          "t14"."created_day",
          "t10"."activity_id",
          "t10"."occurred_at",
          "t10"."type",
          1 AS "via",
          COALESCE("t10"."a_lead" = "t14"."lead_id", FALSE) AS "dup"
        FROM (
          SELECT
            "t0"."lead_id",
            "t0"."converted_opportunity_id" AS "conv_id",
            "t0"."lead_id" AS "anchor",
            DATE("t0"."created_at") AS "created_day"
          FROM "leads" AS "t0"
          WHERE
            "t0"."created_at" IS NOT NULL
            AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            AND "t0"."lead_id" IS NOT NULL
            AND "t0"."converted_opportunity_id" IS NOT NULL
        ) AS "t14"
        INNER JOIN (
          SELECT
            "t1"."activity_id",
            "t1"."opportunity_id" AS "a_opp",
            "t1"."lead_id" AS "a_lead",
            "t1"."occurred_at",
            "t1"."type"
          FROM "activities" AS "t1"
        ) AS "t10"
          ON "t14"."conv_id" = "t10"."a_opp"
        WHERE
          EXISTS(
            SELECT
              1
            FROM (
              SELECT
                "t2"."opportunity_id" AS "known_id"
              FROM "opportunities" AS "t2"
            ) AS "t11"
            WHERE
              "t14"."conv_id" = "t11"."known_id"
          )
      ) AS "t16"
    ) AS "t18"
    GROUP BY
      1
  ) AS "t22"
  FULL OUTER JOIN (
    SELECT
      "t17"."anchor",
      MIN("t17"."created_at") FILTER(WHERE
        NOT (
          DATE("t17"."created_at") < "t17"."created_day"
        )
        AND NOT (
          "t17"."created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        )) AS "opportunity_at",
      MIN("t17"."close_date") FILTER(WHERE
        COALESCE("t17"."is_won", FALSE)
        AND NOT (
          COALESCE("t17"."is_won", FALSE)
          AND (
            DATE("t17"."close_date") < "t17"."created_day"
          )
        )
        AND NOT (
          COALESCE("t17"."is_won", FALSE)
          AND (
            "t17"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
        )) AS "won_at",
      SUM(CASE WHEN NOT (
        "t17"."opportunity_id" IS NOT NULL
      ) THEN 1 ELSE 0 END) AS "opportunity_not_found",
      SUM(CASE WHEN DATE("t17"."created_at") < "t17"."created_day" THEN 1 ELSE 0 END) AS "opportunity_before",
      SUM(
        CASE
          WHEN (
            "t17"."created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
          AND NOT (
            DATE("t17"."created_at") < "t17"."created_day"
          )
          THEN 1
          ELSE 0
        END
      ) AS "opportunity_after",
      SUM(
        CASE
          WHEN COALESCE("t17"."is_won", FALSE)
          AND (
            DATE("t17"."close_date") < "t17"."created_day"
          )
          THEN 1
          ELSE 0
        END
      ) AS "won_before",
      SUM(
        CASE
          WHEN COALESCE("t17"."is_won", FALSE)
          AND (
            "t17"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
          AND NOT (
            COALESCE("t17"."is_won", FALSE)
            AND (
              DATE("t17"."close_date") < "t17"."created_day"
            )
          )
          THEN 1
          ELSE 0
        END
      ) AS "won_after"
    FROM (
      SELECT
        "t14"."lead_id",
        "t14"."anchor",
        "t14"."created_day",
        "t14"."conv_id",
        "t12"."opportunity_id",
        "t12"."created_at",
        "t12"."close_date",
        "t12"."is_won"
      FROM (
        SELECT
          "t0"."lead_id",
          "t0"."converted_opportunity_id" AS "conv_id",
          "t0"."lead_id" AS "anchor",
          DATE("t0"."created_at") AS "created_day"
        FROM "leads" AS "t0"
        WHERE
          "t0"."created_at" IS NOT NULL
          AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          AND "t0"."lead_id" IS NOT NULL
          AND "t0"."converted_opportunity_id" IS NOT NULL
      ) AS "t14"
      LEFT OUTER JOIN (
        SELECT
          "t2"."opportunity_id",
          "t2"."created_at",
          "t2"."close_date",
          "t2"."is_won"
        FROM "opportunities" AS "t2"
      ) AS "t12"
        ON "t14"."conv_id" = "t12"."opportunity_id"
    ) AS "t17"
    GROUP BY
      1
  ) AS "t21"
    ON "t22"."anchor" = "t21"."anchor"
) AS "t23"
