package io.tausweep.bench;

import io.tausweep.jobs.cli.SweepCli;
import io.tausweep.jobs.driver.SweepJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One sweep through the real command line ({@code sweep run}) on a given master, with {@link
 * TaskTimes} listening: cells per second, and how much of the executors' time went to training and
 * evaluation (the runs table's train_seconds + eval_seconds) versus everything else (Spark
 * scheduling and serialization, foundation loading, preparing the network, writing results, idle
 * slots). Run it once per master, each in a fresh JVM, so neither inherits a warm JIT. Usage:
 *
 * <pre>
 *   SweepBench --conf bench/conf/sweep1200.conf --master local[2] --out DIR --result FILE.json [--data-dir DIR]
 * </pre>
 */
public final class SweepBench {
  /** Cells per point of the warm-up timeline. */
  private static final int BUCKET = 50;

  /**
   * The sweep size of the bench's earlier runs (sessions 1-8): the rate over a longer sweep's first
   * cells.
   */
  static final int FIRST_CELLS = 400;

  private SweepBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a =
        Args.parse(
            args, "--conf", "--master", "--out", "--result", "--data-dir", "--properties-file");
    String conf = Args.required(a, "--conf");
    String master = Args.required(a, "--master");
    String out = Args.required(a, "--out");
    int cores = cores(master);
    double load0 = Machine.loadAverage();

    List<String> run =
        new ArrayList<>(
            List.of(
                "run",
                conf,
                "--out",
                out,
                "--master",
                master,
                "--conf",
                "spark.extraListeners=" + TaskTimes.class.getName()));
    if (a.containsKey("--data-dir")) {
      run.addAll(List.of("--data-dir", a.get("--data-dir")));
    }
    if (a.containsKey("--properties-file")) {
      run.addAll(List.of("--properties-file", a.get("--properties-file")));
    }
    long t0 = System.nanoTime();
    int rc = SweepCli.execute(System.out, System.err, run.toArray(new String[0]));
    double wall = (System.nanoTime() - t0) / 1e9;
    if (rc != 0) {
      throw new IllegalStateException("sweep run exited " + rc);
    }
    double peakRss = Machine.peakRssMib();

    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    int q =
        SweepCli.execute(
            new PrintStream(csv, true, StandardCharsets.UTF_8),
            System.err,
            "sql",
            "--out",
            out,
            "--master",
            "local[1]",
            "--csv",
            "SELECT count(*) AS n, sum(train_seconds) AS t, sum(eval_seconds) AS e, count(DISTINCT foundation_id) AS f "
                + "FROM runs WHERE status = 'ok'");
    if (q != 0) {
      throw new IllegalStateException("sweep sql exited " + q);
    }
    String[] row =
        csv.toString(StandardCharsets.UTF_8)
            .strip()
            .lines()
            .skip(1)
            .findFirst()
            .orElseThrow()
            .split(",");
    long cells = Long.parseLong(row[0]);
    double trainEval = Double.parseDouble(row[1]) + Double.parseDouble(row[2]);
    long foundations = Long.parseLong(row[3]);

