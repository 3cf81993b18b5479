SELECT
  COALESCE(
    SUM(
      IF(
        COALESCE(
          COALESCE(`t0`.`is_won`, FALSE)
          AND COALESCE(
            (
              `t0`.`close_date` >= DATETIME('2025-07-01T00:00:00')
            )
            AND (
              `t0`.`close_date` < DATETIME('2026-07-01T00:00:00')
            ),
            FALSE
          ),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `won_in_period`,
  COALESCE(
    SUM(
      IF(
        COALESCE(
          COALESCE(`t0`.`is_won`, FALSE)
          AND (
            `t0`.`close_date` < DATETIME('2025-07-01T00:00:00')
          ),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `won_before_period`,
  COALESCE(
    SUM(
      IF(
        COALESCE(
          COALESCE(`t0`.`is_won`, FALSE)
          AND (
            `t0`.`close_date` >= DATETIME('2026-07-01T00:00:00')
          ),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `won_after_period`,
  COALESCE(
    SUM(
      IF(
        COALESCE(
          NOT (
            COALESCE(`t0`.`is_won`, FALSE)
          ) AND COALESCE(`t0`.`is_closed`, FALSE),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `lost`,
  COALESCE(
    SUM(
      IF(
        COALESCE(
          NOT (
            COALESCE(`t0`.`is_won`, FALSE)
          )
          AND NOT (
            COALESCE(`t0`.`is_closed`, FALSE)
          ),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `open`,
  COALESCE(
    SUM(
      IF(
        COALESCE(
          COALESCE(`t0`.`is_won`, FALSE)
          AND COALESCE(
            (
              `t0`.`close_date` >= DATETIME('2025-07-01T00:00:00')
            )
            AND (
              `t0`.`close_date` < DATETIME('2026-07-01T00:00:00')
            ),
            FALSE
          )
          AND (
            `t0`.`amount` IS NULL
          ),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `won_missing_amount`,
  COALESCE(
    SUM(
      IF(
        COALESCE(
          COALESCE(`t0`.`is_won`, FALSE)
          AND COALESCE(
            (
              `t0`.`close_date` >= DATETIME('2025-07-01T00:00:00')
            )
            AND (
              `t0`.`close_date` < DATETIME('2026-07-01T00:00:00')
            ),
            FALSE
          )
          AND NOT (
            COALESCE(
              `t0`.`account_id` IN (
                SELECT
                  `t1`.`account_id`
                FROM `accounts` AS `t1`
              ),
              FALSE
            )
          ),
          FALSE
        ),
        1,
        0
      )
    ),
    0
  ) AS `won_unknown_account`
FROM `opportunities` AS `t0`
