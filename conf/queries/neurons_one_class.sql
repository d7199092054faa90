-- Hidden units that fire for one digit only on the rotated test images: the gate opens (> 0.5) on
-- at least half of that digit's images and on at most 5% of every other digit's. One row per unit
-- of each TauGate cell, with the digit. Needs the neurons table (empty result without it).
-- Run: bin/sweep sql --out DIR -f conf/queries/neurons_one_class.sql
SELECT sweep,
       lambda,
       angle_deg,
       seed,
       layer,
       unit,
       array_position(fire_rate_by_class_theta, array_max(fire_rate_by_class_theta)) - 1 AS digit,
       round(array_max(fire_rate_by_class_theta), 4)                                     AS fire_rate_digit,
       round(sort_array(fire_rate_by_class_theta, false)[1], 4)                          AS fire_rate_next,
       round(fire_rate_theta, 4)                                                         AS fire_rate_theta,
       cell_id
FROM neurons
WHERE array_max(fire_rate_by_class_theta) >= 0.5
  AND sort_array(fire_rate_by_class_theta, false)[1] <= 0.05
ORDER BY sweep, lambda, angle_deg, seed, layer, unit
