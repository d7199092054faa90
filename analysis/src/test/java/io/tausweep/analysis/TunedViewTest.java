package io.tausweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuned view selects on validation only: where the test-best and the validation-best settings
 * differ, it picks the validation-best one and reports that setting's test accuracies.
 */
class TunedViewTest {
  @TempDir Path tmp;

  @Test
  void picksTheValidationBestSettingAndReportsItsTestAccuracy() {
    List<Fixtures.Run> runs = new ArrayList<>();
    for (long seed = 0; seed < 3; seed++) {
      // rank=2: best on test (0.90), worse on validation (0.80).
      runs.add(cell("rank=2", seed, 0.80 + 0.01 * seed, 0.90 + 0.01 * seed));
      // rank=8: best on validation (0.85), worse on test (0.86).
      runs.add(cell("rank=8", seed, 0.85 + 0.01 * seed, 0.86 + 0.01 * seed));
      // rank=4: in between, and one seed failed (not counted).
      runs.add(cell("rank=4", seed, 0.82, 0.88));
    }
    runs.add(Fixtures.run("tuned", "lora", 3).failed("diverged").tuned("rank=8", 0.99, 0.99));
    SparkSession spark = TestSpark.get().newSession();
    Fixtures.writeRuns(spark, tmp, runs);
    ResultViews.register(spark, tmp);

    List<Row> tuned = spark.sql(TunedTable.sql("tuned")).collectAsList();
    assertThat(tuned).hasSize(1);
    Row r = tuned.get(0);
    assertThat(r.getString(0)).isEqualTo("lora");
    assertThat(r.getString(11)).isEqualTo("rank=8");
    assertThat(r.getLong(4)).isEqualTo(3); // the failed seed does not count
    assertThat(r.getLong(5)).isEqualTo(3); // settings compared
    assertThat(r.getDouble(6)).isCloseTo(0.86, within(1e-12)); // validation mean of rank=8
    assertThat(r.getDouble(9)).isCloseTo(0.87, within(1e-12)); // its test mean, not 0.91
    assertThat(TunedTable.format(tuned)).contains("lora").contains("rank=8").contains("0.870±");
  }

  private static Fixtures.Run cell(String setting, long seed, double val, double test) {
    Fixtures.Run r = Fixtures.run("tuned", "lora", seed).acc(0.5, test).tuned(setting, 0.4, val);
    r.cellId = "lora-" + setting + "-" + seed;
    return r;
  }
}
