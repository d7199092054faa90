-- Cells with no ok attempt, and why (the latest attempt's error). Left out of every statistic.
-- Run: bin/sweep sql --out DIR -f conf/queries/failed.sql
SELECT sweep, method, seed, angle_deg, lambda, cell_id, started_at, error
FROM cells
WHERE status <> 'ok'
ORDER BY sweep, method, seed, angle_deg, lambda
