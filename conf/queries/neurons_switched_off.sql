-- Hidden units that the rotated mode switches off: the gate opens (> 0.5) on at least half of the
-- 0-degree test images but on at most 1% of the rotated ones. One row per unit of each TauGate
-- cell, most switched-off first. Needs the neurons table (empty result without it).
-- Run: bin/sweep sql --out DIR -f conf/queries/neurons_switched_off.sql
SELECT sweep,
       lambda,
       angle_deg,
       seed,
       layer,
       unit,
       round(tau, 4)             AS tau,
       round(gamma, 4)           AS gamma,
       round(fire_rate_0, 4)     AS fire_rate_0,
       round(fire_rate_theta, 4) AS fire_rate_theta,
       cell_id
FROM neurons
WHERE fire_rate_0 >= 0.5 AND fire_rate_theta <= 0.01
ORDER BY sweep, lambda, angle_deg, fire_rate_0 - fire_rate_theta DESC, seed, layer, unit
