package io.tausweep.jobs.driver;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts task attempts that Spark had to retry (exceptions, lost executors) and speculative copies
 * it killed, so a sweep can report how much fault handling happened behind its results.
 */
final class TaskFailureCounter extends SparkListener {
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger killed = new AtomicInteger();

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() == Success$.MODULE$) {
      return;
    }
    if (end.reason() instanceof TaskKilled) {
      killed.incrementAndGet();
    } else {
      failed.incrementAndGet();
    }
  }

  int failed() {
    return failed.get();
  }

  int killed() {
    return killed.get();
  }
}
