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
), "t10" AS (
  SELECT
    "t2"."lead_id" AS "act_lead",
    "t2"."opportunity_id" AS "act_opp",
    "t2"."occurred_at",
    "t2"."type" = 'meeting' AS "meeting"
  FROM "activities" AS "t2"
), "t33" AS (
  SELECT
    '' AS "segment",
    "t11"."created_at",
    "t32"."touched_at",
    "t32"."meeting_at",
    "t32"."opportunity_at",
    "t32"."won_at"
  FROM (
    SELECT
      *
    FROM "leads" AS "t0"
    WHERE
      "t0"."created_at" IS NOT NULL
      AND "t0"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
  ) AS "t11"
  LEFT OUTER JOIN (
    SELECT
      "t30"."anchor" AS "lead_id",
      "t30"."touched_at",
      "t30"."meeting_at",
      "t30"."opportunity_at",
      "t30"."won_at",
      "t30"."activities_before",
      "t30"."activities_after",
      "t30"."opportunity_not_found",
      "t30"."opportunity_before",
      "t30"."opportunity_after",
      "t30"."won_before",
      "t30"."won_after"
    FROM (
      SELECT
        COALESCE("t29"."anchor", "t27"."anchor") AS "anchor",
        "t29"."touched_at",
        "t29"."meeting_at",
        "t27"."opportunity_at",
        "t27"."won_at",
        COALESCE("t29"."activities_before", 0) AS "activities_before",
        COALESCE("t29"."activities_after", 0) AS "activities_after",
        COALESCE("t27"."opportunity_not_found", 0) AS "opportunity_not_found",
        COALESCE("t27"."opportunity_before", 0) AS "opportunity_before",
        COALESCE("t27"."opportunity_after", 0) AS "opportunity_after",
        COALESCE("t27"."won_before", 0) AS "won_before",
        COALESCE("t27"."won_after", 0) AS "won_after"
      FROM (
        SELECT
          "t25"."anchor",
          MIN("t25"."occurred_at") FILTER(WHERE
            NOT (
              DATE("t25"."occurred_at") < "t25"."created_day"
            )
            AND NOT (
              "t25"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            )
            AND (
              "t25"."via" = 0
            )) AS "touched_at",
          MIN("t25"."occurred_at") FILTER(WHERE
            NOT (
              DATE("t25"."occurred_at") < "t25"."created_day"
            )
            AND NOT (
              "t25"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            )
            AND "t25"."meeting") AS "meeting_at",
          SUM(
            CASE
              WHEN (
                DATE("t25"."occurred_at") < "t25"."created_day"
              ) AND NOT (
                "t25"."dup"
              )
              THEN 1
              ELSE 0
            END
          ) AS "activities_before",
          SUM(
            CASE
              WHEN (
                "t25"."occurred_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND NOT (
                DATE("t25"."occurred_at") < "t25"."created_day"
              )
              AND NOT (
                "t25"."dup"
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
              "t17"."occurred_at",
              "t17"."meeting",
              0 AS "via",
              FALSE AS "dup"
            FROM "t6" AS "t15"
            INNER JOIN "t10" AS "t17"
              ON "t15"."lead_id" = "t17"."act_lead"
          ) AS "t21"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t23"."anchor",
              "t23"."created_day",
              "t18"."occurred_at",
              "t18"."meeting",
              1 AS "via",
              COALESCE("t18"."act_lead" = "t23"."lead_id", FALSE) AS "dup"
            FROM (
              SELECT DISTINCT
                *
              FROM (
                SELECT
                  "t13"."lead_id",
                  "t16"."anchor",
                  "t13"."conv_id",
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
                ) AS "t13"
                INNER JOIN "t6" AS "t16"
                  ON "t13"."lead_id" = "t16"."lead_id"
              ) AS "t20"
            ) AS "t23"
            INNER JOIN "t10" AS "t18"
              ON "t23"."conv_id" = "t18"."act_opp"
            WHERE
              EXISTS(
                SELECT
                  1
                FROM (
                  SELECT
                    "t1"."opportunity_id" AS "known_id"
                  FROM "opportunities" AS "t1"
                ) AS "t8"
                WHERE
                  "t23"."conv_id" = "t8"."known_id"
              )
          ) AS "t24"
        ) AS "t25"
        GROUP BY
          1
      ) AS "t29"
      FULL OUTER JOIN (
        SELECT
          "t19"."anchor",
          MIN("t19"."created_at") FILTER(WHERE
            NOT (
              DATE("t19"."created_at") < "t19"."created_day"
            )
            AND NOT (
              "t19"."created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            )) AS "opportunity_at",
          MIN("t19"."close_date") FILTER(WHERE
            COALESCE("t19"."is_won", FALSE)
            AND NOT (
              COALESCE("t19"."is_won", FALSE)
              AND (
                DATE("t19"."close_date") < "t19"."created_day"
              )
            )
            AND NOT (
              COALESCE("t19"."is_won", FALSE)
              AND (
                "t19"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
            )) AS "won_at",
          SUM(CASE WHEN NOT (
            "t19"."opportunity_id" IS NOT NULL
          ) THEN 1 ELSE 0 END) AS "opportunity_not_found",
          SUM(CASE WHEN DATE("t19"."created_at") < "t19"."created_day" THEN 1 ELSE 0 END) AS "opportunity_before",
          SUM(
            CASE
              WHEN (
                "t19"."created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND NOT (
                DATE("t19"."created_at") < "t19"."created_day"
              )
              THEN 1
              ELSE 0
            END
          ) AS "opportunity_after",
          SUM(
            CASE
              WHEN COALESCE("t19"."is_won", FALSE)
              AND (
                DATE("t19"."close_date") < "t19"."created_day"
              )
              THEN 1
              ELSE 0
            END
          ) AS "won_before",
          SUM(
            CASE
              WHEN COALESCE("t19"."is_won", FALSE)
              AND (
                "t19"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
              )
              AND NOT (
                COALESCE("t19"."is_won", FALSE)
                AND (
                  DATE("t19"."close_date") < "t19"."created_day"
                )
              )
              THEN 1
              ELSE 0
            END
          ) AS "won_after"
        FROM (
          SELECT
            "t13"."lead_id",
            "t13"."conv_id",
            "t16"."anchor",
            "t16"."created_day",
            "t9"."opportunity_id",
            "t9"."created_at",
            "t9"."close_date",
            "t9"."is_won"
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
          ) AS "t13"
          INNER JOIN "t6" AS "t16"
            ON "t13"."lead_id" = "t16"."lead_id"
          LEFT OUTER JOIN (
            SELECT
              "t1"."opportunity_id",
              "t1"."created_at",
              "t1"."close_date",
              "t1"."is_won"
            FROM "opportunities" AS "t1"
          ) AS "t9"
            ON "t13"."conv_id" = "t9"."opportunity_id"
        ) AS "t19"
        GROUP BY
          1
      ) AS "t27"
        ON "t29"."anchor" = "t27"."anchor"
    ) AS "t30"
  ) AS "t32"
    ON "t11"."lead_id" = "t32"."lead_id"
)
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t35"."segment",
      (
        (
          (
            CAST(EXTRACT(year FROM "t35"."created_at") AS BIGINT) - 1970
          ) * 12
        ) + CAST(EXTRACT(month FROM "t35"."created_at") AS BIGINT)
      ) - 1 AS "c",
      'touched' AS "milestone",
      (
        (
          (
            (
              CAST(EXTRACT(year FROM "t35"."touched_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t35"."touched_at") AS BIGINT)
        ) - 1
      ) - (
        (
          (
            (
              CAST(EXTRACT(year FROM "t35"."created_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t35"."created_at") AS BIGINT)
        ) - 1
      ) AS "k",
      COUNT(*) AS "size"
    FROM (
      SELECT
        *
      FROM "t33" AS "t34"
      WHERE
        "t34"."touched_at" IS NOT NULL
    ) AS "t35"
    GROUP BY
      1,
      2,
      3,
      4
  ) AS "t39"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t36"."segment",
      (
        (
          (
            CAST(EXTRACT(year FROM "t36"."created_at") AS BIGINT) - 1970
          ) * 12
        ) + CAST(EXTRACT(month FROM "t36"."created_at") AS BIGINT)
      ) - 1 AS "c",
      'meeting' AS "milestone",
      (
        (
          (
            (
              CAST(EXTRACT(year FROM "t36"."meeting_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t36"."meeting_at") AS BIGINT)
        ) - 1
      ) - (
        (
          (
            (
              CAST(EXTRACT(year FROM "t36"."created_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t36"."created_at") AS BIGINT)
        ) - 1
      ) AS "k",
      COUNT(*) AS "size"
    FROM (
      SELECT
        *
      FROM "t33" AS "t34"
      WHERE
        "t34"."meeting_at" IS NOT NULL
    ) AS "t36"
    GROUP BY
      1,
      2,
      3,
      4
  ) AS "t40"
) AS "t43"
UNION ALL
SELECT
  *
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t37"."segment",
      (
        (
          (
            CAST(EXTRACT(year FROM "t37"."created_at") AS BIGINT) - 1970
          ) * 12
        ) + CAST(EXTRACT(month FROM "t37"."created_at") AS BIGINT)
      ) - 1 AS "c",
      'opportunity' AS "milestone",
      (
        (
          (
            (
              CAST(EXTRACT(year FROM "t37"."opportunity_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t37"."opportunity_at") AS BIGINT)
        ) - 1
      ) - (
        (
          (
            (
              CAST(EXTRACT(year FROM "t37"."created_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t37"."created_at") AS BIGINT)
        ) - 1
      ) AS "k",
      COUNT(*) AS "size"
    FROM (
      SELECT
        *
      FROM "t33" AS "t34"
      WHERE
        "t34"."opportunity_at" IS NOT NULL
    ) AS "t37"
    GROUP BY
      1,
      2,
      3,
      4
  ) AS "t41"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t38"."segment",
      (
        (
          (
            CAST(EXTRACT(year FROM "t38"."created_at") AS BIGINT) - 1970
          ) * 12
        ) + CAST(EXTRACT(month FROM "t38"."created_at") AS BIGINT)
      ) - 1 AS "c",
      'won' AS "milestone",
      (
        (
          (
            (
              CAST(EXTRACT(year FROM "t38"."won_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t38"."won_at") AS BIGINT)
        ) - 1
      ) - (
        (
          (
            (
              CAST(EXTRACT(year FROM "t38"."created_at") AS BIGINT) - 1970
            ) * 12
          ) + CAST(EXTRACT(month FROM "t38"."created_at") AS BIGINT)
        ) - 1
      ) AS "k",
      COUNT(*) AS "size"
    FROM (
      SELECT
        *
      FROM "t33" AS "t34"
      WHERE
        "t34"."won_at" IS NOT NULL
    ) AS "t38"
    GROUP BY
      1,
      2,
      3,
      4
  ) AS "t42"
) AS "t44"
