-- The sparsity trade-off: TauGate's accuracy (soft and hard gate) and high-act frac (share of
-- hidden units with gate > 0.5) versus lambda, per sweep and angle, mean over ok seeds with 95% CIs.
-- Run: bin/sweep sql --out DIR -f conf/queries/lambda_tradeoff.sql
SELECT sweep,
       angle_deg,
       lambda,
       n,
       round(acc_0_mean, 4)          AS acc_0,
       round(acc_theta_mean, 4)      AS acc_theta,
       round(acc_theta_ci_lo, 4)     AS acc_theta_ci_lo,
       round(acc_theta_ci_hi, 4)     AS acc_theta_ci_hi,
       round(acc_0_hard_mean, 4)     AS acc_0_hard,
       round(acc_theta_hard_mean, 4) AS acc_theta_hard,
       round(high_act_frac_mean, 4)  AS high_act_frac,
       round(high_act_frac_ci_lo, 4) AS high_act_frac_ci_lo,
       round(high_act_frac_ci_hi, 4) AS high_act_frac_ci_hi
FROM summary
WHERE method = 'taugate'
ORDER BY sweep, angle_deg, lambda
