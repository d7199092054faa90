package io.tausweep.bench;

import io.tausweep.analysis.ResultSchema;
import io.tausweep.jobs.driver.SparkSessions;
import io.tausweep.jobs.driver.SweepJob;
import io.tausweep.jobs.store.HadoopSweepStore;
import io.tausweep.jobs.store.Lease;
import io.tausweep.model.sweep.SweepConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Resume bookkeeping at scale: plans a 1,000,000-cell grid (TauGate, 100 seeds x 100 angles x 100
 * lambdas) against a runs table holding 100,000 committed cells, without training. Only {@link
 * SweepJob#plan()} is timed: expanding the grid with its cell ids, reading the committed ids from
 * Parquet, and filtering.
 *
 * <p>Usage: {@code bench/plan [WORK_DIR]}.
 */
public final class PlanBench {
  private PlanBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "/tmp/tausweep-plan-bench");
    SweepConfig cfg =
        SweepConfig.parse(
            "sweep { name = plan, methods = [taugate], seeds = "
                + range(0, 100, 1)
                + ", angles-deg = "
                + range(-99, 101, 2)
                + ", lambdas = "
                + range(0, 100, 1)
                + " }",
            "plan-bench");
    SparkSession spark =
        SparkSessions.create(
            "tausweep plan bench", "local[2]", Map.of("spark.ui.enabled", "false"));
    try {
      Path out = work.resolve("out");
      HadoopSweepStore dir =
          HadoopSweepStore.forWriting(out.toString(), spark.sparkContext().hadoopConfiguration());
      if (!Files.isDirectory(out.resolve(ResultSchema.RUNS))) {
        commitFakeRows(spark, cfg, out, 100_000);
      }
      PrintStream console = System.out;
      SweepJob.Plan plan;
      double s;
      try (Lease lease = dir.lock(cfg.name())) {
        SweepJob job = new SweepJob(spark, cfg, dir, lease, console, SweepJob.Options.defaults());
        job.plan(); // warm-up: JIT and the first Parquet read
        HadoopSweepStore fresh =
            HadoopSweepStore.forWriting(out.toString(), spark.sparkContext().hadoopConfiguration());
        job = new SweepJob(spark, cfg, fresh, lease, console, SweepJob.Options.defaults());
        long t0 = System.nanoTime();
        plan = job.plan();
        s = (System.nanoTime() - t0) / 1e9;
      }
      System.out.printf(
          Locale.ROOT,
          "plan: %,d cells in the grid, %,d committed, %,d to run; %.2f s%n",
          plan.grid().cells().size(),
          plan.grid().cells().size() - plan.todo().size(),
          plan.todo().size(),
          s);
    } finally {
      spark.stop();
    }
  }

  /** Writes {@code n} committed rows for the first n cells of the grid (setup, not timed). */
  private static void commitFakeRows(SparkSession spark, SweepConfig cfg, Path out, int n) {
    List<Row> rows = new ArrayList<>(n);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    var cells = io.tausweep.jobs.task.Grid.of(cfg).cells();
    for (int i = 0; i < n; i++) {
      var c = cells.get(i);
      rows.add(
          RowFactory.create(
              cfg.name(),
              c.id(),
              c.method().id(),
              c.seed(),
              c.angleDeg(),
              c.lambda(),
              512L,
              0.85,
              0.85,
              0.85,
              0.85,
              0.6,
              1.0,
              0.1,
              "ok",
              null,
              c.foundationId(),
              cfg.hash(),
              "bench",
              "bench",
              "bench",
              "localhost",
              1,
              "bench",
              now));
    }
    spark
        .createDataFrame(rows, ResultSchema.RUNS_SCHEMA)
        .write()
        .mode(SaveMode.Append)
        .partitionBy(ResultSchema.RUNS_PARTITIONS.toArray(String[]::new))
        .parquet(out.resolve(ResultSchema.RUNS).toString());
  }

  private static String range(int from, int to, int step) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (int v = from; v < to; v += step) {
      j.add(Integer.toString(v));
    }
    return j.toString();
  }
}
