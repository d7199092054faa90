package io.tausweep.jobs.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's progress counts cells, not tasks: tasks of a few cells each report them through the
 * cells accumulator, and only the jobs of the cell group count. How a sweep's batch is cut into
 * tasks is checked beside it.
 */
class ProgressTest {
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.create("ProgressTest", "local[2]", Map.of("spark.ui.enabled", "false"));
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** Counts each element as a cell, as SweepTasks.RunCells does. */
  static final class CountCells implements FlatMapFunction<Iterator<Integer>, Integer> {
    private final LongAccumulator cells;

    CountCells(LongAccumulator cells) {
      this.cells = cells;
    }

    @Override
    public Iterator<Integer> call(Iterator<Integer> it) {
      List<Integer> out = new ArrayList<>();
      it.forEachRemaining(
          i -> {
            out.add(i);
            cells.add(1);
          });
      return out.iterator();
    }
  }

  @Test
  void countsTheCellsOfEachTaskAndOnlyInCellJobs() throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LongAccumulator cells = spark.sparkContext().longAccumulator(SweepJob.CELLS_ACCUMULATOR);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Progress progress =
        new Progress("t", 40, new PrintStream(buf, true, StandardCharsets.UTF_8), true);
    spark.sparkContext().addSparkListener(progress);
    try {
      List<Integer> items = IntStream.range(0, 23).boxed().toList();
      // Not a cell job: its tasks must not count.
      jsc.parallelize(items, 3).mapPartitions(new CountCells(cells)).collect();
      jsc.setJobGroup(Progress.CELL_JOB_GROUP, "cells", false);
      jsc.parallelize(items, SweepJob.tasksFor(items.size(), 2))
          .mapPartitions(new CountCells(cells))
          .collect();
      jsc.clearJobGroup();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(progress);
    }
    // One rewritten line per finished cell task (12 tasks of 2 cells, one of 1), the cells adding
    // up to 23.
    List<Integer> counts =
        java.util.Arrays.stream(buf.toString(StandardCharsets.UTF_8).split("\r"))
            .filter(l -> !l.isEmpty())
            .map(l -> Integer.parseInt(l.substring("[t] ".length(), l.indexOf('/'))))
            .toList();
    assertThat(counts).hasSize(12).isSorted().endsWith(23);
    progress.committed(23, 1);
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .contains("[t] 23/40 cells done, 23 committed, 1 failed");
  }

  @Test
  void batchesBecomeTasksOfUpToFourCellsWithFourTasksPerSlotAtLeast() {
    assertThat(SweepJob.tasksFor(1, 2)).isEqualTo(1);
    assertThat(SweepJob.tasksFor(8, 2)).isEqualTo(8);
    assertThat(SweepJob.tasksFor(16, 2)).isEqualTo(8);
    assertThat(SweepJob.tasksFor(23, 2)).isEqualTo(12);
    assertThat(SweepJob.tasksFor(400, 2)).isEqualTo(100);
    assertThat(SweepJob.tasksFor(401, 2)).isEqualTo(101);
    assertThat(SweepJob.tasksFor(400, 64)).isEqualTo(400);
    assertThat(SweepJob.tasksFor(4096, 200)).isEqualTo(1024);
  }
}
