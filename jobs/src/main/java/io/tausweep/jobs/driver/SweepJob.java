package io.tausweep.jobs.driver;

import io.tausweep.jobs.store.FoundationStore;
import io.tausweep.jobs.store.HadoopSweepStore;
import io.tausweep.jobs.store.Lease;
import io.tausweep.jobs.store.Preflight;
import io.tausweep.jobs.store.SerializableConf;
import io.tausweep.jobs.store.StorageFailure;
import io.tausweep.jobs.store.SweepStore;
import io.tausweep.jobs.task.CellOutcome;
import io.tausweep.jobs.task.FoundationOutcome;
import io.tausweep.jobs.task.Grid;
import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.jobs.task.Grid.FoundationTask;
import io.tausweep.jobs.task.Provenance;
import io.tausweep.jobs.task.SweepTasks;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.sweep.SweepConfig;
import io.tausweep.model.train.EpochStats;
import java.io.IOException;
import java.io.PrintStream;
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
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The sweep on Spark: foundations in parallel (one task each, cached as model files), then the
 * cells in parallel (a few to a task), committed to the Parquet tables in batches as they finish.
 * Cells already committed for the same sweep are skipped, so rerunning a command resumes it.
 */
public final class SweepJob {
  private static final Logger LOG = LogManager.getLogger(SweepJob.class);

  /** What a sweep did: cells in the grid, skipped as already committed, run now, failed now. */
  public record Summary(
      int total,
      int skipped,
      int ran,
      int failed,
      double wallSeconds,
      int retriedTasks,
      int killedTasks) {}

  private final SparkSession spark;
  private final SweepConfig cfg;
  private final SweepStore out;
  private final Lease lease;
  private final PrintStream console;
  private final Options options;

  /**
   * How a run treats earlier results and failing cells.
   *
   * @param retryFailed run only the cells whose committed rows are all failed
   * @param cellAttempts tries per cell inside its task before it is recorded as failed (>= 1)
   */
  public record Options(boolean retryFailed, int cellAttempts) {
    public Options {
      if (cellAttempts < 1 || cellAttempts > 100) {
        throw new UsageException(
            "Invalid --cell-attempts: " + cellAttempts + " (must be within [1, 100])");
      }
    }

    public static Options defaults() {
      return new Options(false, 1);
    }
  }

  /**
   * Name of the accumulator in which cell tasks count their finished cells (the console's progress,
   * Spark's UI).
   */
  public static final String CELLS_ACCUMULATOR = "tausweep.cells";

  /**
   * The cells a finished cell task ran: its update of the {@link #CELLS_ACCUMULATOR} (0 if it
   * reported none).
   */
  public static long cellsOf(TaskInfo task) {
    for (AccumulableInfo a : scala.jdk.javaapi.CollectionConverters.asJava(task.accumulables())) {
      if (a.name().isDefined()
          && CELLS_ACCUMULATOR.equals(a.name().get())
          && a.update().isDefined()) {
        return ((Number) a.update().get()).longValue();
      }
    }
    return 0;
  }

  /** Spark setting naming cells whose task fails on its first attempt (fault-injection tests). */
  public static final String INJECT_FAIL_ONCE = "spark.tausweep.inject.fail-once";

  /**
   * A sweep of {@code cfg} into {@code out}, run by the driver holding {@code lease} (checked
   * before every commit: a driver whose lease was taken over stops committing).
   */
  public SweepJob(
      SparkSession spark,
      SweepConfig cfg,
      SweepStore out,
      Lease lease,
      PrintStream console,
      Options options) {
    this.spark = spark;
    this.cfg = cfg;
    this.out = out;
    this.lease = lease;
    this.console = console;
    this.options = options;
  }

  /** The grid and the cells of it that this run must train. */
  public record Plan(Grid grid, List<CellTask> todo) {}

  /**
   * Expands the grid and drops the cells already committed (or, with retryFailed, keeps only failed
   * ones).
   */
  public Plan plan() {
    Grid grid = Grid.of(cfg);
    Map<String, Boolean> committed = out.committedCells(cfg.name());
    List<CellTask> todo =
        grid.cells().stream()
            .filter(
                c ->
                    options.retryFailed()
                        ? Boolean.FALSE.equals(committed.get(c.id()))
                        : !committed.containsKey(c.id()))
            .toList();
    return new Plan(grid, todo);
  }

