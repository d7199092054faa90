package io.tausweep.jobs.driver;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The console progress line of a sweep: cells finished and committed of the total, failed, cells
 * per minute and ETA. On a terminal the line is rewritten in place as each cell task finishes (a
 * task counts its cells in an accumulator); otherwise (logs, pipes) a line is printed per committed
 * batch.
 */
final class Progress extends SparkListener {
  /** Spark job group of the cell jobs, so their tasks can be told from other jobs'. */
  static final String CELL_JOB_GROUP = "tausweep-cells";

  private final String sweep;
  private final int total;
  private final PrintStream console;
  private final boolean live;
  private final long start = System.nanoTime();
  private final Set<Integer> cellStages = ConcurrentHashMap.newKeySet();
  private int finished;
  private int committed;
  private int failed;

  Progress(String sweep, int total, PrintStream console, boolean live) {
    this.sweep = sweep;
    this.total = total;
    this.console = console;
    this.live = live;
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    if (job.properties() != null
        && CELL_JOB_GROUP.equals(job.properties().getProperty("spark.jobGroup.id"))) {
      scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())
          .forEach(id -> cellStages.add((Integer) id));
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() == Success$.MODULE$ && cellStages.contains(end.stageId())) {
      long cells = SweepJob.cellsOf(end.taskInfo());
      synchronized (this) {
        finished += (int) cells;
        if (live) {
          console.print("\r" + line());
          console.flush();
        }
      }
    }
  }

  /** Records a committed batch. */
  synchronized void committed(int cells, int failedCells) {
    committed += cells;
    failed += failedCells;
    finished = Math.max(finished, committed);
    console.print((live ? "\r" : "") + line() + (live && committed < total ? "" : "\n"));
    console.flush();
  }

  private String line() {
    double minutes = (System.nanoTime() - start) / 60e9;
    double rate = minutes > 0 ? finished / minutes : 0;
    double eta = rate > 0 ? (total - finished) / rate * 60 : Double.NaN;
    // On a terminal, trailing blanks clear what a longer previous line left.
    return String.format(
            Locale.ROOT,
            "[%s] %d/%d cells done, %d committed, %d failed, %.1f cells/min, ETA %s",
            sweep,
            finished,
            total,
            committed,
            failed,
            rate,
            Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0fs", eta))
        + (live ? "   " : "");
  }
}
