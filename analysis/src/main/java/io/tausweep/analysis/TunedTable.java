package io.tausweep.analysis;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The tuned Table 1 from the {@code tuned} view: per method (and angle and separately reported
 * group), the setting chosen on validation accuracy at the angle and its test accuracies, mean ±
 * std over seeds. Needs the views of {@link ResultViews#register}.
 */
public final class TunedTable {
  private TunedTable() {}

  /** The SQL behind the table, for one sweep. */
  public static String sql(String sweep) {
    return """
        SELECT method, trainable_params, angle_deg, report_group, n, n_settings,
               acc_val_theta_mean, acc_0_mean, acc_0_std, acc_theta_mean, acc_theta_std, setting
        FROM tuned
        WHERE sweep = '%s'
        ORDER BY angle_deg, report_group, %s
        """
        .formatted(sweep.replace("'", "''"), Table1.methodOrder("method"));
  }

  public static List<Row> query(SparkSession spark, String sweep) {
    return spark.sql(sql(sweep)).collectAsList();
  }

  /** Renders rows of {@link #sql} as a fixed-width text table. */
  public static String format(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    String header =
        String.format(
            Locale.ROOT,
            "%-9s %8s %6s %-18s %3s %4s  %-7s  %-13s  %-13s  %s%n",
            "method",
            "params",
            "angle",
            "reported apart",
            "n",
            "of",
            "val ang",
            "acc 0deg",
            "acc angle",
            "chosen setting");
    sb.append(header);
    sb.append("-".repeat(header.length() - 1)).append('\n');
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-9s %8s %6.1f %-18s %3d %4d  %-7s  %-13s  %-13s  %s%n",
              r.getString(0),
              r.isNullAt(1) ? "-" : Long.toString(r.getLong(1)),
              r.getDouble(2),
              r.getString(3).isEmpty() ? "-" : r.getString(3),
              r.getLong(4),
              r.getLong(5),
              Table1.opt(r, 6),
              Table1.meanStd(r, 7, 8),
              Table1.meanStd(r, 9, 10),
              r.getString(11).isEmpty() ? "(fixed)" : r.getString(11)));
    }
    return sb.toString();
  }
}