  /** Runs the sweep against already-validated inputs. */
  public Summary run(Mnist mnist) throws IOException {
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Executors open --out with the session's Hadoop settings (spark.hadoop.*), not a bare
    // Configuration.
    Broadcast<SerializableConf> hadoopConf =
        jsc.broadcast(new SerializableConf(spark.sparkContext().hadoopConfiguration()));
    try {
      Preflight.check(jsc, out, hadoopConf);
      out.create(cfg);
      int rolledBack = out.rollBack(cfg.name());
      if (rolledBack > 0) {
        console.printf(
            Locale.ROOT,
            "[%s] removed %d side-table files of a batch that was never committed%n",
            cfg.name(),
            rolledBack);
      }
      Plan plan = plan();
      Grid grid = plan.grid();
      List<CellTask> todo = plan.todo();
      console.printf(
          Locale.ROOT,
          "[%s] %d cells (%d foundations); %d already committed, %d to run%s%n",
          cfg.name(),
          grid.cells().size(),
          grid.foundations().size(),
          grid.cells().size() - todo.size(),
          todo.size(),
          options.retryFailed() ? " (retrying failed cells only)" : "");
      if (todo.isEmpty()) {
        return new Summary(
            grid.cells().size(), grid.cells().size(), 0, 0, (System.nanoTime() - t0) / 1e9, 0, 0);
      }
      return train(jsc, hadoopConf, mnist, grid, todo, t0);
    } finally {
      hadoopConf.destroy();
    }
  }

  private Summary train(
      JavaSparkContext jsc,
      Broadcast<SerializableConf> hadoopConf,
      Mnist mnist,
      Grid grid,
      List<CellTask> todo,
      long t0) {
    TaskFailureCounter tasks = new TaskFailureCounter();
    spark.sparkContext().addSparkListener(tasks);
    FoundationStore dir = out.foundations(hadoopConf);
    Broadcast<Mnist> data = jsc.broadcast(mnist);
    try {
      Map<String, String> foundationErrors = foundations(jsc, data, grid, todo, dir);
      int failed = cells(jsc, data, todo, foundationErrors, dir);
      return new Summary(
          grid.cells().size(),
          grid.cells().size() - todo.size(),
          todo.size(),
          failed,
          (System.nanoTime() - t0) / 1e9,
          tasks.failed(),
          tasks.killed());
    } finally {
      spark.sparkContext().removeSparkListener(tasks);
      data.destroy();
    }
  }

  /** Trains the foundations the pending cells need; returns failure reasons by foundation id. */
  private Map<String, String> foundations(
      JavaSparkContext jsc,
      Broadcast<Mnist> data,
      Grid grid,
      List<CellTask> todo,
      FoundationStore dir) {
    Set<String> needed = new HashSet<>();
    todo.forEach(c -> needed.add(c.foundationId()));
    List<FoundationTask> tasks =
        grid.foundations().stream().filter(f -> needed.contains(f.id())).toList();
    jsc.setJobDescription("tausweep " + cfg.name() + ": " + tasks.size() + " foundations");
    List<FoundationOutcome> outcomes =
        jsc.parallelize(tasks, tasks.size())
            .map(t -> SweepTasks.foundation(t, data, dir))
            .collect();
    for (FoundationOutcome o : outcomes) {
      if (o instanceof FoundationOutcome.OutputFailed f) {
        throw new StorageFailure(f.reason() + HadoopSweepStore.WRITE_FIX);
      }
    }
    Map<String, String> errors = new HashMap<>();
    List<Row> epochRows = new ArrayList<>();
    int trained = 0;
    int reused = 0;
    for (FoundationOutcome o : outcomes) {
      if (o instanceof FoundationOutcome.Failed f) {
        errors.put(f.task().id(), f.reason());
        LOG.warn(
            "Foundation {} (seed {}, angle {}) failed: {}",
            f.task().id(),
            f.task().seed(),
            f.task().angleDeg(),
            f.reason());
      } else if (o instanceof FoundationOutcome.Reused) {
        reused++;
      } else if (o instanceof FoundationOutcome.Trained t) {
        trained++;
        for (EpochStats e : t.epochs()) {
          epochRows.add(
              ResultRows.toRow(
                  new ResultRows.Epoch(
                      cfg.name(),
                      o.task().id(),
                      "foundation",
                      "foundation",
                      e.epoch(),
                      e.loss(),
                      e.trainAccuracy())));
        }
      }
    }
    lease.check();
    out.appendFoundationEpochs(epochRows);
    console.printf(
        Locale.ROOT,
        "[%s] foundations: %d trained, %d reused, %d failed%n",
        cfg.name(),
        trained,
        reused,
        errors.size());
    return errors;
  }

  /** Runs the cells in batches, committing each batch as it completes; returns the failed count. */
  private int cells(
      JavaSparkContext jsc,
      Broadcast<Mnist> data,
      List<CellTask> todo,
      Map<String, String> foundationErrors,
      FoundationStore dir) {
    LongAccumulator cellsDone = spark.sparkContext().longAccumulator(CELLS_ACCUMULATOR);
    Progress progress = new Progress(cfg.name(), todo.size(), console, System.console() != null);
    spark.sparkContext().addSparkListener(progress);
    try {
      return runBatches(jsc, data, todo, foundationErrors, dir, progress, cellsDone);
    } finally {
      spark.sparkContext().removeSparkListener(progress);
    }
  }

  /** Cell batches submitted at once. */
  static final int IN_FLIGHT = 3;

  /** Seconds of work a batch grows to, and its largest size. */
  static final double BATCH_SECONDS = 30;

  static final int MAX_BATCH = 4096;

  /** Tasks per slot a batch is cut into at least, and the most cells one task runs. */
  static final int TASKS_PER_SLOT = 4;

