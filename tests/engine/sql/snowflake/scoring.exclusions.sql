SELECT
  COALESCE(SUM(IFF("t7"."after", 1, 0)), 0) AS "after",
  COALESCE(SUM(IFF("t7"."blank", 1, 0)), 0) AS "blank",
  COALESCE(
    SUM(
      IFF(
        "t7"."keep"
        AND (
          "t7"."converted_opportunity_id" IS NOT NULL
        )
        AND NOT (
          "t7"."found"
        ),
        1,
        0
      )
    ),
    0
  ) AS "not_found",
  COALESCE(SUM(IFF("t7"."keep" AND "t7"."opp_future", 1, 0)), 0) AS "opp_future",
  COALESCE(SUM(IFF("t7"."keep" AND NOT (
    "t7"."matured"
  ), 1, 0)), 0) AS "not_matured",
  COALESCE(
    SUM(
      IFF(
        "t7"."keep"
        AND (
          (
            "t7"."score" < 0.0
          ) OR (
            "t7"."score" > 100.0
          )
        ),
        1,
        0
      )
    ),
    0
  ) AS "outside"
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
) AS "t7"
