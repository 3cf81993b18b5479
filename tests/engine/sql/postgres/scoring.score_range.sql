SELECT
  MIN("t8"."score") AS "lo",
  MAX("t8"."score") AS "hi"
FROM (
  SELECT
    "t7"."lead_id",
    DATE_TRUNC('DAY', "t7"."created_at") AS "created_at",
    "t7"."score",
    "t7"."status",
    "t7"."source",
    "t7"."owner_id",
    DATE_TRUNC('DAY', "t7"."converted_at") AS "converted_at",
    CASE
      WHEN "t7"."has_opp"
      THEN "t7"."converted_opportunity_id"
      ELSE CAST(NULL AS VARCHAR)
    END AS "converted_opportunity_id",
    CASE
      WHEN "t7"."has_opp"
      THEN DATE_TRUNC('DAY', "t7"."opp_created_at")
      ELSE CAST(NULL AS TIMESTAMP)
    END AS "opportunity_created_at",
    CASE WHEN "t7"."has_opp" THEN "t7"."close_day" ELSE CAST(NULL AS TIMESTAMP) END AS "close_date",
    CASE
      WHEN "t7"."has_opp"
      THEN "t7"."opp_amount"
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "amount",
    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2026, 6, 30) AS TIMESTAMP) - CAST(DATE("t7"."created_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age_days",
    CASE CASE WHEN NOT (
        "t7"."matured"
      ) THEN 0 WHEN "t7"."won" THEN 1 ELSE 2 END
      WHEN 0
      THEN 'not matured'
      WHEN 1
      THEN 'won'
      WHEN 2
      THEN 'not won'
      ELSE NULL
    END AS "outcome",
    CASE CASE
        WHEN NOT (
          "t7"."matured"
        )
        THEN 0
        WHEN "t7"."won"
        THEN 1
        WHEN "t7"."won_ever"
        THEN 2
        WHEN "t7"."lost"
        THEN 3
        WHEN "t7"."has_opp"
        THEN 4
        ELSE 5
      END
      WHEN 0
      THEN 'too young'
      WHEN 1
      THEN 'won'
      WHEN 2
      THEN 'won after the horizon'
      WHEN 3
      THEN 'opportunity lost'
      WHEN 4
      THEN 'opportunity open'
      WHEN 5
      THEN 'no opportunity'
      ELSE NULL
    END AS "outcome_reason",
    "t7"."matured",
    CASE WHEN "t7"."matured" THEN "t7"."won" ELSE CAST(NULL AS BOOLEAN) END AS "won",
    CASE WHEN "t7"."matured" THEN "t7"."won_ever" ELSE CAST(NULL AS BOOLEAN) END AS "won_by_as_of"
  FROM (
    SELECT
      "t6"."lead_id",
      "t6"."created_at",
      "t6"."score",
      "t6"."status",
      "t6"."source",
      "t6"."owner_id",
      "t6"."converted_at",
      "t6"."converted_opportunity_id",
      "t6"."opp_id",
      "t6"."opp_created_at",
      "t6"."opp_close",
      "t6"."opp_closed",
      "t6"."opp_won",
      "t6"."opp_amount",
      NOT (
        COALESCE("t6"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
      ) AS "after",
      NOT (
        NOT (
          COALESCE("t6"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
      )
      AND (
        "t6"."score" IS NULL
      ) AS "blank",
      NOT (
        NOT (
          COALESCE("t6"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
      )
      AND NOT (
        NOT (
          NOT (
            COALESCE("t6"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
          )
        )
        AND (
          "t6"."score" IS NULL
        )
      ) AS "keep",
      "t6"."opp_id" IS NOT NULL AS "found",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND COALESCE("t6"."opp_created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE) AS "opp_future",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
      ) AS "has_opp",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
      )
      AND "t6"."opp_closed"
      AND (
        "t6"."opp_close" IS NOT NULL
      )
      AND "t6"."opp_won"
      AND COALESCE("t6"."opp_close" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE) AS "won_ever",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
      )
      AND "t6"."opp_closed"
      AND (
        "t6"."opp_close" IS NOT NULL
      )
      AND NOT (
        "t6"."opp_won"
      )
      AND COALESCE("t6"."opp_close" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE) AS "lost",
      COALESCE("t6"."created_at" < CAST('2026-01-02T00:00:00' AS TIMESTAMP), FALSE) AS "matured",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
      )
      AND "t6"."opp_closed"
      AND (
        "t6"."opp_close" IS NOT NULL
      )
      AND "t6"."opp_won"
      AND COALESCE("t6"."opp_close" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
      AND COALESCE(
        DATE_TRUNC('DAY', "t6"."opp_close") <= (
          DATE_TRUNC('DAY', "t6"."created_at") + INTERVAL '180 DAY'
        ),
        FALSE
      ) AS "won",
      DATE_TRUNC('DAY', "t6"."opp_close") AS "close_day"
    FROM (
      SELECT
        "t3"."lead_id",
        "t3"."created_at",
        "t3"."score",
        "t3"."status",
        "t3"."source",
        "t3"."owner_id",
        "t3"."converted_at",
        "t3"."converted_opportunity_id",
        "t5"."opp_id",
        "t5"."opp_created_at",
        "t5"."opp_close",
        "t5"."opp_closed",
        "t5"."opp_won",
        "t5"."opp_amount"
      FROM (
        SELECT
          "t0"."lead_id",
          "t0"."created_at",
          "t0"."score",
          "t0"."status",
          "t0"."source",
          "t0"."owner_id",
          "t0"."converted_at",
          "t0"."converted_opportunity_id"
        FROM "leads" AS "t0"
      ) AS "t3"
      LEFT OUTER JOIN (
        SELECT
          "t1"."opportunity_id" AS "opp_id",
          "t1"."created_at" AS "opp_created_at",
          "t1"."close_date" AS "opp_close",
          COALESCE("t1"."is_closed", FALSE) AS "opp_closed",
          COALESCE("t1"."is_won", FALSE) AS "opp_won",
          "t1"."amount" AS "opp_amount"
        FROM "opportunities" AS "t1"
      ) AS "t5"
        ON "t3"."converted_opportunity_id" = "t5"."opp_id"
    ) AS "t6"
    WHERE
      NOT (
        NOT (
          COALESCE("t6"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
        )
      )
      AND NOT (
        NOT (
          NOT (
            COALESCE("t6"."created_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP), FALSE)
          )
        )
        AND (
          "t6"."score" IS NULL
        )
      )
  ) AS "t7"
) AS "t8"
