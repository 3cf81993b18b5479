SELECT
  `t3`.`a`,
  `t6`.`p`,
  `t3`.`root`,
  `t6`.`owning`
FROM `members` AS `t3`
INNER JOIN (
  SELECT
    `t2`.`root`,
    `t2`.`p`,
    `t2`.`owners` AS `owning`
  FROM `family_products` AS `t2`
) AS `t6`
  ON `t3`.`root` = `t6`.`root`
LEFT ANTI JOIN `owned` AS `t4`
  ON `t3`.`a` = `t4`.`a` AND `t6`.`p` = `t4`.`p`