    double cellTaskS = TaskTimes.CELL_TASK_MS.get() / 1e3;
    double cellPhase =
        (TaskTimes.LAST_CELL_END_MS.get() - TaskTimes.FIRST_CELL_LAUNCH_MS.get()) / 1e3;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("machine", Machine.describe());
    r.put("load_avg_1min_start", load0);
    r.put("master", master);
    r.put("cores", cores);
    r.put("cells", cells);
    r.put("foundations", foundations);
    r.put("wall_s", wall);
    r.put("cell_phase_s", cellPhase);
    r.put("cells_per_s", cells / cellPhase);
    r.put("train_eval_s", trainEval);
    r.put("cell_task_s", cellTaskS);
    r.put("cell_task_cpu_s", TaskTimes.CELL_TASK_CPU_NS.get() / 1e9);
    r.put("cell_tasks", TaskTimes.CELL_TASKS.get());
    r.put("other_task_s", TaskTimes.OTHER_TASK_MS.get() / 1e3);
    r.put("other_tasks", TaskTimes.OTHER_TASKS.get());
    // Inside the cell tasks: everything but training and evaluation (foundation bytes, prepare,
    // Spark's task work).
    r.put("outside_in_tasks", 1 - trainEval / cellTaskS);
    // Over the cell phase: all slot time not spent training or evaluating (adds scheduling gaps,
    // commits, writes).
    r.put("outside_of_slots", 1 - trainEval / (cellPhase * cores));
    r.put("peak_rss_mib", peakRss);
    // The second half of the cells (by end time): the rate once the JVM's warm-up (JIT compilation)
    // is mostly behind it. A diagnostic beside cells_per_s, which stays the figure of record. A
    // task runs a few cells, so the halves and the timeline's points are cut at the task that holds
    // their last cell, and CPU and task time are per cell.
    long[][] ends =
        TaskTimes.CELL_ENDS.stream()
            .sorted(java.util.Comparator.comparingLong(e -> e[0]))
            .toArray(long[][]::new);
    long counted = java.util.Arrays.stream(ends).mapToLong(e -> e[3]).sum();
    if (counted != cells) {
      throw new IllegalStateException(
          "cell tasks counted "
              + counted
              + " cells in "
              + SweepJob.CELLS_ACCUMULATOR
              + ", the runs table has "
              + cells
              + " ok ones (a cell failed? see "
              + out
              + "'s runs table)");
    }
    if (ends.length >= 4) {
      // Executor CPU per cell in each half: the second half's difference between masters is what
      // sharing the machine costs a cell (caches, memory) once the code is compiled; the first
      // half's adds the warm-up.
      int half = 0;
      long firstCells = 0;
      double firstCpu = 0;
      while (half < ends.length && firstCells < cells / 2) {
        firstCells += ends[half][3];
        firstCpu += ends[half][1];
        half++;
      }
      long secondCells = cells - firstCells;
      double secondCpu =
          java.util.Arrays.stream(ends, half, ends.length).mapToDouble(e -> e[1]).sum();
      r.put(
          "cells_per_s_second_half",
          secondCells / ((ends[ends.length - 1][0] - ends[half - 1][0]) / 1e3));
      // The rate from the phase's start to the end of the task that holds the FIRST_CELLS-th cell
      // (end order): what a sweep of that size would have read, warm-up and all, for comparison
      // with the earlier runs.
      if (cells > FIRST_CELLS) {
        long n = 0;
        int i = 0;
        while (n < FIRST_CELLS) {
          n += ends[i++][3];
        }
        r.put("first_cells", n);
        r.put(
            "cells_per_s_first_cells",
            n / ((ends[i - 1][0] - TaskTimes.FIRST_CELL_LAUNCH_MS.get()) / 1e3));
      }
      r.put("cell_cpu_ms_first_half", firstCpu / 1e6 / firstCells);
      r.put("cell_cpu_ms_second_half", secondCpu / 1e6 / secondCells);
      // The warm-up's shape: a cell's task time and CPU, averaged over each 50 cells or so in end
      // order. Time above
      // CPU is time the task waited for a core (the JIT, the driver and the other slot's task take
      // theirs).
      List<Double> taskMs = new ArrayList<>();
      List<Double> cpuMs = new ArrayList<>();
      for (int i = 0; i < ends.length; ) {
        double t = 0;
        double c = 0;
        long n = 0;
        for (; i < ends.length && n < BUCKET; i++) {
          t += ends[i][2];
          c += ends[i][1] / 1e6;
          n += ends[i][3];
        }
        taskMs.add(t / n);
        cpuMs.add(c / n);
      }
      r.put("cell_task_ms_by_50", taskMs);
      r.put("cell_cpu_ms_by_50", cpuMs);
    }
    // Where the JVM's CPU went from the first cell stage's submission to the last one's completion
    // (core-seconds).
    if (TaskTimes.cpuAtFirstCellStage != null
        && TaskTimes.cpuAtLastCellStage != null
        && !TaskTimes.cpuAtLastCellStage.isEmpty()) {
      r.put(
          "cell_phase_cpu_s",
          ThreadCpu.between(TaskTimes.cpuAtFirstCellStage, TaskTimes.cpuAtLastCellStage));
    }
    Files.writeString(Path.of(Args.required(a, "--result")), Json.write(r));
    System.err.printf(
        Locale.ROOT,
        "sweepbench %s: %d cells, %.1f cells/s over %.1f s (wall %.1f s); outside "
            + "train+eval %.1f%% of cell-task time, %.1f%% of slot time; peak RSS %.0f MiB%n",
        master,
        cells,
        cells / cellPhase,
        cellPhase,
        wall,
        100 * (1 - trainEval / cellTaskS),
        100 * (1 - trainEval / (cellPhase * cores)),
        peakRss);
  }

  private static int cores(String master) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("local\\[(\\d+)\\]").matcher(master);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "Invalid --master: " + master + " (SweepBench needs local[N])");
    }
    return Integer.parseInt(m.group(1));
  }
}
