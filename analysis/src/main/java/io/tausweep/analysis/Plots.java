package io.tausweep.analysis;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The report's three figures as PNG files, drawn with XChart (headless) from the {@code summary}
 * view: the sparsity trade-off (TauGate accuracy and high-act frac versus lambda), accuracy at the
 * angle versus the angle per method, and trainable parameters versus accuracy at the angle. Error
 * bars are 95% confidence intervals of the mean over seeds. A figure whose axis the sweep lacks
 * entirely (no ok cells, or one method for the parameter axis) is skipped, and the {@link Figure}
 * says why; a single lambda or angle is drawn as single points.
 */
public final class Plots {
  static {
    // Before any AWT class loads: the figures are drawn off screen, on machines without a display.
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /** File name of the sparsity trade-off figure. */
  public static final String LAMBDA_TRADEOFF_PNG = "lambda_tradeoff.png";

  /** File name of the accuracy-versus-angle figure. */
  public static final String ACC_VS_ANGLE_PNG = "acc_vs_angle.png";

  /** File name of the efficiency trade-off figure. */
  public static final String PARAMS_VS_ACC_PNG = "params_vs_acc.png";

  /** File names of every figure, in report order. */
  public static final List<String> FILES =
      List.of(LAMBDA_TRADEOFF_PNG, ACC_VS_ANGLE_PNG, PARAMS_VS_ACC_PNG);

  /** TauGate lambdas drawn beside the other methods when a sweep has at most this many. */
  public static final int MAX_TAUGATE_LAMBDAS_SHOWN = 3;

  /** Angle of the efficiency figure when the sweep has it (the paper's angle). */
  public static final double PAPER_ANGLE_DEG = 45.0;

  /** Matplotlib's tab10 palette: distinct on white, unlike XChart's default yellow. */
  private static final java.awt.Color[] PALETTE =
      java.util.stream.Stream.of(
              "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
              "#7f7f7f", "#bcbd22", "#17becf")
          .map(java.awt.Color::decode)
          .toArray(java.awt.Color[]::new);

  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;

  /**
   * A figure, drawn or skipped.
   *
   * @param title what it shows
   * @param file the PNG written, or null when skipped
   * @param note the caption when drawn (what was selected), the reason when skipped
   */
  public record Figure(String title, Path file, String note) {
    /** Whether the figure was drawn. */
    public boolean drawn() {
      return file != null;
    }
  }

  /**
   * Sparsity trade-off: for TauGate, accuracy at the angle (left) and high-act frac (right) versus
   * lambda, one line per angle (a single point when the sweep has one lambda). Skipped without
   * TauGate cells.
   */
  public static Figure lambdaTradeoff(SparkSession spark, String sweep, Path png) {
    String title =
        "Sparsity trade-off: TauGate accuracy at the angle and high-act frac versus lambda";
    List<Row> rows =
        spark
            .sql(
                """
        SELECT angle_deg, lambda, acc_theta_mean, acc_theta_ci_lo, acc_theta_ci_hi,
               high_act_frac_mean, high_act_frac_ci_lo, high_act_frac_ci_hi
        FROM summary
        WHERE sweep = '%s' AND method = 'taugate' AND lambda IS NOT NULL
        ORDER BY angle_deg, lambda"""
                    .formatted(literal(sweep)))
            .collectAsList();
    TreeSet<Double> lambdas = new TreeSet<>();
    rows.forEach(r -> lambdas.add(r.getDouble(1)));
    if (lambdas.isEmpty()) {
      return new Figure(title, null, "Skipped: the sweep has no ok TauGate cells.");
    }
    XYChart acc = chart("TauGate accuracy at the angle", "lambda", "accuracy at the angle");
    XYChart frac = chart("TauGate high-act frac", "lambda", "high-act frac (gate > 0.5)");
    for (Map.Entry<Double, List<Row>> e : groupBy(rows, 0).entrySet()) {
      String name = "angle " + num(e.getKey()) + "°";
      addSeries(acc, name, e.getValue(), 1, 2, 3, 4);
      addSeries(frac, name, e.getValue(), 1, 5, 6, 7);
    }
    write(List.of(acc, frac), 1, 2, png);
    if (lambdas.size() == 1) {
      return new Figure(
          title,
          png,
          "Mean over seeds with 95% CI error bars. The sweep has one TauGate lambda ("
              + num(lambdas.first())
              + "): a single point, no trade-off yet (see conf/lambda.conf).");
    }
    return new Figure(
        title,
        png,
        "Mean over seeds with 95% CI error bars; "
            + lambdas.size()
            + " lambdas from "
            + num(lambdas.first())
            + " to "
            + num(lambdas.last())
            + ".");
  }

  /**
   * Accuracy at the angle versus the angle, one line per method with 95% CI error bars; TauGate
   * gets one line per lambda when the sweep has at most {@value #MAX_TAUGATE_LAMBDAS_SHOWN}, else
   * lines at its smallest and largest lambda (one point per method for a single angle). Skipped
   * without ok cells.
   */
  public static Figure accuracyVersusAngle(SparkSession spark, String sweep, Path png) {
    String title = "Accuracy at the angle versus the angle, per method";
    List<Row> all = methodRows(spark, sweep);
    List<Row> rows = withShownLambdas(all);
    TreeSet<Double> angles = new TreeSet<>();
    rows.forEach(r -> angles.add(r.getDouble(2)));
    if (angles.isEmpty()) {
      return new Figure(title, null, "Skipped: the sweep has no ok cells.");
    }
    XYChart c = chart(title, "angle (degrees)", "accuracy at the angle");
    for (Map.Entry<String, List<Row>> e : groupBySeries(rows).entrySet()) {
      addSeries(c, e.getKey(), e.getValue(), 2, 4, 5, 6);
    }
    write(List.of(c), 1, 1, png);
    String single =
        angles.size() == 1
            ? " The sweep has one angle ("
                + num(angles.first())
                + "°): one point per method (see conf/full.conf for an angle axis)."
            : "";
    return new Figure(
        title, png, "Mean over seeds with 95% CI error bars. " + lambdaNote(all, rows) + single);
  }

  /**
   * Efficiency trade-off: trainable parameters (log axis) versus accuracy at the angle, one point
   * per method (and shown TauGate lambda) at {@value #PAPER_ANGLE_DEG}° when the sweep has it, else
   * at its largest angle. Frozen trains nothing and is drawn at 1 parameter. Skipped when the sweep
   * has fewer than two methods.
   */
  public static Figure parametersVersusAccuracy(SparkSession spark, String sweep, Path png) {
    String title = "Efficiency trade-off: trainable parameters versus accuracy at the angle";
    List<Row> all = methodRows(spark, sweep);
    TreeSet<Double> angles = new TreeSet<>();
    TreeSet<String> methods = new TreeSet<>();
    all.forEach(
        r -> {
          angles.add(r.getDouble(2));
          methods.add(r.getString(0));
        });
    if (methods.size() < 2) {
      return new Figure(
          title,
          null,
          methods.isEmpty()
              ? "Skipped: the sweep has no ok cells."
              : "Skipped: the sweep has one method ("
                  + methods.first()
                  + "), so there is no parameter axis to draw.");
    }
    double angle = angles.contains(PAPER_ANGLE_DEG) ? PAPER_ANGLE_DEG : angles.last();
    List<Row> atAngle = all.stream().filter(r -> r.getDouble(2) == angle).toList();
    List<Row> rows = withShownLambdas(atAngle);
    XYChart c =
        chart(
            "Trainable parameters versus accuracy at " + num(angle) + "°",
            "trainable parameters (log)",
            "accuracy at " + num(angle) + "°");
    c.getStyler().setXAxisLogarithmic(true).setXAxisDecimalPattern("#,##0");
    // One entry per method and lambda is too wide for a legend row under the plot.
    c.getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideE)
        .setLegendLayout(Styler.LegendLayout.Vertical);
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    for (Map.Entry<String, List<Row>> e : groupBySeries(rows).entrySet()) {
      Row r = e.getValue().get(0);
      long params = r.getLong(3);
      double[] x = e.getValue().stream().mapToDouble(v -> Math.max(1, v.getLong(3))).toArray();
      String name = params == 0 ? e.getKey() + " (0 trained, drawn at 1)" : e.getKey();
      addSeries(c, name, e.getValue(), x, 4, 5, 6);
    }
    write(List.of(c), 1, 1, png);
    String where =
        angles.size() == 1
            ? ""
            : angles.contains(PAPER_ANGLE_DEG)
                ? " At the paper's angle, 45°."
                : " At the sweep's largest angle, " + num(angle) + "° (the sweep lacks 45°).";
    return new Figure(
        title,
        png,
        "Mean over seeds with 95% CI error bars." + where + " " + lambdaNote(atAngle, rows));
  }

