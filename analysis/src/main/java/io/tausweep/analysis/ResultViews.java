package io.tausweep.analysis;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Registers an output directory's result tables, and the views derived from them, as Spark SQL temp
 * views, read with their explicit schemas so partition columns keep their types. Every view is
 * lazy: registering reads only Parquet footers, and a query computes what it selects.
 *
 * <p>The views (column meanings in {@link ResultSchema}; {@code DESCRIBE view} shows them):
 *
 * <ul>
 *   <li>{@code runs}, {@code epochs}, {@code neurons}: the tables as written, one row per attempt.
 *       {@code epochs} and {@code neurons} are empty when the directory lacks them.
 *   <li>{@code cells}: the committed result of each cell, one row per (sweep, cell_id). A cell
 *       attempted more than once keeps its latest {@code ok} row by {@code started_at}, or its
 *       latest row when none is ok.
 *   <li>{@code summary}: per (sweep, method, angle_deg, lambda) over the ok rows of {@code cells}:
 *       n, and per metric the mean, sample std and 95% CI {@code mean ± t(0.975, n-1) · std / √n}.
 *   <li>{@code paired_seeds}: per seed, a cell's acc_0 and acc_theta minus those of the frozen and
 *       the LoRA cell with the same sweep, seed and angle (both ok).
 *   <li>{@code paired}: {@code paired_seeds} across seeds: n_pairs, mean delta, its 95% CI (as in
 *       summary) and a two-sided Wilcoxon signed-rank p-value ({@link Stats#wilcoxonSignedRankP}).
 * </ul>
 *
 * The SQL functions of {@link Stats#registerFunctions} are registered with them.
 */
public final class ResultViews {
  private ResultViews() {}

  /** View of the latest committed row of each cell. */
  public static final String CELLS = "cells";

  /** View of per-group statistics over seeds. */
  public static final String SUMMARY = "summary";

  /** View of per-seed differences to a baseline method. */
  public static final String PAIRED_SEEDS = "paired_seeds";

  /** View of paired differences aggregated over seeds. */
  public static final String PAIRED = "paired";

  /** View of the validation-selected setting per method, angle and separately reported group. */
  public static final String TUNED = "tuned";

  /** Every view {@link #register} creates, tables first. */
  public static final List<String> VIEWS =
      List.of(
          ResultSchema.RUNS,
          ResultSchema.EPOCHS,
          ResultSchema.NEURONS,
          CELLS,
          SUMMARY,
          PAIRED_SEEDS,
          PAIRED,
          TUNED);

  /**
   * Registers every view of {@link #VIEWS} over the tables in {@code out}, replacing views of the
   * same names.
   *
   * @throws IllegalArgumentException when {@code out} holds no runs table
   */
  public static void register(SparkSession spark, Path out) {
    register(spark, out.toAbsolutePath().normalize().toUri().toString());
  }

  /**
   * As {@link #register(SparkSession, Path)}, for an output directory on any Hadoop file system
   * ({@code file:}, {@code hdfs://}, {@code s3a://}, ...), opened with the session's Hadoop
   * configuration.
   */
  public static void register(SparkSession spark, String out) {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(out);
    org.apache.hadoop.fs.Path runs = new org.apache.hadoop.fs.Path(root, ResultSchema.RUNS);
    if (!isDirectory(spark, runs)) {
      String name = display(root);
      throw new IllegalArgumentException(
          "No results in "
              + name
              + ": "
              + display(runs)
              + " does not exist (run 'bin/sweep run CONF --out "
              + name
              + "' first, or fix --out)");
    }
    read(spark, runs.toString(), ResultSchema.RUNS_SCHEMA)
        .createOrReplaceTempView(ResultSchema.RUNS);
    readOrEmpty(
            spark,
            new org.apache.hadoop.fs.Path(root, ResultSchema.EPOCHS),
            ResultSchema.EPOCHS_SCHEMA)
        .createOrReplaceTempView(ResultSchema.EPOCHS);
    readOrEmpty(
            spark,
            new org.apache.hadoop.fs.Path(root, ResultSchema.NEURONS),
            ResultSchema.NEURONS_SCHEMA)
        .createOrReplaceTempView(ResultSchema.NEURONS);
    registerDerived(spark);
  }

  /** A path as users name it: a local path for the local file system, else its URI. */
  private static String display(org.apache.hadoop.fs.Path p) {
    java.net.URI u = p.toUri();
    return "file".equals(u.getScheme()) ? Path.of(u).toString() : p.toString();
  }

  private static boolean isDirectory(SparkSession spark, org.apache.hadoop.fs.Path p) {
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration())
          .getFileStatus(p)
          .isDirectory();
    } catch (java.io.FileNotFoundException e) {
      return false;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Registers {@code cells}, {@code summary}, {@code paired_seeds} and {@code paired} (and the SQL
   * functions) over whatever view named {@code runs} the session already has, with {@link
   * ResultSchema#RUNS_SCHEMA}'s columns.
   */
  public static void registerDerived(SparkSession spark) {
    Stats.registerFunctions(spark);
    conform(spark.sql(cellsSql()), ResultSchema.RUNS_SCHEMA).createOrReplaceTempView(CELLS);
    conform(spark.sql(summarySql()), ResultSchema.SUMMARY_SCHEMA).createOrReplaceTempView(SUMMARY);
    conform(spark.sql(pairedSeedsSql()), ResultSchema.PAIRED_SEEDS_SCHEMA)
        .createOrReplaceTempView(PAIRED_SEEDS);
    conform(spark.sql(pairedSql()), ResultSchema.PAIRED_SCHEMA).createOrReplaceTempView(PAIRED);
    conform(spark.sql(tunedSql()), ResultSchema.TUNED_SCHEMA).createOrReplaceTempView(TUNED);
  }

  /**
   * The SQL of {@code tuned} over {@code cells}: per (sweep, method, angle_deg, report_group), the
   * setting with the best mean validation accuracy at the angle over its ok seeds (ties: the first
   * setting by name), with that setting's test accuracies. Selection never looks at a test
   * accuracy.
   */
  static String tunedSql() {
    return """
        SELECT sweep, method, angle_deg, report_group, setting, trainable_params, n, n_settings,
               acc_val_theta_mean, acc_0_mean, acc_0_std, acc_0_ci_lo, acc_0_ci_hi,
               acc_theta_mean, acc_theta_std, acc_theta_ci_lo, acc_theta_ci_hi
        FROM (
          SELECT *,
                 count(*) OVER (PARTITION BY sweep, method, angle_deg, report_group) AS n_settings,
                 row_number() OVER (
                   PARTITION BY sweep, method, angle_deg, report_group
                   ORDER BY acc_val_theta_mean DESC NULLS LAST, setting) AS rank
          FROM (
            SELECT sweep, method, angle_deg,
                   coalesce(report_group, '') AS report_group,
                   coalesce(setting, '') AS setting,
                   max(trainable_params) AS trainable_params,
                   count(*) AS n,
                   avg(acc_val_theta) AS acc_val_theta_mean%s%s
            FROM cells
            WHERE status = 'ok'
            GROUP BY sweep, method, angle_deg, coalesce(report_group, ''), coalesce(setting, '')))
        WHERE rank = 1"""
        .formatted(meanStdCi("acc_0", "acc_0"), meanStdCi("acc_theta", "acc_theta"));
  }

  /** The SQL of {@code cells} over {@code runs}. */
  static String cellsSql() {
    String cols = columns(ResultSchema.RUNS_SCHEMA);
    // Ties on started_at (the same cell started twice in one millisecond) are broken by host then
    // error text, so the choice does not depend on file order.
    return """
        SELECT %s FROM (
          SELECT *, row_number() OVER (
                   PARTITION BY sweep, cell_id
                   ORDER BY CASE WHEN status = 'ok' THEN 0 ELSE 1 END, started_at DESC, host, error) AS attempt_rank
          FROM runs)
        WHERE attempt_rank = 1"""
        .formatted(cols);
  }

  /** The SQL of {@code summary} over {@code cells}. */
  static String summarySql() {
    StringBuilder stats = new StringBuilder();
    for (String m : ResultSchema.SUMMARY_METRICS) {
      stats.append(meanStdCi(m, m));
    }
    return """
        SELECT sweep, method, angle_deg, lambda,
               coalesce(setting, '') AS setting,
               coalesce(report_group, '') AS report_group,
               max(trainable_params) AS trainable_params,
               count(*) AS n%s
        FROM cells
        WHERE status = 'ok'
        GROUP BY sweep, method, angle_deg, lambda, coalesce(setting, ''), coalesce(report_group, '')"""
        .formatted(stats);
  }

  /** The SQL of {@code paired_seeds} over {@code cells}. */
  static String pairedSeedsSql() {
    String baselines =
        ResultSchema.PAIRED_BASELINES.stream()
            .map(b -> "'" + b + "'")
            .collect(Collectors.joining(", "));
    return """
        SELECT c.sweep, c.method, c.angle_deg, c.lambda, b.method AS baseline, c.seed,
               c.cell_id, b.cell_id AS baseline_cell_id,
               c.acc_0 - b.acc_0 AS acc_0_delta,
               c.acc_theta - b.acc_theta AS acc_theta_delta
        FROM cells c
        JOIN cells b
          ON b.sweep = c.sweep AND b.seed = c.seed AND b.angle_deg = c.angle_deg
         AND b.method IN (%s) AND b.method <> c.method
        WHERE c.status = 'ok' AND b.status = 'ok'"""
        .formatted(baselines);
  }

  /** The SQL of {@code paired} over {@code paired_seeds}. */
  static String pairedSql() {
    StringBuilder stats = new StringBuilder();
    for (String m : ResultSchema.PAIRED_METRICS) {
      stats.append(meanStdCi(m + "_delta", m + "_delta"));
      stats.append(",\n       wilcoxon_p(collect_list(%s_delta)) AS %s_wilcoxon_p".formatted(m, m));
    }
    return """
        SELECT sweep, method, angle_deg, lambda, baseline,
               count(*) AS n_pairs%s
        FROM paired_seeds
        GROUP BY sweep, method, angle_deg, lambda, baseline"""
        .formatted(stats);
  }

  private static String meanStdCi(String column, String prefix) {
    return """
        ,
               avg(%1$s) AS %2$s_mean,
               stddev_samp(%1$s) AS %2$s_std,
               avg(%1$s) - ci95_half(stddev_samp(%1$s), count(%1$s)) AS %2$s_ci_lo,
               avg(%1$s) + ci95_half(stddev_samp(%1$s), count(%1$s)) AS %2$s_ci_hi"""
        .formatted(column, prefix);
  }

  /**
   * Selects {@code schema}'s columns in its order, carrying each field's comment, and checks the
   * types, so a view cannot drift from its documented schema.
   */
  private static Dataset<Row> conform(Dataset<Row> df, StructType schema) {
    StructType actual = df.schema();
    Column[] cols = new Column[schema.fields().length];
    for (int i = 0; i < cols.length; i++) {
      StructField f = schema.fields()[i];
      StructField a = actual.apply(f.name());
      // Compared without nullability: Parquet reads arrays back with containsNull = true.
      if (!a.dataType().catalogString().equals(f.dataType().catalogString())) {
        throw new IllegalStateException(
            "View column "
                + f.name()
                + " has type "
                + a.dataType().simpleString()
                + ", its schema says "
                + f.dataType().simpleString()
                + " (fix the view's SQL or ResultSchema)");
      }
      cols[i] = functions.col(f.name()).as(f.name(), f.metadata());
    }
    return df.select(cols);
  }

  private static String columns(StructType schema) {
    return String.join(", ", schema.fieldNames());
  }

  private static Dataset<Row> readOrEmpty(
      SparkSession spark, org.apache.hadoop.fs.Path dir, StructType schema) {
    return isDirectory(spark, dir)
        ? read(spark, dir.toString(), schema)
        : spark.createDataFrame(List.of(), schema);
  }

  /**
   * Reads a Hive-partitioned table; its columns come back in the schema's order, partitions
   * included.
   */
  private static Dataset<Row> read(SparkSession spark, String dir, StructType schema) {
    return conform(spark.read().schema(schema).option("basePath", dir).parquet(dir), schema);
  }
}
