WITH "t2" AS (
  SELECT
    "t1"."account_id",
    "t1"."parent_id"
  FROM "accounts" AS "t1"
), "t8" AS (
  SELECT
    "t4"."account_id",
    "t4"."parent_id",
    ROW_NUMBER() OVER (
      ORDER BY "t4"."account_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "node"
  FROM "t2" AS "t4"
), "t15" AS (
  SELECT
    "t14"."node",
    "t14"."account_id",
    "t14"."parent_id",
    "t13"."node" AS "parent",
    (
      "t14"."parent_id" IS NOT NULL
    ) AND (
      "t13"."node" IS NULL
    ) AS "missing_parent"
  FROM "t8" AS "t14"
  LEFT OUTER JOIN "t8" AS "t13"
    ON "t14"."parent_id" = "t13"."account_id"
), "t20" AS (
  SELECT
    "t19"."node",
    "t19"."account_id",
    "t19"."parent_id",
    "t19"."parent",
    "t19"."missing_parent",
    ROW_NUMBER() OVER (
      ORDER BY CASE
        WHEN (
          SELECT
            *
          FROM (
            SELECT
              BOOL_AND("t4"."account_id" ~ '^[\t\n\f\r ]*([+-]?[0-9]{1,18})[\t\n\f\r ]*$') AS "a"
            FROM "t2" AS "t4"
          ) AS "t7"
        )
        THEN CAST(CASE
          WHEN "t19"."account_id" ~ (
            '(' || '^[\t\n\f\r ]*([+-]?[0-9]{1,18})[\t\n\f\r ]*$' || ')'
          )
          THEN (
            REGEXP_MATCH("t19"."account_id", '(' || '^[\t\n\f\r ]*([+-]?[0-9]{1,18})[\t\n\f\r ]*$' || ')')
          )[2]
          ELSE NULL
        END AS BIGINT)
        ELSE CAST(NULL AS BIGINT)
      END ASC, CASE
        WHEN (
          SELECT
            *
          FROM (
            SELECT
              BOOL_AND("t4"."account_id" ~ '^[\t\n\f\r ]*([+-]?[0-9]{1,18})[\t\n\f\r ]*$') AS "a"
            FROM "t2" AS "t4"
          ) AS "t7"
        )
        THEN CAST(NULL AS VARCHAR)
        ELSE "t19"."account_id"
      END ASC, "t19"."account_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "rank"
  FROM (
    SELECT
      *
    FROM "t15" AS "t16"
    WHERE
      "t16"."parent" IS NOT NULL
  ) AS "t19"
), "t23" AS (
  SELECT
    "t21"."node",
    "t21"."parent" AS "jump",
    1 AS "dist",
    "t21"."rank" AS "min_rank"
  FROM "t20" AS "t21"
), "t28" AS (
  SELECT
    "t27"."node",
    CASE WHEN "t26"."node" IS NULL THEN "t27"."jump" ELSE "t26"."jump" END AS "jump",
    CASE
      WHEN "t26"."node" IS NULL
      THEN "t27"."dist"
      ELSE "t27"."dist" + "t26"."dist"
    END AS "dist",
    CASE
      WHEN "t26"."node" IS NULL
      THEN "t27"."min_rank"
      ELSE LEAST("t27"."min_rank", "t26"."min_rank")
    END AS "min_rank"
  FROM "t23" AS "t27"
  LEFT OUTER JOIN "t23" AS "t26"
    ON "t27"."jump" = "t26"."node"
), "t33" AS (
  SELECT
    "t32"."node",
    CASE WHEN "t31"."node" IS NULL THEN "t32"."jump" ELSE "t31"."jump" END AS "jump",
    CASE
      WHEN "t31"."node" IS NULL
      THEN "t32"."dist"
      ELSE "t32"."dist" + "t31"."dist"
    END AS "dist",
    CASE
      WHEN "t31"."node" IS NULL
      THEN "t32"."min_rank"
      ELSE LEAST("t32"."min_rank", "t31"."min_rank")
    END AS "min_rank"
  FROM "t28" AS "t32"
  LEFT OUTER JOIN "t28" AS "t31"
    ON "t32"."jump" = "t31"."node"
), "t38" AS (
  SELECT
    "t37"."node",
    CASE WHEN "t36"."node" IS NULL THEN "t37"."jump" ELSE "t36"."jump" END AS "jump",
    CASE
      WHEN "t36"."node" IS NULL
      THEN "t37"."dist"
      ELSE "t37"."dist" + "t36"."dist"
    END AS "dist",
    CASE
      WHEN "t36"."node" IS NULL
      THEN "t37"."min_rank"
      ELSE LEAST("t37"."min_rank", "t36"."min_rank")
    END AS "min_rank"
  FROM "t33" AS "t37"
  LEFT OUTER JOIN "t33" AS "t36"
    ON "t37"."jump" = "t36"."node"
), "t43" AS (
  SELECT
    "t42"."node",
    CASE WHEN "t41"."node" IS NULL THEN "t42"."jump" ELSE "t41"."jump" END AS "jump",
    CASE
      WHEN "t41"."node" IS NULL
      THEN "t42"."dist"
      ELSE "t42"."dist" + "t41"."dist"
    END AS "dist",
    CASE
      WHEN "t41"."node" IS NULL
      THEN "t42"."min_rank"
      ELSE LEAST("t42"."min_rank", "t41"."min_rank")
    END AS "min_rank"
  FROM "t38" AS "t42"
  LEFT OUTER JOIN "t38" AS "t41"
    ON "t42"."jump" = "t41"."node"
), "t51" AS (
  SELECT
    "t50"."node",
    "t50"."terminal",
    "t50"."on_cycle_path",
    COALESCE("t50"."root_node", "t22"."node") AS "root",
    "t50"."depth"
  FROM (
    SELECT
      "t47"."node",
      "t47"."jump" AS "terminal",
      NOT (
        "t46"."node" IS NULL
      ) AS "on_cycle_path",
      CASE WHEN "t46"."node" IS NULL THEN "t47"."jump" ELSE CAST(NULL AS BIGINT) END AS "root_node",
      CASE WHEN "t46"."node" IS NULL THEN CAST(NULL AS BIGINT) ELSE "t46"."min_rank" END AS "root_rank",
      CASE WHEN "t46"."node" IS NULL THEN "t47"."dist" ELSE CAST(NULL AS BIGINT) END AS "depth"
    FROM "t43" AS "t47"
    LEFT OUTER JOIN "t43" AS "t46"
      ON "t47"."jump" = "t46"."node"
  ) AS "t50"
  LEFT OUTER JOIN "t20" AS "t22"
    ON "t50"."root_rank" = "t22"."rank"
), "t55" AS (
  SELECT
    "t18"."node",
    "t18"."account_id",
    "t18"."parent_id",
    COALESCE("t53"."root", "t18"."node") AS "root",
    COALESCE("t53"."depth", CASE WHEN "t53"."node" IS NULL THEN 0 ELSE CAST(NULL AS BIGINT) END) AS "depth",
    CASE
      WHEN "t18"."node" IN (
        SELECT
          "t52"."terminal"
        FROM "t51" AS "t52"
        WHERE
          "t52"."on_cycle_path"
      )
      THEN 'cycle'
      WHEN "t18"."missing_parent"
      THEN 'missing_parent'
      ELSE CAST(NULL AS VARCHAR)
    END AS "issue"
  FROM "t15" AS "t18"
  LEFT OUTER JOIN "t51" AS "t53"
    ON "t18"."node" = "t53"."node"
)
SELECT
  "t68"."root_id",
  "t68"."product_id",
  "t68"."account_id",
  "t68"."lines",
  "t68"."low" + CASE
    WHEN "t68"."w" > 0
    THEN CAST("t68"."wd" AS DOUBLE PRECISION) / "t68"."w"
    ELSE "t68"."plain"
  END AS "discount_pct",
  "t68"."spend"
FROM (
  SELECT
    "t67"."root_id",
    "t67"."product_id",
    "t67"."account_id",
    "t67"."low",
    COUNT(*) AS "lines",
    AVG("t67"."discount_pct" - "t67"."low") AS "plain",
    SUM(GREATEST(COALESCE("t67"."amount", 0.0), 0.0)) AS "w",
    SUM(
      GREATEST(COALESCE("t67"."amount", 0.0), 0.0) * (
        "t67"."discount_pct" - "t67"."low"
      )
    ) AS "wd",
    SUM(COALESCE("t67"."amount", 0.0)) AS "spend"
  FROM (
    SELECT
      "t63"."root_id",
      "t6"."product_id",
      "t6"."account_id",
      "t6"."discount_pct",
      "t6"."amount",
      "t66"."low"
    FROM (
      SELECT
        *
      FROM "purchases" AS "t0"
      WHERE
        "t0"."purchased_at" >= CAST('2024-07-01T00:00:00' AS TIMESTAMP)
        AND "t0"."purchased_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
        AND "t0"."discount_pct" IS NOT NULL
        AND "t0"."product_id" IS NOT NULL
    ) AS "t6"
    INNER JOIN (
      SELECT
        "t61"."account_id",
        "t61"."root_id"
      FROM (
        SELECT
          "t58"."account_id",
          "t58"."parent_id",
          "t11"."account_id" AS "root_id",
          "t58"."depth",
          "t58"."issue",
          "t60"."family_size"
        FROM "t55" AS "t58"
        INNER JOIN "t8" AS "t11"
          ON "t58"."root" = "t11"."node"
        INNER JOIN (
          SELECT
            "t56"."root",
            COUNT(*) AS "family_size"
          FROM "t55" AS "t56"
          GROUP BY
            1
        ) AS "t60"
          ON "t58"."root" = "t60"."root"
      ) AS "t61"
    ) AS "t63"
      ON "t6"."account_id" = "t63"."account_id"
    INNER JOIN (
      SELECT
        "t64"."root_id",
        "t64"."product_id",
        "t64"."account_id",
        MIN("t64"."discount_pct") AS "low"
      FROM (
        SELECT
          "t63"."root_id",
          "t6"."product_id",
          "t6"."account_id",
          "t6"."discount_pct",
          "t6"."amount"
        FROM (
          SELECT
            *
          FROM "purchases" AS "t0"
          WHERE
            "t0"."purchased_at" >= CAST('2024-07-01T00:00:00' AS TIMESTAMP)
            AND "t0"."purchased_at" < CAST('2026-07-01T00:00:00' AS TIMESTAMP)
            AND "t0"."discount_pct" IS NOT NULL
            AND "t0"."product_id" IS NOT NULL
        ) AS "t6"
        INNER JOIN (
          SELECT
            "t61"."account_id",
            "t61"."root_id"
          FROM (
            SELECT
              "t58"."account_id",
              "t58"."parent_id",
              "t11"."account_id" AS "root_id",
              "t58"."depth",
              "t58"."issue",
              "t60"."family_size"
            FROM "t55" AS "t58"
            INNER JOIN "t8" AS "t11"
              ON "t58"."root" = "t11"."node"
            INNER JOIN (
              SELECT
                "t56"."root",
                COUNT(*) AS "family_size"
              FROM "t55" AS "t56"
              GROUP BY
                1
            ) AS "t60"
              ON "t58"."root" = "t60"."root"
          ) AS "t61"
        ) AS "t63"
          ON "t6"."account_id" = "t63"."account_id"
      ) AS "t64"
      GROUP BY
        1,
        2,
        3
    ) AS "t66"
      ON "t63"."root_id" = "t66"."root_id"
      AND "t6"."product_id" = "t66"."product_id"
      AND "t6"."account_id" = "t66"."account_id"
  ) AS "t67"
  GROUP BY
    1,
    2,
    3,
    4
) AS "t68"
ORDER BY
  "t68"."root_id" ASC,
  "t68"."product_id" ASC,
  "t68"."account_id" ASC
