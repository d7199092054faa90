package io.tausweep.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A readable report of one sweep: Table 1 in the paper's layout with 95% confidence intervals, the
 * paired comparisons with the frozen and LoRA baselines, the three figures of {@link Plots} and a
 * provenance line, written as {@code report.md} and {@code report.html} (same content) under {@code
 * DIR/report/<sweep>/}. Everything is read through the views of {@link ResultViews}.
 *
 * <p>Command line (the {@code report} subcommand of {@code bin/sweep}):
 *
 * <pre>
 *   bin/sweep report --out DIR [--sweep NAME]
 * </pre>
 *
 * Without {@code --sweep}, one report per sweep in {@code DIR}. From Java: {@code
 * Report.write(spark, Path.of("/tmp/x"), null)}.
 */
public final class Report {
  private Report() {}

  /** Directory under the output directory that holds one report directory per sweep. */
  public static final String REPORT_DIR = "report";

  /** Markdown file of a report. */
  public static final String MARKDOWN = "report.md";

  /** HTML file of a report. */
  public static final String HTML = "report.html";

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /**
   * Registers the views of {@code outDir} (replacing any of the same names, so the report always
   * describes {@code outDir}) and writes the report of {@code sweepOrNull}, or of every sweep in
   * {@code outDir} when it is null. Files of an earlier report of the same sweep are replaced.
   *
   * @return the files written: per sweep {@code report.md}, {@code report.html}, then the PNGs
   *     drawn
   * @throws IllegalArgumentException when {@code outDir} holds no results, or not the named sweep
   */
  public static List<Path> write(SparkSession spark, Path outDir, String sweepOrNull) {
    Path root = outDir.toAbsolutePath().normalize();
    return write(spark, root.toUri().toString(), root.toString(), root, sweepOrNull);
  }

  /**
   * As {@link #write(SparkSession, Path, String)} for results on any Hadoop file system ({@code
   * outUri}, named {@code outName} in the report), the report going under the local directory
   * {@code reportRoot} ({@code reportRoot/report/SWEEP/}).
   */
  public static List<Path> write(
      SparkSession spark, String outUri, String outName, Path reportRoot, String sweepOrNull) {
    String outDir = outName;
    Path root = reportRoot.toAbsolutePath().normalize();
    ResultViews.register(spark, outUri);
    List<String> sweeps =
        spark.sql("SELECT DISTINCT sweep FROM runs ORDER BY sweep").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList();
    if (sweeps.isEmpty()) {
      throw new IllegalArgumentException(
          "No results in "
              + outDir
              + ": the runs table is empty (run 'bin/sweep run"
              + " CONF --out "
              + outDir
              + "' first)");
    }
    List<String> chosen = sweeps;
    if (sweepOrNull != null) {
      if (!sweeps.contains(sweepOrNull)) {
        throw new IllegalArgumentException(
            "No sweep '"
                + sweepOrNull
                + "' in "
                + outDir
                + " (sweeps there: "
                + String.join(", ", sweeps)
                + ")");
      }
      chosen = List.of(sweepOrNull);
    }
    List<Path> written = new ArrayList<>();
    // Every table and figure derives from runs: read its Parquet once, not once per query.
    spark.catalog().cacheTable(ResultSchema.RUNS);
    try {
      for (String sweep : chosen) {
        written.addAll(writeOne(spark, root, outName, sweep));
      }
    } finally {
      spark.catalog().uncacheTable(ResultSchema.RUNS);
    }
    return written;
  }

