package io.tausweep.jobs;

import io.tausweep.jobs.Grid.CellTask;
import io.tausweep.jobs.Grid.FoundationTask;
import io.tausweep.model.BuildInfo;
import io.tausweep.model.config.Budget;
import io.tausweep.model.config.SweepConfig;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.method.GateMetrics;
import io.tausweep.model.train.CellRun;
import io.tausweep.model.train.EpochStats;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The sweep on Spark: foundations in parallel (one task each, cached as model files), then the
 * cells in parallel (one task each), committed to the Parquet tables in batches as they finish.
 * Cells already committed for the same sweep are skipped, so rerunning a command resumes it.
 */
public final class SweepJob {
  private static final Logger LOG = LogManager.getLogger(SweepJob.class);

  /** What a sweep did: cells in the grid, skipped as already committed, run now, failed now. */
  public record Summary(int total, int skipped, int ran, int failed, double wallSeconds) {}

  private final SparkSession spark;
  private final SweepConfig cfg;
  private final OutputDir out;
  private final PrintStream console;

  public SweepJob(SparkSession spark, SweepConfig cfg, OutputDir out, PrintStream console) {
    this.spark = spark;
    this.cfg = cfg;
    this.out = out;
    this.console = console;
  }

  /** Runs the sweep against already-validated inputs. */
  public Summary run(Mnist mnist) throws IOException {
    long t0 = System.nanoTime();
    out.create(cfg);
    Grid grid = Grid.of(cfg);
    Set<String> committed = out.committedCellIds(spark, cfg.name());
    List<CellTask> todo = grid.cells().stream().filter(c -> !committed.contains(c.id())).toList();
    console.printf(Locale.ROOT, "[%s] %d cells (%d foundations); %d already committed, %d to run%n",
        cfg.name(), grid.cells().size(), grid.foundations().size(), grid.cells().size() - todo.size(), todo.size());
    if (todo.isEmpty()) {
      return new Summary(grid.cells().size(), grid.cells().size(), 0, 0, (System.nanoTime() - t0) / 1e9);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Mnist> data = jsc.broadcast(mnist);
    try {
      Map<String, String> foundationErrors = foundations(jsc, data, grid, todo);
      int failed = cells(jsc, data, todo, foundationErrors);
      return new Summary(grid.cells().size(), grid.cells().size() - todo.size(), todo.size(), failed,
          (System.nanoTime() - t0) / 1e9);
    } finally {
      data.destroy();
    }
  }

  /** Trains the foundations the pending cells need; returns failure reasons by foundation id. */
  private Map<String, String> foundations(JavaSparkContext jsc, Broadcast<Mnist> data, Grid grid,
      List<CellTask> todo) {
    Set<String> needed = new HashSet<>();
    todo.forEach(c -> needed.add(c.foundationId()));
    List<FoundationTask> tasks = grid.foundations().stream().filter(f -> needed.contains(f.id())).toList();
    Budget budget = cfg.budget();
    String dir = out.foundationsUri();
    jsc.setJobDescription("tausweep " + cfg.name() + ": " + tasks.size() + " foundations");
    List<FoundationOutcome> outcomes = jsc.parallelize(tasks, tasks.size())
        .map(t -> SweepTasks.foundation(t, data, budget, dir))
        .collect();
    Map<String, String> errors = new HashMap<>();
    List<Row> epochRows = new ArrayList<>();
    int trained = 0;
    for (FoundationOutcome o : outcomes) {
      if (o.error() != null) {
        errors.put(o.task().id(), o.error());
        LOG.warn("Foundation {} (seed {}, angle {}) failed: {}", o.task().id(), o.task().seed(),
            o.task().angleDeg(), o.error());
        continue;
      }
      if (!o.reused()) {
        trained++;
        for (EpochStats e : o.epochs()) {
          epochRows.add(RowFactory.create(cfg.name(), o.task().id(), "foundation", "foundation", e.epoch(), e.loss(),
              e.trainAccuracy()));
        }
      }
    }
    out.appendEpochs(spark, epochRows);
    console.printf(Locale.ROOT, "[%s] foundations: %d trained, %d reused, %d failed%n", cfg.name(), trained,
        outcomes.size() - trained - errors.size(), errors.size());
    return errors;
  }

  /** Runs the cells in batches, committing each batch as it completes; returns the failed count. */
  private int cells(JavaSparkContext jsc, Broadcast<Mnist> data, List<CellTask> todo,
      Map<String, String> foundationErrors) {
    Budget budget = cfg.budget();
    String dir = out.foundationsUri();
    int slots = Math.max(1, jsc.defaultParallelism());
    int batchSize = Math.max(slots * 4, 16);
    Deque<JavaFutureAction<List<CellOutcome>>> inFlight = new ArrayDeque<>();
    Progress progress = new Progress(cfg.name(), todo.size(), console);
    int failed = 0;
    int next = 0;
    while (next < todo.size() || !inFlight.isEmpty()) {
      // Two batches in flight keep every slot busy across a batch boundary.
      while (next < todo.size() && inFlight.size() < 2) {
        List<CellTask> batch = todo.subList(next, Math.min(next + batchSize, todo.size()));
        next += batch.size();
        List<CellOutcome> precomputed = new ArrayList<>();
        List<CellTask> runnable = new ArrayList<>();
        for (CellTask c : batch) {
          String err = foundationErrors.get(c.foundationId());
          if (err != null) {
            precomputed.add(new CellOutcome(c, null, "foundation " + c.foundationId() + " failed: " + err,
                Provenance.here(), java.time.Instant.now()));
          } else {
            runnable.add(c);
          }
        }
        if (!precomputed.isEmpty()) {
          failed += commit(precomputed, progress);
        }
        if (!runnable.isEmpty()) {
          jsc.setJobDescription("tausweep " + cfg.name() + ": cells " + (next - batch.size() + 1) + "-" + next);
          JavaRDD<CellTask> rdd = jsc.parallelize(new ArrayList<>(runnable), runnable.size());
          inFlight.add(rdd.map(c -> SweepTasks.cell(c, data, budget, dir)).collectAsync());
        }
      }
      if (!inFlight.isEmpty()) {
        List<CellOutcome> done;
        try {
          done = inFlight.poll().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for cells", e);
        } catch (ExecutionException e) {
          throw new IllegalStateException("Spark job failed: " + SweepTasks.reason(e.getCause()), e.getCause());
        }
        failed += commit(done, progress);
      }
    }
    return failed;
  }

  /** Writes one batch of outcomes to the runs and epochs tables; returns how many failed. */
  private int commit(List<CellOutcome> outcomes, Progress progress) {
    List<Row> runs = new ArrayList<>();
    List<Row> epochs = new ArrayList<>();
    int failed = 0;
    String spark4 = spark.version();
    for (CellOutcome o : outcomes) {
      runs.add(runRow(o, spark4));
      if (!o.ok()) {
        failed++;
        LOG.warn("Cell {} ({} seed {} angle {} lambda {}) failed: {}", o.task().id(), o.task().method().id(),
            o.task().seed(), o.task().angleDeg(), o.task().lambda(), o.error());
        continue;
      }
      for (EpochStats e : o.run().epochs()) {
        epochs.add(RowFactory.create(cfg.name(), o.task().id(), "specialize", o.task().method().id(), e.epoch(),
            e.loss(), e.trainAccuracy()));
      }
    }
    out.appendRuns(spark, runs);
    out.appendEpochs(spark, epochs);
    progress.add(outcomes.size(), failed);
    return failed;
  }

  private Row runRow(CellOutcome o, String sparkVersion) {
    CellTask t = o.task();
    CellRun r = o.run();
    GateMetrics g = r == null ? null : r.gates();
    return RowFactory.create(
        cfg.name(), t.id(), t.method().id(), t.seed(), t.angleDeg(), t.lambda(),
        r == null ? 0L : r.trainableParams(),
        r == null ? null : r.acc0(),
        r == null ? null : r.accTheta(),
        g == null ? null : g.acc0Hard(),
        g == null ? null : g.accThetaHard(),
        g == null ? null : g.highActFrac(),
        r == null ? 0.0 : r.trainSeconds(),
        r == null ? 0.0 : r.evalSeconds(),
        o.ok() ? "ok" : "failed",
        o.error(),
        t.foundationId(),
        cfg.hash(),
        BuildInfo.codeVersion(),
        BuildInfo.dl4jVersion(),
        sparkVersion,
        o.provenance().host(),
        o.provenance().nd4jThreads(),
        Timestamp.from(o.startedAt()));
  }
}