  static final int MAX_CELLS_PER_TASK = 4;

  /**
   * How many tasks a batch of {@code cells} runnable cells becomes on {@code slots} slots: as few
   * as keep every slot busy to the batch's end (at least {@link #TASKS_PER_SLOT} a slot), with at
   * most {@link #MAX_CELLS_PER_TASK} cells in a task.
   */
  static int tasksFor(int cells, int slots) {
    int perTask = Math.max(1, Math.min(MAX_CELLS_PER_TASK, cells / (slots * TASKS_PER_SLOT)));
    return (cells + perTask - 1) / perTask;
  }

  private int runBatches(
      JavaSparkContext jsc,
      Broadcast<Mnist> data,
      List<CellTask> todo,
      Map<String, String> foundationErrors,
      FoundationStore dir,
      Progress progress,
      LongAccumulator cellsDone) {
    int attempts = options.cellAttempts();
    Set<String> failOnce =
        new HashSet<>(java.util.Arrays.asList(spark.conf().get(INJECT_FAIL_ONCE, "").split(",")));
    failOnce.remove("");
    int slots = Math.max(1, jsc.defaultParallelism());
    // Batches start at 4 cells per slot (at least 16) and then grow to about BATCH_SECONDS of work
    // at the rate measured so far: a commit writes three small Parquet files per batch, so a large
    // sweep makes a few files a minute, not a few a second.
    int minBatch = Math.max(slots * 4, 16);
    int batchSize = minBatch;
    long startNanos = System.nanoTime();
    int finished = 0;
    Deque<JavaFutureAction<List<CellOutcome>>> inFlight = new ArrayDeque<>();
    int failed = 0;
    int next = 0;
    while (next < todo.size() || !inFlight.isEmpty()) {
      // Batches in flight keep every slot busy across a batch boundary and while the driver commits
      // a finished batch (the driver writes the files itself, ParquetAppender: commits take no slot
      // time).
      while (next < todo.size() && inFlight.size() < IN_FLIGHT) {
        List<CellTask> batch = todo.subList(next, Math.min(next + batchSize, todo.size()));
        next += batch.size();
        List<CellOutcome> precomputed = new ArrayList<>();
        List<CellTask> runnable = new ArrayList<>();
        for (CellTask c : batch) {
          String err = foundationErrors.get(c.foundationId());
          if (err != null) {
            precomputed.add(
                new CellOutcome.Failed(
                    c,
                    "foundation " + c.foundationId() + " failed: " + err,
                    Provenance.here(),
                    java.time.Instant.now()));
          } else {
            runnable.add(c);
          }
        }
        if (!precomputed.isEmpty()) {
          failed += commit(precomputed, progress);
        }
        if (!runnable.isEmpty()) {
          jsc.setJobGroup(
              Progress.CELL_JOB_GROUP,
              "tausweep " + cfg.name() + ": cells " + (next - batch.size() + 1) + "-" + next,
              false);
          JavaRDD<CellTask> rdd =
              jsc.parallelize(new ArrayList<>(runnable), tasksFor(runnable.size(), slots));
          inFlight.add(
              rdd.mapPartitions(new SweepTasks.RunCells(data, dir, attempts, failOnce, cellsDone))
                  .collectAsync());
          // The group is per thread: clear it so that other jobs of this thread are not counted as
          // cells.
          jsc.clearJobGroup();
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
          throw new IllegalStateException(
              "Spark job failed: " + SweepTasks.reason(e.getCause()), e.getCause());
        }
        failed += commit(done, progress);
        finished += done.size();
        double perSecond = finished / Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        batchSize = (int) Math.max(minBatch, Math.min(MAX_BATCH, perSecond * BATCH_SECONDS));
      }
    }
    return failed;
  }

  /** Writes one batch of outcomes to the runs and side tables; returns how many failed. */
  private int commit(List<CellOutcome> outcomes, Progress progress) {
    List<SweepStore.CellRows> batch = new ArrayList<>();
    int failed = 0;
    String spark4 = spark.version();
    for (CellOutcome o : outcomes) {
      Row run = ResultRows.runRow(o, cfg.name(), cfg.hash(), spark4, cfg.dataset().id());
      if (o instanceof CellOutcome.Failed f) {
        failed++;
        LOG.warn(
            "Cell {} ({} seed {} angle {} lambda {}) failed: {}",
            f.task().id(),
            f.task().method().id(),
            f.task().seed(),
            f.task().angleDeg(),
            f.task().lambda(),
            f.reason());
      }
      batch.add(ResultRows.cellRows(o, run, cfg.name()));
    }
    // A driver whose lease was taken over must not commit: the new holder runs these cells.
    lease.check();
    List<String> dropped = out.commit(cfg.name(), batch, options.retryFailed());
    if (!dropped.isEmpty()) {
      console.printf(
          Locale.ROOT,
          "[%s] %d cells were already committed (by another driver) and were not written"
              + " again%n",
          cfg.name(),
          dropped.size());
    }
    progress.committed(outcomes.size(), failed);
    return failed;
  }
}