  /**
   * Rows (method, lambda, angle_deg, trainable_params, acc_theta_mean, ci_lo, ci_hi) of the sweep's
   * summary.
   */
  private static List<Row> methodRows(SparkSession spark, String sweep) {
    return spark
        .sql(
            """
        SELECT method, lambda, angle_deg, trainable_params, acc_theta_mean, acc_theta_ci_lo, acc_theta_ci_hi
        FROM summary
        WHERE sweep = '%s' AND acc_theta_mean IS NOT NULL
        ORDER BY %s, lambda, angle_deg"""
                .formatted(literal(sweep), Table1.methodOrder("method")))
        .collectAsList();
  }

  /** The rows without the TauGate lambdas {@link #shownLambdas} leaves out. */
  private static List<Row> withShownLambdas(List<Row> rows) {
    List<Double> shown = shownLambdas(tauGateLambdas(rows));
    return rows.stream()
        .filter(
            r ->
                !"taugate".equals(r.getString(0))
                    || r.isNullAt(1)
                    || shown.contains(r.getDouble(1)))
        .toList();
  }

  private static TreeSet<Double> tauGateLambdas(List<Row> rows) {
    TreeSet<Double> lambdas = new TreeSet<>();
    rows.stream()
        .filter(r -> "taugate".equals(r.getString(0)) && !r.isNullAt(1))
        .forEach(r -> lambdas.add(r.getDouble(1)));
    return lambdas;
  }

