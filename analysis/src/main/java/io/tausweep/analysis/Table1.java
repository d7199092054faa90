package io.tausweep.analysis;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The paper's Table 1 computed by Spark SQL over the {@code runs} view: per method, angle and
 * lambda, the trainable parameters and mean +- sample std over seeds of each accuracy.
 * Only cells with {@code status = 'ok'} count; the failed ones are reported beside.
 */
public final class Table1 {
  private Table1() {}

  /** Methods in the paper's row order; unknown methods sort after them. */
  public static final List<String> METHOD_ORDER = List.of("frozen", "bitfit", "taugate", "lora", "full_ft");

  /** The SQL behind the table, for one sweep (a string literal is bound by {@link #query}). */
  public static String sql(String sweep) {
    String order = String.join(", ", METHOD_ORDER.stream().map(m -> "'" + m + "'").toList());
    return """
        SELECT method,
               max(trainable_params)            AS params,
               angle_deg,
               lambda,
               count(*)                         AS n,
               avg(acc_0)                       AS acc_0_mean,
               stddev_samp(acc_0)               AS acc_0_std,
               avg(acc_theta)                   AS acc_theta_mean,
               stddev_samp(acc_theta)           AS acc_theta_std,
               avg(acc_0_hard)                  AS acc_0_hard_mean,
               avg(acc_theta_hard)              AS acc_theta_hard_mean,
               avg(high_act_frac)               AS high_act_frac_mean
        FROM runs
        WHERE sweep = '%s' AND status = 'ok'
        GROUP BY method, angle_deg, lambda
        ORDER BY angle_deg,
                 CASE WHEN array_position(array(%s), method) = 0 THEN 99
                      ELSE array_position(array(%s), method) END,
                 lambda
        """.formatted(sweep.replace("'", "''"), order, order);
  }

  /** Runs the query. */
  public static List<Row> query(SparkSession spark, String sweep) {
    return spark.sql(sql(sweep)).collectAsList();
  }

  /** Renders rows of {@link #sql} as a fixed-width text table. */
  public static String format(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    String header = String.format(Locale.ROOT, "%-8s %8s %6s %7s %3s  %-13s  %-13s  %7s %7s %8s%n",
        "method", "params", "angle", "lambda", "n", "acc 0deg", "acc angle", "hard 0", "hard ang", "high-act");
    sb.append(header);
    sb.append("-".repeat(header.length() - 1)).append('\n');
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%-8s %8d %6.1f %7s %3d  %-13s  %-13s  %7s %7s %8s%n",
          r.getString(0), r.getLong(1), r.getDouble(2), r.isNullAt(3) ? "-" : fmt(r.getDouble(3), "%.3g"),
          r.getLong(4), meanStd(r, 5, 6), meanStd(r, 7, 8), opt(r, 9), opt(r, 10), opt(r, 11)));
    }
    return sb.toString();
  }

  private static String meanStd(Row r, int mean, int std) {
    if (r.isNullAt(mean)) {
      return "-";
    }
    String s = r.isNullAt(std) ? "n/a" : fmt(r.getDouble(std), "%.3f");
    return fmt(r.getDouble(mean), "%.3f") + "±" + s;
  }

  private static String opt(Row r, int i) {
    return r.isNullAt(i) ? "-" : fmt(r.getDouble(i), "%.3f");
  }

  private static String fmt(double v, String f) {
    return String.format(Locale.ROOT, f, v);
  }
}
