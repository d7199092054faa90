package io.tausweep.analysis;

import static io.tausweep.analysis.Fixtures.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * One output directory of fixture results shared by the test classes (writing Parquet costs
 * seconds): sweeps {@code stats} and {@code other} ({@link StatsFixture}), {@code grid} (every
 * method, three angles, three TauGate lambdas, three seeds: every figure's axis) and {@code lambda}
 * (TauGate alone at one angle over four lambdas), plus a {@code neurons} table for {@code grid}.
 * Deleted when the JVM exits.
 */
final class SharedResults {
  private SharedResults() {}

  static final List<Double> GRID_ANGLES = List.of(30.0, 60.0, 90.0);
  static final List<Double> GRID_LAMBDAS = List.of(0.0, 0.5, 1.0);
  static final List<String> METHODS = List.of("frozen", "bitfit", "taugate", "lora", "full_ft");

  private static Path dir;

  /**
   * The directory, written on first use. Every test that registers views re-registers them on it.
   */
  static synchronized Path dir() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("tausweep-analysis-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d)));
        SparkSession spark = TestSpark.get();
        StatsFixture.write(spark, d);
        Fixtures.writeRuns(spark, d, gridRuns());
        Fixtures.write(
            spark,
            d.resolve(ResultSchema.NEURONS),
            neurons(),
            ResultSchema.NEURONS_SCHEMA,
            ResultSchema.NEURONS_PARTITIONS);
        dir = d;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /**
   * Accuracy falls with the angle and, for TauGate, with lambda; high-act frac falls with lambda.
   */
  static List<Fixtures.Run> gridRuns() {
    List<Fixtures.Run> runs = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      for (double angle : GRID_ANGLES) {
        for (int m = 0; m < METHODS.size(); m++) {
          String method = METHODS.get(m);
          double base = 0.80 + 0.02 * m - angle / 1000 + 0.005 * s;
          if (method.equals("taugate")) {
            for (double lambda : GRID_LAMBDAS) {
              double acc = base - 0.03 * lambda;
              runs.add(
                  run("grid", method, s)
                      .angle(angle)
                      .lambda(lambda)
                      .acc(acc + 0.01, acc)
                      .gate(acc, acc - 0.01, 0.7 - 0.3 * lambda + 0.01 * s));
            }
          } else {
            runs.add(run("grid", method, s).angle(angle).acc(base + 0.01, base));
          }
        }
      }
      for (double lambda : List.of(0.0, 0.1, 1.0, 5.0)) {
        double acc = 0.85 - 0.01 * lambda + 0.003 * s;
        runs.add(
            run("lambda", "taugate", s)
                .lambda(lambda)
                .acc(acc, acc - 0.01)
                .gate(acc, acc - 0.02, 0.6 - 0.08 * lambda + 0.01 * s));
      }
    }
    return runs;
  }

  /** Six units of grid's TauGate cell (seed 0, 30 degrees, lambda 0.5); see NamedQueriesTest. */
  static List<Row> neurons() {
    double[] none = new double[10];
    return List.of(
        neuron(1, 0, 0.9, 0.0, none),
        neuron(1, 1, 0.6, 0.005, none),
        neuron(1, 2, 0.6, 0.2, none),
        neuron(2, 0, 0.3, 0.1, new double[] {0, 0, 0.8, 0.01, 0, 0, 0, 0, 0, 0.05}),
        neuron(2, 1, 0.3, 0.1, new double[] {0, 0, 0.8, 0.1, 0, 0, 0, 0, 0, 0}),
        neuron(2, 2, 0.3, 0.1, new double[] {0.4, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  }

  private static Row neuron(int layer, int unit, double rate0, double rateTheta, double[] byClass) {
    List<Double> rates = java.util.Arrays.stream(byClass).boxed().toList();
    return RowFactory.create(
        "grid",
        "taugate-0-30.0-0.5",
        0L,
        30.0,
        0.5,
        layer,
        unit,
        -0.1 + 0.01 * unit,
        1.0,
        rate0,
        rateTheta,
        rates);
  }

  private static void delete(Path d) {
    try (Stream<Path> files = Files.walk(d)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
