WITH "t6" AS (
  SELECT
    "t0"."lead_id",
    "t0"."lead_id" AS "anchor",
    DATE("t0"."created_at") AS "created_day"
  FROM "leads" AS "t0"
  WHERE
    "t0"."created_at" IS NOT NULL
    AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
    AND "t0"."lead_id" IS NOT NULL
)
SELECT
  "t28"."anchor" AS "lead_id",
  "t28"."touched_at",
  "t28"."meeting_at",
  "t28"."opportunity_at",
  "t28"."won_at",
  "t28"."activities_before",
  "t28"."activities_after",
  "t28"."opportunity_not_found",
  "t28"."opportunity_before",
  "t28"."opportunity_after",
  "t28"."won_before",
  "t28"."won_after"
FROM (
  SELECT
    COALESCE("t27"."anchor", "t25"."anchor") AS "anchor",
    "t27"."touched_at",
    "t27"."meeting_at",
    "t25"."opportunity_at",
    "t25"."won_at",
    COALESCE("t27"."activities_before", 0) AS "activities_before",
    COALESCE("t27"."activities_after", 0) AS "activities_after",
    COALESCE("t25"."opportunity_not_found", 0) AS "opportunity_not_found",
    COALESCE("t25"."opportunity_before", 0) AS "opportunity_before",
    COALESCE("t25"."opportunity_after", 0) AS "opportunity_after",
    COALESCE("t25"."won_before", 0) AS "won_before",
    COALESCE("t25"."won_after", 0) AS "won_after"
  FROM (
    SELECT
      "t23"."anchor",
      MIN("t23"."occurred_at") FILTER(WHERE
        NOT (
          DATE("t23"."occurred_at") < "t23"."created_day"
        )
        AND NOT (
          "t23"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        )
        AND (
          "t23"."via" = 0
        )) AS "touched_at",
      MIN("t23"."occurred_at") FILTER(WHERE
        NOT (
          DATE("t23"."occurred_at") < "t23"."created_day"
        )
        AND NOT (
          "t23"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        )
        AND "t23"."meeting") AS "meeting_at",
      SUM(
        CASE
          WHEN (
            DATE("t23"."occurred_at") < "t23"."created_day"
          ) AND NOT (
            "t23"."dup"
          )
          THEN 1
          ELSE 0
        END
      ) AS "activities_before",
      SUM(
        CASE
          WHEN (
            "t23"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
          AND NOT (
            DATE("t23"."occurred_at") < "t23"."created_day"
          )
          AND NOT (
            "t23"."dup"
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
          "t15"."anchor",
          "t15"."created_day",
          "t13"."occurred_at",
          "t13"."meeting",
          0 AS "via",
          FALSE AS "dup"
        FROM "t6" AS "t15"
        INNER JOIN (
          SELECT
            "t1"."lead_id" AS "act_lead",
            "t1"."occurred_at",
            "t1"."type" = 'meeting' AS "meeting"
          FROM "activities" AS "t1"
        ) AS "t13"
          ON "t15"."lead_id" = "t13"."act_lead"
      ) AS "t17"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t21"."anchor",
          "t21"."created_day",
          "t14"."occurred_at",
          "t14"."meeting",
          1 AS "via",
          COALESCE("t14"."act_lead" = "t21"."lead_id", FALSE) AS "dup"
        FROM (
          SELECT DISTINCT
            *
          FROM (
            SELECT
              "t11"."lead_id",
              "t16"."anchor",
              "t11"."conv_id",
              "t16"."created_day"
            FROM (
              SELECT
                "t0"."lead_id",
                "t0"."converted_opportunity_id" AS "conv_id"
              FROM "leads" AS "t0"
              WHERE
                "t0"."created_at" IS NOT NULL
                AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
                AND "t0"."lead_id" IS NOT NULL
                AND "t0"."converted_opportunity_id" IS NOT NULL
            ) AS "t11"
            INNER JOIN "t6" AS "t16"
              ON "t11"."lead_id" = "t16"."lead_id"
          ) AS "t19"
        ) AS "t21"
        INNER JOIN (
          SELECT
            "t1"."lead_id" AS "act_lead",
            "t1"."opportunity_id" AS "act_opp",
            "t1"."occurred_at",
            "t1"."type" = 'meeting' AS "meeting"
          FROM "activities" AS "t1"
        ) AS "t14"
          ON "t21"."conv_id" = "t14"."act_opp"
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
              "t21"."conv_id" = "t9"."known_id"
          )
      ) AS "t22"
    ) AS "t23"
    GROUP BY
      1
  ) AS "t27"
  FULL OUTER JOIN (
    SELECT
      "t18"."anchor",
      MIN("t18"."created_at") FILTER(WHERE
        NOT (
          DATE("t18"."created_at") < "t18"."created_day"
        )
        AND NOT (
          "t18"."created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        )) AS "opportunity_at",
      MIN("t18"."close_date") FILTER(WHERE
        COALESCE("t18"."is_won", FALSE)
        AND NOT (
          COALESCE("t18"."is_won", FALSE)
          AND (
            DATE("t18"."close_date") < "t18"."created_day"
          )
        )
        AND NOT (
          COALESCE("t18"."is_won", FALSE)
          AND (
            "t18"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
        )) AS "won_at",
      SUM(CASE WHEN NOT (
        "t18"."opportunity_id" IS NOT NULL
      ) THEN 1 ELSE 0 END) AS "opportunity_not_found",
      SUM(CASE WHEN DATE("t18"."created_at") < "t18"."created_day" THEN 1 ELSE 0 END) AS "opportunity_before",
      SUM(
        CASE
          WHEN (
            "t18"."created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
          AND NOT (
            DATE("t18"."created_at") < "t18"."created_day"
          )
          THEN 1
          ELSE 0
        END
      ) AS "opportunity_after",
      SUM(
        CASE
          WHEN COALESCE("t18"."is_won", FALSE)
          AND (
            DATE("t18"."close_date") < "t18"."created_day"
          )
          THEN 1
          ELSE 0
        END
      ) AS "won_before",
      SUM(
        CASE
          WHEN COALESCE("t18"."is_won", FALSE)
          AND (
            "t18"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          )
          AND NOT (
            COALESCE("t18"."is_won", FALSE)
            AND (
              DATE("t18"."close_date") < "t18"."created_day"
            )
          )
          THEN 1
          ELSE 0
        END
      ) AS "won_after"
    FROM (
      SELECT
        "t11"."lead_id",
        "t11"."conv_id",
        "t16"."anchor",
        "t16"."created_day",
        "t10"."opportunity_id",
        "t10"."created_at",
        "t10"."close_date",
        "t10"."is_won"
      FROM (
        SELECT
          "t0"."lead_id",
          "t0"."converted_opportunity_id" AS "conv_id"
        FROM "leads" AS "t0"
        WHERE
          "t0"."created_at" IS NOT NULL
          AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          AND "t0"."lead_id" IS NOT NULL
          AND "t0"."converted_opportunity_id" IS NOT NULL
      ) AS "t11"
      INNER JOIN "t6" AS "t16"
        ON "t11"."lead_id" = "t16"."lead_id"
      LEFT OUTER JOIN (
        SELECT
          "t2"."opportunity_id",
          "t2"."created_at",
          "t2"."close_date",
          "t2"."is_won"
        FROM "opportunities" AS "t2"
      ) AS "t10"
        ON "t11"."conv_id" = "t10"."opportunity_id"
    ) AS "t18"
    GROUP BY
      1
  ) AS "t25"
    ON "t27"."anchor" = "t25"."anchor"
) AS "t28"
