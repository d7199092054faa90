-- The paper's Table 1 for every sweep: per method, angle and lambda, mean ± sample std over
-- seeds [95% CI of the mean, Student t with n-1 dof], ok cells only (latest ok attempt per cell).
-- Run: bin/sweep sql --out DIR -f conf/queries/table1.sql   (add --csv for CSV)
SELECT sweep,
       method,
       trainable_params,
       angle_deg,
       lambda,
       n,
       round(acc_0_mean, 4)          AS acc_0,
       round(acc_0_std, 4)           AS acc_0_std,
       round(acc_0_ci_lo, 4)         AS acc_0_ci_lo,
       round(acc_0_ci_hi, 4)         AS acc_0_ci_hi,
       round(acc_theta_mean, 4)      AS acc_theta,
       round(acc_theta_std, 4)       AS acc_theta_std,
       round(acc_theta_ci_lo, 4)     AS acc_theta_ci_lo,
       round(acc_theta_ci_hi, 4)     AS acc_theta_ci_hi,
       round(acc_0_hard_mean, 4)     AS acc_0_hard,
       round(acc_theta_hard_mean, 4) AS acc_theta_hard,
       round(high_act_frac_mean, 4)  AS high_act_frac,
       round(high_act_frac_std, 4)   AS high_act_frac_std
FROM summary
ORDER BY sweep, angle_deg,
         CASE method WHEN 'frozen' THEN 1 WHEN 'bitfit' THEN 2 WHEN 'taugate' THEN 3 WHEN 'lora' THEN 4
                     WHEN 'full_ft' THEN 5 ELSE 99 END,
         lambda
