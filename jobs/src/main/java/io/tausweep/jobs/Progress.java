package io.tausweep.jobs;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The console progress line of a sweep: cells done of total, failed, cells per minute and ETA,
 * printed after each committed batch.
 */
final class Progress {
  private final String sweep;
  private final int total;
  private final PrintStream console;
  private final long start = System.nanoTime();
  private int done;
  private int failed;

  Progress(String sweep, int total, PrintStream console) {
    this.sweep = sweep;
    this.total = total;
    this.console = console;
  }

  void add(int cells, int failedCells) {
    done += cells;
    failed += failedCells;
    double minutes = (System.nanoTime() - start) / 60e9;
    double rate = minutes > 0 ? done / minutes : 0;
    double eta = rate > 0 ? (total - done) / rate * 60 : Double.NaN;
    console.printf(Locale.ROOT, "[%s] %d/%d cells committed, %d failed, %.1f cells/min, ETA %s%n", sweep, done, total,
        failed, rate, Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.0fs", eta));
  }
}
