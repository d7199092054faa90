package io.tausweep.analysis;

import static io.tausweep.analysis.Fixtures.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Sweep {@code stats}: frozen, TauGate (lambda 0) and LoRA over seeds 0..4 at 45 degrees, with
 * fixed accuracies whose statistics were computed independently (NumPy/SciPy), plus repeated and
 * failed attempts that {@code cells} must resolve; and sweep {@code other}, one seed, which must
 * never pair with {@code stats}.
 */
final class StatsFixture {
  private StatsFixture() {}

  static final double[] FROZEN_ACC_0 = {0.80, 0.82, 0.84, 0.81, 0.83};
  static final double[] FROZEN_ACC_THETA = {0.70, 0.72, 0.71, 0.74, 0.73};
  static final double[] TAUGATE_ACC_0 = {0.81, 0.84, 0.87, 0.85, 0.88};
  static final double[] TAUGATE_ACC_THETA = {0.73, 0.71, 0.76, 0.72, 0.77};
  static final double[] TAUGATE_HIGH_ACT = {0.60, 0.55, 0.62, 0.58, 0.65};
  static final double[] LORA_ACC_0 = {0.82, 0.79, 0.88, 0.82, 0.88};
  static final double[] LORA_ACC_THETA = {0.76, 0.79, 0.795, 0.83, 0.83};

  static void write(SparkSession spark, Path out) {
    List<Fixtures.Run> runs = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      runs.add(
          run("stats", "frozen", s).acc(FROZEN_ACC_0[s], FROZEN_ACC_THETA[s]).started(100 + s));
      runs.add(
          run("stats", "taugate", s)
              .lambda(0.0)
              .acc(TAUGATE_ACC_0[s], TAUGATE_ACC_THETA[s])
              .gate(TAUGATE_ACC_0[s] - 0.01, TAUGATE_ACC_THETA[s] - 0.02, TAUGATE_HIGH_ACT[s])
              .started(100 + s));
      runs.add(run("stats", "lora", s).acc(LORA_ACC_0[s], LORA_ACC_THETA[s]).started(100 + s));
    }
    // Seed 0's TauGate cell failed on a later attempt: the earlier ok row stands.
    runs.add(run("stats", "taugate", 0).lambda(0.0).failed("later attempt failed").started(500));
    // Seed 1's TauGate cell was committed twice: the later ok row stands, not this stale one.
    runs.add(
        run("stats", "taugate", 1).lambda(0.0).acc(0.10, 0.10).gate(0.1, 0.1, 0.9).started(50));
    // Seed 2's LoRA cell failed, then succeeded.
    runs.add(run("stats", "lora", 2).failed("first attempt failed").started(10));
    // BitFit seed 0 failed twice: the latest failure stands, and BitFit is in no statistic.
    runs.add(run("stats", "bitfit", 0).failed("first failure").started(10));
    runs.add(run("stats", "bitfit", 0).failed("second failure").started(30));
    runs.add(run("other", "frozen", 0).acc(0.50, 0.40));
    runs.add(run("other", "taugate", 0).lambda(0.0).acc(0.60, 0.50).gate(0.6, 0.5, 0.5));
    Fixtures.writeRuns(spark, out, runs);
  }
}
