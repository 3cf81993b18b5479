SELECT
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          COALESCE("t0"."is_won", FALSE)
          AND COALESCE(
            (
              "t0"."close_date" >= CAST('2025-07-01T00:00:00' AS TIMESTAMP)
            )
            AND (
              "t0"."close_date" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            ),
            FALSE
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "won_in_period",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          COALESCE("t0"."is_won", FALSE)
          AND (
            "t0"."close_date" < CAST('2025-07-01T00:00:00' AS TIMESTAMP)
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "won_before_period",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          COALESCE("t0"."is_won", FALSE)
          AND (
            "t0"."close_date" >= CAST('2026-07-01T00:00:00' AS TIMESTAMP)
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "won_after_period",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          NOT (
            COALESCE("t0"."is_won", FALSE)
          ) AND COALESCE("t0"."is_closed", FALSE),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "lost",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          NOT (
            COALESCE("t0"."is_won", FALSE)
          )
          AND NOT (
            COALESCE("t0"."is_closed", FALSE)
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "open",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          COALESCE("t0"."is_won", FALSE)
          AND COALESCE(
            (
              "t0"."close_date" >= CAST('2025-07-01T00:00:00' AS TIMESTAMP)
            )
            AND (
              "t0"."close_date" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            ),
            FALSE
          )
          AND (
            "t0"."amount" IS NULL
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "won_missing_amount",
  COALESCE(
    SUM(
      CASE
        WHEN COALESCE(
          COALESCE("t0"."is_won", FALSE)
          AND COALESCE(
            (
              "t0"."close_date" >= CAST('2025-07-01T00:00:00' AS TIMESTAMP)
            )
            AND (
              "t0"."close_date" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            ),
            FALSE
          )
          AND NOT (
            COALESCE(
              "t0"."account_id" IN (
                SELECT
                  "t1"."account_id"
                FROM "accounts" AS "t1"
              ),
              FALSE
            )
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS "won_unknown_account"
FROM "opportunities" AS "t0"
