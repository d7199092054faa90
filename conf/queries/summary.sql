-- Every column of the summary view: per sweep, method, angle and lambda, n ok seeds and, for
-- acc_0, acc_theta, acc_0_hard, acc_theta_hard and high_act_frac, mean, sample std and the 95% CI
-- of the mean (Student t, n-1 dof). DESCRIBE summary explains each column.
-- Run: bin/sweep sql --out DIR --csv -f conf/queries/summary.sql
SELECT *
FROM summary
ORDER BY sweep, angle_deg,
         CASE method WHEN 'frozen' THEN 1 WHEN 'bitfit' THEN 2 WHEN 'taugate' THEN 3 WHEN 'lora' THEN 4
                     WHEN 'full_ft' THEN 5 ELSE 99 END,
         lambda
