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
    IFF("t7"."has_opp", "t7"."converted_opportunity_id", CAST(NULL AS VARCHAR)) AS "converted_opportunity_id",
    IFF("t7"."has_opp", DATE_TRUNC('DAY', "t7"."opp_created_at"), CAST(NULL AS TIMESTAMP)) AS "opportunity_created_at",
    IFF("t7"."has_opp", "t7"."close_day", CAST(NULL AS TIMESTAMP)) AS "close_date",
    IFF("t7"."has_opp", "t7"."opp_amount", CAST(NULL AS DOUBLE)) AS "amount",
    DATEDIFF(DAY, TO_DATE("t7"."created_at"), DATE_FROM_PARTS(2026, 6, 30)) AS "age_days",
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
    IFF("t7"."matured", "t7"."won", CAST(NULL AS BOOLEAN)) AS "won",
    IFF("t7"."matured", "t7"."won_ever", CAST(NULL AS BOOLEAN)) AS "won_by_as_of"
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
        COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
      ) AS "after",
      NOT (
        NOT (
          COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
        )
      )
      AND (
        "t6"."score" IS NULL
      ) AS "blank",
      NOT (
        NOT (
          COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
        )
      )
      AND NOT (
        NOT (
          NOT (
            COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
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
      AND COALESCE("t6"."opp_created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE) AS "opp_future",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
      ) AS "has_opp",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
      )
      AND "t6"."opp_closed"
      AND (
        "t6"."opp_close" IS NOT NULL
      )
      AND "t6"."opp_won"
      AND COALESCE("t6"."opp_close" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE) AS "won_ever",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
      )
      AND "t6"."opp_closed"
      AND (
        "t6"."opp_close" IS NOT NULL
      )
      AND NOT (
        "t6"."opp_won"
      )
      AND COALESCE("t6"."opp_close" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE) AS "lost",
      COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 1, 2, 0, 0, 0, 0), FALSE) AS "matured",
      (
        "t6"."opp_id" IS NOT NULL
      )
      AND NOT (
        (
          "t6"."opp_id" IS NOT NULL
        )
        AND COALESCE("t6"."opp_created_at" >= TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
      )
      AND "t6"."opp_closed"
      AND (
        "t6"."opp_close" IS NOT NULL
      )
      AND "t6"."opp_won"
      AND COALESCE("t6"."opp_close" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
      AND COALESCE(
        DATE_TRUNC('DAY', "t6"."opp_close") <= DATEADD(DAY, '180', DATE_TRUNC('DAY', "t6"."created_at")),
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
          COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
        )
      )
      AND NOT (
        NOT (
          NOT (
            COALESCE("t6"."created_at" < TIMESTAMP_FROM_PARTS(2026, 7, 1, 0, 0, 0, 0), FALSE)
          )
        )
        AND (
          "t6"."score" IS NULL
        )
      )
  ) AS "t7"
) AS "t8"
