package io.tausweep.jobs.task;

import io.tausweep.jobs.store.FoundationStore;
import io.tausweep.jobs.store.StoreException;
import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.jobs.task.Grid.FoundationTask;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.sweep.CellRun;
import io.tausweep.model.sweep.Experiment;
import io.tausweep.model.sweep.FoundationRun;
import io.tausweep.model.train.SplitCache;
import io.tausweep.model.train.TrainingDivergedException;
import java.io.Serial;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The code that runs inside Spark tasks: train or reuse a foundation, run a cell. Every exception
 * inside a cell is caught and returned as a failed outcome, so one bad cell never takes the sweep
 * down.
 */
public final class SweepTasks {
  private SweepTasks() {}

  public static FoundationOutcome foundation(
      FoundationTask t, Broadcast<Mnist> mnist, FoundationStore dir) {
    try {
      if (dir.exists(t.id())) {
        return new FoundationOutcome.Reused(t);
      }
      SplitCache data = ExecutorState.splits(mnist, t.budget(), 0);
      FoundationRun run = Experiment.trainFoundation(data, t.seed(), t.angleDeg());
      byte[] bytes = Experiment.toBytes(run.network());
      dir.save(t.id(), bytes);
      ExecutorState.rememberFoundation(t.id(), bytes);
      return new FoundationOutcome.Trained(t, run.epochs(), run.trainSeconds());
    } catch (StoreException e) {
      return new FoundationOutcome.OutputFailed(t, e.getMessage());
    } catch (Exception e) {
      return new FoundationOutcome.Failed(t, reason(e));
    }
  }

  /**
   * Runs a cell up to {@code attempts} times; a divergence is final at once (it would repeat). A
   * cell id in {@code failOnce} makes the task's first attempt throw, outside the per-cell
   * handling, so Spark itself retries the task: the fault injection behind the retry tests.
   */
  public static CellOutcome cell(
      CellTask t, Broadcast<Mnist> mnist, FoundationStore dir, int attempts, Set<String> failOnce) {
    TaskContext ctx = TaskContext.get();
    if (failOnce.contains(t.id()) && ctx != null && ctx.attemptNumber() == 0) {
      throw new IllegalStateException(
          "injected task failure for cell " + t.id() + " (spark.tausweep.inject.fail-once)");
    }
    Instant start = Instant.now();
    Provenance prov = Provenance.here();
    String error = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        MultiLayerNetwork foundation = ExecutorState.foundationNetwork(t.foundationId(), dir);
        SplitCache data = ExecutorState.splits(mnist, t.budget(), t.validationImages());
        CellRun run =
            Experiment.runCell(data, foundation, t.method(), t.seed(), t.angleDeg(), t.lambda());
        return new CellOutcome.Ok(t, run, prov, start);
      } catch (TrainingDivergedException e) {
        return new CellOutcome.Failed(t, reason(e), prov, start);
      } catch (Exception | OutOfMemoryError e) {
        error = reason(e) + (attempts > 1 ? " (attempt " + attempt + " of " + attempts + ")" : "");
      }
    }
    return new CellOutcome.Failed(t, error, prov, start);
  }

  /**
   * The function of a cell batch's tasks: each task runs the few cells of its partition one after
   * another and counts each finished cell in {@code cellsDone}. Several cells a task rather than
   * one: a cell takes about a tenth of a second, and Spark's own work per task (the task and its
   * result serialised and read back, the scheduler's and listeners' bookkeeping) is then paid once
   * for the few. A plain class rather than a lambda, so that each task reads it back as an object
   * with its fields instead of through a {@code SerializedLambda}.
   */
  public static final class RunCells implements FlatMapFunction<Iterator<CellTask>, CellOutcome> {
    @Serial private static final long serialVersionUID = 1L;
    private final Broadcast<Mnist> mnist;
    private final FoundationStore dir;
    private final int attempts;
    private final Set<String> failOnce;
    private final LongAccumulator cellsDone;

    public RunCells(
        Broadcast<Mnist> mnist,
        FoundationStore dir,
        int attempts,
        Set<String> failOnce,
        LongAccumulator cellsDone) {
      this.mnist = mnist;
      this.dir = dir;
      this.attempts = attempts;
      this.failOnce = failOnce;
      this.cellsDone = cellsDone;
    }

    @Override
    public Iterator<CellOutcome> call(Iterator<CellTask> cells) {
      List<CellOutcome> outcomes = new ArrayList<>();
      while (cells.hasNext()) {
        outcomes.add(cell(cells.next(), mnist, dir, attempts, failOnce));
        cellsDone.add(1);
      }
      return outcomes.iterator();
    }
  }

  /** One line: the exception's class and message. */
  public static String reason(Throwable e) {
    String msg = e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ');
    return e.getClass().getSimpleName() + msg;
  }
}