  /**
   * The TauGate lambdas drawn: all of them up to {@value #MAX_TAUGATE_LAMBDAS_SHOWN}, else the
   * extremes.
   */
  static List<Double> shownLambdas(TreeSet<Double> lambdas) {
    return lambdas.size() <= MAX_TAUGATE_LAMBDAS_SHOWN
        ? List.copyOf(lambdas)
        : List.of(lambdas.first(), lambdas.last());
  }

  private static String lambdaNote(List<Row> allRows, List<Row> shownRows) {
    TreeSet<Double> all = tauGateLambdas(allRows);
    TreeSet<Double> shown = tauGateLambdas(shownRows);
    if (shown.isEmpty()) {
      return "";
    }
    String list = String.join(", ", shown.stream().map(Plots::num).toList());
    if (all.size() > shown.size()) {
      return "TauGate at the smallest and largest of its "
          + all.size()
          + " lambdas, "
          + list
          + " (the summary view has the others).";
    }
    return shown.size() == 1
        ? "TauGate at lambda " + list + "."
        : "TauGate at each lambda: " + list + ".";
  }

  /** One series per method, TauGate split by lambda, in the rows' order. */
  private static Map<String, List<Row>> groupBySeries(List<Row> rows) {
    boolean severalLambdas = tauGateLambdas(rows).size() > 1;
    Map<String, List<Row>> out = new LinkedHashMap<>();
    for (Row r : rows) {
      String name = r.getString(0);
      if (severalLambdas && "taugate".equals(name) && !r.isNullAt(1)) {
        name += " λ=" + num(r.getDouble(1));
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static Map<Double, List<Row>> groupBy(List<Row> rows, int column) {
    Map<Double, List<Row>> out = new LinkedHashMap<>();
    rows.forEach(r -> out.computeIfAbsent(r.getDouble(column), k -> new ArrayList<>()).add(r));
    return out;
  }

  private static void addSeries(
      XYChart c, String name, List<Row> rows, int x, int mean, int lo, int hi) {
    addSeries(
        c, name, rows, rows.stream().mapToDouble(r -> r.getDouble(x)).toArray(), mean, lo, hi);
  }

  /**
   * Adds a series of means with symmetric error bars (the CI half-width; 0 where there is no CI).
   */
  private static void addSeries(
      XYChart c, String name, List<Row> rows, double[] x, int mean, int lo, int hi) {
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).isNullAt(mean)) {
        keep.add(i);
      }
    }
    if (keep.isEmpty()) {
      return;
    }
    double[] xs = new double[keep.size()];
    double[] ys = new double[keep.size()];
    double[] err = new double[keep.size()];
    for (int k = 0; k < xs.length; k++) {
      Row r = rows.get(keep.get(k));
      xs[k] = x[keep.get(k)];
      ys[k] = r.getDouble(mean);
      err[k] = r.isNullAt(lo) || r.isNullAt(hi) ? 0.0 : (r.getDouble(hi) - r.getDouble(lo)) / 2;
    }
    c.addSeries(name, xs, ys, err);
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(y)
            .build();
    c.getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideS)
        .setLegendLayout(Styler.LegendLayout.Horizontal)
        .setMarkerSize(7)
        .setChartBackgroundColor(java.awt.Color.WHITE)
        .setSeriesColors(PALETTE);
    c.getStyler().setErrorBarsColorSeriesColor(true);
    c.getStyler().setYAxisDecimalPattern("0.00");
    return c;
  }

  private static void write(List<XYChart> charts, int rows, int cols, Path png) {
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      try (OutputStream os = Files.newOutputStream(png)) {
        if (charts.size() == 1) {
          BitmapEncoder.saveBitmap(charts.get(0), os, BitmapEncoder.BitmapFormat.PNG);
        } else {
          BitmapEncoder.saveBitmap(charts, rows, cols, os, BitmapEncoder.BitmapFormat.PNG);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + png + ": " + e.getMessage(), e);
    }
  }

  static String literal(String s) {
    return s.replace("'", "''");
  }

  /** A number as short as it reads: 45, 0.5, 1e-3. */
  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.3g", v).replaceAll("\\.?0+(e|$)", "$1");
  }
}
