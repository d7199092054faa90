-- Paired comparisons with the frozen and the LoRA baseline: per seed, the method's accuracy minus
-- the baseline's on the same seed and angle; mean delta over seeds, its 95% CI (Student t) and the
-- two-sided Wilcoxon signed-rank p across seeds (exact up to 30 non-zero deltas; NULL when fewer
-- than 2 deltas are non-zero). With 5 seeds the smallest possible p is 0.0625.
-- Run: bin/sweep sql --out DIR -f conf/queries/paired.sql
SELECT sweep,
       baseline,
       method,
       angle_deg,
       lambda,
       n_pairs,
       round(acc_0_delta_mean, 4)      AS d_acc_0,
       round(acc_0_delta_ci_lo, 4)     AS d_acc_0_ci_lo,
       round(acc_0_delta_ci_hi, 4)     AS d_acc_0_ci_hi,
       round(acc_0_wilcoxon_p, 4)      AS p_acc_0,
       round(acc_theta_delta_mean, 4)  AS d_acc_theta,
       round(acc_theta_delta_ci_lo, 4) AS d_acc_theta_ci_lo,
       round(acc_theta_delta_ci_hi, 4) AS d_acc_theta_ci_hi,
       round(acc_theta_wilcoxon_p, 4)  AS p_acc_theta
FROM paired
ORDER BY sweep, baseline, angle_deg,
         CASE method WHEN 'frozen' THEN 1 WHEN 'bitfit' THEN 2 WHEN 'taugate' THEN 3 WHEN 'lora' THEN 4
                     WHEN 'full_ft' THEN 5 ELSE 99 END,
         lambda