  private static List<Path> writeOne(SparkSession spark, Path root, String outName, String sweep) {
    if (!SAFE_NAME.matcher(sweep).matches() || sweep.contains("..")) {
      throw new IllegalArgumentException(
          "Cannot write a report for sweep '"
              + sweep
              + "': not a safe directory name"
              + " (sweep names are letters, digits, '.', '_', '-')");
    }
    Path dir = root.resolve(REPORT_DIR).resolve(sweep);
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (String f : Plots.FILES) {
        Files.deleteIfExists(dir.resolve(f));
      }
      List<Plots.Figure> figures =
          List.of(
              Plots.lambdaTradeoff(spark, sweep, dir.resolve(Plots.LAMBDA_TRADEOFF_PNG)),
              Plots.accuracyVersusAngle(spark, sweep, dir.resolve(Plots.ACC_VS_ANGLE_PNG)),
              Plots.parametersVersusAccuracy(spark, sweep, dir.resolve(Plots.PARAMS_VS_ACC_PNG)));
      Doc doc = document(spark, outName, sweep, figures);
      written.add(writeAtomically(dir.resolve(MARKDOWN), doc.markdown()));
      written.add(writeAtomically(dir.resolve(HTML), doc.html()));
      figures.stream().filter(Plots.Figure::drawn).forEach(f -> written.add(f.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the report of sweep '" + sweep + "' to " + dir + ": " + e.getMessage(), e);
    }
    return written;
  }

  static Doc document(SparkSession spark, String root, String sweep, List<Plots.Figure> figures) {
    Doc doc = new Doc("tausweep report: sweep " + sweep);
    doc.para(provenance(spark, root, sweep));

    List<Row> table = Table1.query(spark, sweep);
    doc.heading(2, "Table 1");
    doc.para(
        "Mean ± sample std over seeds [95% confidence interval of the mean, Student t with n−1 degrees of"
            + " freedom]; ok cells only (the latest ok attempt of each cell). Hard-gate accuracies and high-act frac"
            + " (share of hidden units with gate > 0.5) apply to TauGate only.");
    List<Double> angles = table.stream().map(r -> r.<Double>getAs("angle_deg")).distinct().toList();
    for (double angle : angles) {
      if (angles.size() > 1) {
        doc.heading(3, "At " + Plots.num(angle) + "°");
      }
      doc.table(table1(table.stream().filter(r -> r.<Double>getAs("angle_deg") == angle).toList()));
    }
    if (table.isEmpty()) {
      doc.para("No ok cells: nothing to tabulate.");
    }

    doc.heading(2, "Paired comparisons");
    doc.para(
        "Per seed, a method's accuracy minus the baseline's on the same seed and angle (so both started from"
            + " the same foundation); mean delta over seeds [95% CI of the mean], and the two-sided Wilcoxon"
            + " signed-rank p-value across seeds (exact for up to 30 non-zero deltas, zero deltas dropped; '-' when"
            + " fewer than two deltas are non-zero).");
    Row most =
        spark
            .sql(
                "SELECT max(n_pairs) FROM paired WHERE sweep = '%s'"
                    .formatted(Plots.literal(sweep)))
            .first();
    if (!most.isNullAt(0)
        && most.getLong(0) >= 2
        && most.getLong(0) <= Stats.WILCOXON_EXACT_MAX_N) {
      long n = most.getLong(0);
      doc.para(
          String.format(
              Locale.ROOT,
              "With %d pairs the smallest possible p is 2/2^%d = %s: read p with the seed"
                  + " count in mind.",
              n,
              n,
              Plots.num(2.0 / Math.pow(2, n))));
    }
    for (String baseline : ResultSchema.PAIRED_BASELINES) {
      List<Row> rows =
          spark
              .sql(
                  """
          SELECT * FROM paired WHERE sweep = '%s' AND baseline = '%s'
          ORDER BY angle_deg, %s, lambda"""
                      .formatted(Plots.literal(sweep), baseline, Table1.methodOrder("method")))
              .collectAsList();
      doc.heading(3, "Versus " + baseline);
      if (rows.isEmpty()) {
        doc.para(
            "No pairs: the sweep has no ok "
                + baseline
                + " cells, or no other method, on a shared seed and angle.");
      } else {
        doc.table(paired(rows));
      }
    }

    doc.heading(2, "Figures");
    for (Plots.Figure f : figures) {
      doc.heading(3, f.title());
      if (f.drawn()) {
        doc.image(f.title(), f.file().getFileName().toString());
      }
      doc.para(f.note());
    }

    List<Row> failed =
        spark
            .sql(
                """
        SELECT method, seed, angle_deg, lambda, cell_id, error FROM cells
        WHERE sweep = '%s' AND status <> 'ok'
        ORDER BY %s, seed, angle_deg, lambda"""
                    .formatted(Plots.literal(sweep), Table1.methodOrder("method")))
            .collectAsList();
    if (!failed.isEmpty()) {
      doc.heading(2, "Failed cells");
      doc.para(
          failed.size()
              + (failed.size() == 1 ? " cell has" : " cells have")
              + " no ok attempt; left out of every table and figure above.");
      List<List<String>> rows = new ArrayList<>();
      for (Row r : failed) {
        rows.add(
            List.of(
                r.getString(0),
                Long.toString(r.getLong(1)),
                Plots.num(r.getDouble(2)),
                lambda(r, 3),
                r.getString(4),
                r.isNullAt(5) ? "" : r.getString(5)));
      }
      doc.table(
          new Doc.Table(
              List.of("method", "seed", "angle", "λ", "cell", "error"),
              new boolean[] {false, true, true, true, false, false},
              rows));
    }
    return doc;
  }

  /** The Table 1 rows of one angle in the paper's layout. */
  private static Doc.Table table1(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : rows) {
      boolean tau = "taugate".equals(r.getAs("method"));
      out.add(
          List.of(
              r.getAs("method"),
              Long.toString(r.<Long>getAs("params")),
              lambda(r, r.fieldIndex("lambda")),
              Long.toString(r.<Long>getAs("n")),
              meanStdCi(r, "acc_0"),
              meanStdCi(r, "acc_theta"),
              tau ? meanStd(r, "acc_0_hard") : "-",
              tau ? meanStd(r, "acc_theta_hard") : "-",
              tau ? meanStd(r, "high_act_frac") : "-"));
    }
    return new Doc.Table(
        List.of(
            "method",
            "trainable params",
            "λ",
            "n",
            "acc 0°",
            "acc θ",
            "acc 0° hard",
            "acc θ hard",
            "high-act frac"),
        new boolean[] {false, true, true, true, true, true, true, true, true},
        out);
  }

