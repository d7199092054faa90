package io.tausweep.analysis;

import io.tausweep.model.method.Methods;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The paper's Table 1 from the {@code summary} view: per method, angle and lambda, the trainable
 * parameters and mean +- sample std over seeds of each accuracy, with 95% confidence intervals.
 * Only cells with {@code status = 'ok'} count (see {@link ResultViews}); the failed ones are
 * reported beside. Needs the views of {@link ResultViews#register}.
 */
public final class Table1 {
  private Table1() {}

  /** Methods in the paper's row order; unknown methods sort after them. */
  public static final List<String> METHOD_ORDER = Methods.ids();

  /**
   * The SQL behind the table, for one sweep (a string literal is bound by {@link #query}). Columns
   * 0..11 are those {@link #format} prints; 12..18 add the confidence intervals, and the std of the
   * TauGate columns, for {@link Report}.
   */
  public static String sql(String sweep) {
    return """
        SELECT method,
               trainable_params                 AS params,
               angle_deg,
               lambda,
               n,
               acc_0_mean,
               acc_0_std,
               acc_theta_mean,
               acc_theta_std,
               acc_0_hard_mean,
               acc_theta_hard_mean,
               high_act_frac_mean,
               acc_0_ci_lo,
               acc_0_ci_hi,
               acc_theta_ci_lo,
               acc_theta_ci_hi,
               acc_0_hard_std,
               acc_theta_hard_std,
               high_act_frac_std
        FROM summary
        WHERE sweep = '%s'
        ORDER BY angle_deg, %s, lambda
        """
        .formatted(sweep.replace("'", "''"), methodOrder("method"));
  }

  /**
   * A SQL expression ranking {@code column} in {@link #METHOD_ORDER} (1-based), unknown methods
   * last, for an {@code ORDER BY}.
   */
  public static String methodOrder(String column) {
    String order = String.join(", ", METHOD_ORDER.stream().map(m -> "'" + m + "'").toList());
    return "CASE WHEN array_position(array(%s), %s) = 0 THEN 99 ELSE array_position(array(%s), %s) END"
        .formatted(order, column, order, column);
  }

  /** Runs the query. */
  public static List<Row> query(SparkSession spark, String sweep) {
    return spark.sql(sql(sweep)).collectAsList();
  }

  /** Renders rows of {@link #sql} as a fixed-width text table. */
  public static String format(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-8s %8s %6s %7s %3s  %-13s  %-13s  %7s %7s %8s%n",
            "method",
            "params",
            "angle",
            "lambda",
            "n",
            "acc 0deg",
            "acc angle",
            "hard 0",
            "hard ang",
            "high-act");
    sb.append(header);
    sb.append("-".repeat(header.length() - 1)).append('\n');
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-8s %8d %6.1f %7s %3d  %-13s  %-13s  %7s %7s %8s%n",
              r.getString(0),
              r.getLong(1),
              r.getDouble(2),
              r.isNullAt(3) ? "-" : fmt(r.getDouble(3), "%.3g"),
              r.getLong(4),
              meanStd(r, 5, 6),
              meanStd(r, 7, 8),
              opt(r, 9),
              opt(r, 10),
              opt(r, 11)));
    }
    return sb.toString();
  }

  /** {@code mean±std} of columns {@code mean} and {@code std}, "-" without a mean. */
  static String meanStd(Row r, int mean, int std) {
    if (r.isNullAt(mean)) {
      return "-";
    }
    String s = r.isNullAt(std) ? "n/a" : fmt(r.getDouble(std), "%.3f");
    return fmt(r.getDouble(mean), "%.3f") + "±" + s;
  }

  /** Column {@code i} to 3 decimals, "-" when null. */
  static String opt(Row r, int i) {
    return r.isNullAt(i) ? "-" : fmt(r.getDouble(i), "%.3f");
  }

  private static String fmt(double v, String f) {
    return String.format(Locale.ROOT, f, v);
  }
}
