package io.tausweep.bench;

import io.tausweep.jobs.driver.SweepJob;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * A SparkListener (registered with {@code spark.extraListeners}) that adds up the executor time of
 * the tasks of a sweep, split into the cell tasks (stages of the {@code collectAsync} over the cell
 * RDDs) and everything else (foundations, Parquet writes, reads), and records when the first cell
 * task started and the last one ended, when each cell task ended, and the JVM's CPU by thread group
 * ({@link ThreadCpu}) when the first cell stage was submitted and when the latest one completed.
 * Static, because Spark instantiates it by class name.
 */
public final class TaskTimes extends SparkListener {
  /** Task time (deserialize + run + result serialization, ms) of cell tasks. */
  static final AtomicLong CELL_TASK_MS = new AtomicLong();

  /** Executor CPU time (ns) of cell tasks. */
  static final AtomicLong CELL_TASK_CPU_NS = new AtomicLong();

  static final AtomicLong CELL_TASKS = new AtomicLong();

  /** Task time (ms) of all other tasks. */
  static final AtomicLong OTHER_TASK_MS = new AtomicLong();

  static final AtomicLong OTHER_TASKS = new AtomicLong();
  static final LongAccumulator FIRST_CELL_LAUNCH_MS =
      new LongAccumulator(Math::min, Long.MAX_VALUE);
  static final LongAccumulator LAST_CELL_END_MS = new LongAccumulator(Math::max, Long.MIN_VALUE);

  /** End time (ms), executor CPU time (ns), task time (ms) and cells of each cell task. */
  static final ConcurrentLinkedQueue<long[]> CELL_ENDS = new ConcurrentLinkedQueue<>();

  /**
   * CPU by thread group at the first cell stage's submission and at the latest cell stage's
   * completion.
   */
  static volatile Map<String, Double> cpuAtFirstCellStage;

  static volatile Map<String, Double> cpuAtLastCellStage;
  private static final ConcurrentHashMap<Integer, Boolean> CELL_STAGES = new ConcurrentHashMap<>();

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    String details = e.stageInfo().details();
    String name = e.stageInfo().name();
    // Cell batches are "collectAsync" jobs over the cell RDDs; the call site names SweepJob.
    boolean cells =
        name.startsWith("collectAsync") && details != null && details.contains("SweepJob.cells");
    CELL_STAGES.put(e.stageInfo().stageId(), cells);
    if (cells && cpuAtFirstCellStage == null) {
      cpuAtFirstCellStage = ThreadCpu.snapshot();
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    if (Boolean.TRUE.equals(CELL_STAGES.get(e.stageInfo().stageId()))) {
      cpuAtLastCellStage = ThreadCpu.snapshot();
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    TaskMetrics m = e.taskMetrics();
    if (m == null) {
      return;
    }
    long ms = m.executorDeserializeTime() + m.executorRunTime() + m.resultSerializationTime();
    if (Boolean.TRUE.equals(CELL_STAGES.get(e.stageId()))) {
      CELL_TASK_MS.addAndGet(ms);
      long cpuNs = m.executorDeserializeCpuTime() + m.executorCpuTime();
      CELL_TASK_CPU_NS.addAndGet(cpuNs);
      CELL_TASKS.incrementAndGet();
      FIRST_CELL_LAUNCH_MS.accumulate(e.taskInfo().launchTime());
      LAST_CELL_END_MS.accumulate(e.taskInfo().finishTime());
      CELL_ENDS.add(
          new long[] {e.taskInfo().finishTime(), cpuNs, ms, SweepJob.cellsOf(e.taskInfo())});
    } else {
      OTHER_TASK_MS.addAndGet(ms);
      OTHER_TASKS.incrementAndGet();
    }
  }
}