  private static Doc.Table paired(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(
          List.of(
              r.getAs("method"),
              lambda(r, r.fieldIndex("lambda")),
              Plots.num(r.<Double>getAs("angle_deg")),
              Long.toString(r.<Long>getAs("n_pairs")),
              deltaCi(r, "acc_0_delta"),
              p(r, "acc_0_wilcoxon_p"),
              deltaCi(r, "acc_theta_delta"),
              p(r, "acc_theta_wilcoxon_p")));
    }
    return new Doc.Table(
        List.of(
            "method",
            "λ",
            "angle",
            "pairs",
            "Δ acc 0° [95% CI]",
            "p (0°)",
            "Δ acc θ [95% CI]",
            "p (θ)"),
        new boolean[] {false, true, true, true, true, true, true, true},
        out);
  }

  private static String provenance(SparkSession spark, String root, String sweep) {
    Row r =
        spark
            .sql(
                """
        SELECT concat_ws(', ', sort_array(collect_set(config_hash))),
               concat_ws(', ', sort_array(collect_set(code_version))),
               concat_ws(', ', sort_array(collect_set(spark_version))),
               concat_ws(', ', sort_array(collect_set(dl4j_version))),
               count(*),
               (SELECT count(*) FROM cells WHERE sweep = '%1$s'),
               (SELECT count(*) FROM cells WHERE sweep = '%1$s' AND status = 'ok'),
               min(started_at), max(started_at)
        FROM runs WHERE sweep = '%1$s'"""
                    .formatted(Plots.literal(sweep)))
            .first();
    return String.format(
        Locale.ROOT,
        "Provenance: sweep %s in %s; config hash %s; code %s; Spark %s; DL4J %s;"
            + " %d cells (%d ok) from %d attempts, started %s to %s.",
        sweep,
        root,
        r.getString(0),
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getLong(5),
        r.getLong(6),
        r.getLong(4),
        instant(r.get(7)),
        instant(r.get(8)));
  }

  /** A timestamp column's value as an ISO-8601 UTC instant, whatever the session time zone. */
  private static String instant(Object v) {
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
    return v instanceof java.time.Instant i
        ? i.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()
        : String.valueOf(v);
  }

  private static String meanStdCi(Row r, String metric) {
    String s = meanStd(r, metric);
    Object lo = r.getAs(metric + "_ci_lo");
    Object hi = r.getAs(metric + "_ci_hi");
    return lo == null || hi == null ? s : s + " [" + f3((Double) lo) + ", " + f3((Double) hi) + "]";
  }

  private static String meanStd(Row r, String metric) {
    Double mean = r.getAs(metric + "_mean");
    if (mean == null) {
      return "-";
    }
    Double std = r.getAs(metric + "_std");
    return f3(mean) + " ± " + (std == null ? "n/a" : f3(std));
  }

  private static String deltaCi(Row r, String delta) {
    Double mean = r.getAs(delta + "_mean");
    if (mean == null) {
      return "-";
    }
    Double lo = r.getAs(delta + "_ci_lo");
    Double hi = r.getAs(delta + "_ci_hi");
    String m = String.format(Locale.ROOT, "%+.3f", mean);
    return lo == null || hi == null ? m : m + String.format(Locale.ROOT, " [%+.3f, %+.3f]", lo, hi);
  }

  private static String p(Row r, String column) {
    Double v = r.getAs(column);
    return v == null ? "-" : String.format(Locale.ROOT, v < 0.001 ? "%.1e" : "%.4f", v);
  }

  private static String lambda(Row r, int i) {
    return r.isNullAt(i) ? "-" : Plots.num(r.getDouble(i));
  }

  private static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static Path writeAtomically(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    return Files.move(
        tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
