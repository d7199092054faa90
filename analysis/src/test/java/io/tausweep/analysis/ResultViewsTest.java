package io.tausweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The views over real Parquet: the dedup rule of {@code cells}, the statistics of {@code summary}
 * and {@code paired} against values computed by hand with NumPy/SciPy (t(0.975, 4) =
 * 2.7764451051977987), and the documented schemas.
 */
class ResultViewsTest {
  private static final double EPS = 1e-9;

  static SparkSession spark;

  @BeforeAll
  static void register() {
    spark = TestSpark.get();
    ResultViews.register(spark, SharedResults.dir());
  }

  @Test
  void cellsKeepsTheLatestOkAttemptElseTheLatestAttempt() {
    assertThat(count("SELECT * FROM runs WHERE sweep = 'stats'")).isEqualTo(20);
    assertThat(count("SELECT * FROM cells WHERE sweep = 'stats'")).isEqualTo(16);
    assertThat(count("SELECT DISTINCT sweep, cell_id FROM cells"))
        .isEqualTo(count("SELECT * FROM cells"));

    Row tau0 =
        one(
            "SELECT status, acc_0 FROM cells WHERE sweep = 'stats' AND method = 'taugate' AND seed = 0");
    assertThat(tau0.getString(0)).isEqualTo("ok");
    assertThat(tau0.getDouble(1)).isEqualTo(0.81);
    Row tau1 =
        one(
            "SELECT acc_0, high_act_frac FROM cells WHERE sweep = 'stats' AND method = 'taugate' AND seed = 1");
    assertThat(tau1.getDouble(0)).isEqualTo(0.84);
    assertThat(tau1.getDouble(1)).isEqualTo(0.55);
    Row lora2 =
        one(
            "SELECT status, acc_theta FROM cells WHERE sweep = 'stats' AND method = 'lora' AND seed = 2");
    assertThat(lora2.getString(0)).isEqualTo("ok");
    assertThat(lora2.getDouble(1)).isEqualTo(0.795);
    Row bitfit = one("SELECT status, error FROM cells WHERE sweep = 'stats' AND method = 'bitfit'");
    assertThat(bitfit.getString(0)).isEqualTo("failed");
    assertThat(bitfit.getString(1)).isEqualTo("second failure");
  }

  @Test
  void summaryMatchesHandComputedStatistics() {
    Row r = one("SELECT * FROM summary WHERE sweep = 'stats' AND method = 'taugate'");
    assertThat(r.<Long>getAs("n")).isEqualTo(5L);
    assertThat(r.<Long>getAs("trainable_params")).isEqualTo(512L);
    assertThat(r.<Double>getAs("lambda")).isEqualTo(0.0);
    // acc_0 = 0.81, 0.84, 0.87, 0.85, 0.88: mean 0.85, std 0.027386..., CI mean ± 2.7764 * std /
    // sqrt(5).
    assertThat(r.<Double>getAs("acc_0_mean")).isCloseTo(0.85, within(EPS));
    assertThat(r.<Double>getAs("acc_0_std")).isCloseTo(0.02738612787525829, within(EPS));
    assertThat(r.<Double>getAs("acc_0_ci_lo")).isCloseTo(0.8159956309670872, within(EPS));
    assertThat(r.<Double>getAs("acc_0_ci_hi")).isCloseTo(0.8840043690329128, within(EPS));
    assertThat(r.<Double>getAs("acc_theta_mean")).isCloseTo(0.738, within(EPS));
    assertThat(r.<Double>getAs("acc_theta_std")).isCloseTo(0.025884358211089593, within(EPS));
    assertThat(r.<Double>getAs("acc_theta_ci_lo")).isCloseTo(0.70586032429268, within(EPS));
    assertThat(r.<Double>getAs("acc_theta_ci_hi")).isCloseTo(0.77013967570732, within(EPS));
    assertThat(r.<Double>getAs("high_act_frac_mean")).isCloseTo(0.6, within(EPS));
    assertThat(r.<Double>getAs("high_act_frac_std")).isCloseTo(0.03807886552931954, within(EPS));
    assertThat(r.<Double>getAs("high_act_frac_ci_lo")).isCloseTo(0.5527188435798015, within(EPS));
    assertThat(r.<Double>getAs("high_act_frac_ci_hi")).isCloseTo(0.6472811564201985, within(EPS));
    assertThat(r.<Double>getAs("acc_0_hard_mean")).isCloseTo(0.84, within(EPS));
    assertThat(r.<Double>getAs("acc_theta_hard_mean")).isCloseTo(0.718, within(EPS));
  }

  @Test
  void summaryLeavesOutFailedCellsAndNonTauGateGateColumns() {
    assertThat(count("SELECT * FROM summary WHERE sweep = 'stats' AND method = 'bitfit'")).isZero();
    Row frozen =
        one(
            "SELECT n, lambda, acc_0_mean, acc_0_hard_mean, high_act_frac_mean, high_act_frac_ci_lo"
                + " FROM summary WHERE sweep = 'stats' AND method = 'frozen'");
    assertThat(frozen.getLong(0)).isEqualTo(5);
    assertThat(frozen.isNullAt(1)).isTrue();
    assertThat(frozen.getDouble(2)).isCloseTo(0.82, within(EPS));
    assertThat(frozen.isNullAt(3)).isTrue();
    assertThat(frozen.isNullAt(4)).isTrue();
    assertThat(frozen.isNullAt(5)).isTrue();
    Row single =
        one(
            "SELECT n, acc_0_mean, acc_0_std, acc_0_ci_lo, acc_0_ci_hi FROM summary"
                + " WHERE sweep = 'other' AND method = 'frozen'");
    assertThat(single.getLong(0)).isEqualTo(1);
    assertThat(single.getDouble(1)).isEqualTo(0.50);
    assertThat(single.isNullAt(2)).isTrue();
    assertThat(single.isNullAt(3)).isTrue();
    assertThat(single.isNullAt(4)).isTrue();
  }

  @Test
  void pairedSeedsAreDifferencesOnTheSameSeedAndAngle() {
    List<Row> rows =
        spark
            .sql(
                "SELECT seed, acc_0_delta, acc_theta_delta, cell_id, baseline_cell_id FROM paired_seeds"
                    + " WHERE sweep = 'stats' AND method = 'taugate' AND baseline = 'frozen' ORDER BY seed")
            .collectAsList();
    assertThat(rows).extracting(r -> r.getLong(0)).containsExactly(0L, 1L, 2L, 3L, 4L);
    double[] d0 = {0.01, 0.02, 0.03, 0.04, 0.05};
    double[] dt = {0.03, -0.01, 0.05, -0.02, 0.04};
    for (int s = 0; s < 5; s++) {
      assertThat(rows.get(s).getDouble(1)).isCloseTo(d0[s], within(1e-12));
      assertThat(rows.get(s).getDouble(2)).isCloseTo(dt[s], within(1e-12));
      assertThat(rows.get(s).getString(3)).isEqualTo("taugate-" + s + "-45.0-0.0");
      assertThat(rows.get(s).getString(4)).isEqualTo("frozen-" + s + "-45.0-null");
    }
    // Baselines frozen and LoRA, no method against itself, failed BitFit nowhere.
    assertThat(
            spark
                .sql(
                    "SELECT method, baseline, count(*) FROM paired_seeds WHERE sweep = 'stats'"
                        + " GROUP BY method, baseline ORDER BY method, baseline")
                .collectAsList())
        .extracting(r -> tuple(r.getString(0), r.getString(1), r.getLong(2)))
        .containsExactly(
            tuple("frozen", "lora", 5L),
            tuple("lora", "frozen", 5L),
            tuple("taugate", "frozen", 5L),
            tuple("taugate", "lora", 5L));
    // Sweep 'other' pairs only within itself.
    assertThat(count("SELECT * FROM paired_seeds WHERE sweep = 'other'")).isEqualTo(1);
  }

  @Test
  void pairedMatchesHandComputedStatistics() {
    Row tf =
        one(
            "SELECT * FROM paired WHERE sweep = 'stats' AND method = 'taugate' AND baseline = 'frozen'");
    assertThat(tf.<Long>getAs("n_pairs")).isEqualTo(5L);
    assertThat(tf.<Double>getAs("acc_0_delta_mean")).isCloseTo(0.03, within(EPS));
    assertThat(tf.<Double>getAs("acc_0_delta_std")).isCloseTo(0.015811388300841892, within(EPS));
    assertThat(tf.<Double>getAs("acc_0_delta_ci_lo")).isCloseTo(0.010367568385224405, within(EPS));
    assertThat(tf.<Double>getAs("acc_0_delta_ci_hi")).isCloseTo(0.04963243161477561, within(EPS));
    // Five positive deltas: the smallest two-sided exact p, 2 / 2^5.
    assertThat(tf.<Double>getAs("acc_0_wilcoxon_p")).isEqualTo(0.0625);
    assertThat(tf.<Double>getAs("acc_theta_delta_mean")).isCloseTo(0.018, within(EPS));
    assertThat(tf.<Double>getAs("acc_theta_delta_ci_lo"))
        .isCloseTo(-0.020671405455482267, within(EPS));
    assertThat(tf.<Double>getAs("acc_theta_delta_ci_hi"))
        .isCloseTo(0.0566714054554823, within(EPS));
    assertThat(tf.<Double>getAs("acc_theta_wilcoxon_p")).isEqualTo(0.3125);

    Row tl =
        one(
            "SELECT * FROM paired WHERE sweep = 'stats' AND method = 'taugate' AND baseline = 'lora'");
    assertThat(tl.<Double>getAs("acc_theta_delta_mean")).isCloseTo(-0.063, within(EPS));
    assertThat(tl.<Double>getAs("acc_theta_delta_ci_lo"))
        .isCloseTo(-0.10408763543277616, within(EPS));
    assertThat(tl.<Double>getAs("acc_theta_delta_ci_hi"))
        .isCloseTo(-0.021912364567223862, within(EPS));
    assertThat(tl.<Double>getAs("acc_theta_wilcoxon_p")).isEqualTo(0.0625);

    Row lf =
        one(
            "SELECT acc_0_wilcoxon_p FROM paired WHERE sweep = 'stats' AND method = 'lora' AND baseline = 'frozen'");
    assertThat(lf.getDouble(0)).isEqualTo(0.3125);

    Row single =
        one(
            "SELECT n_pairs, acc_0_delta_mean, acc_0_delta_ci_lo, acc_0_wilcoxon_p FROM paired"
                + " WHERE sweep = 'other'");
    assertThat(single.getLong(0)).isEqualTo(1);
    assertThat(single.getDouble(1)).isCloseTo(0.10, within(1e-12));
    assertThat(single.isNullAt(2)).isTrue();
    assertThat(single.isNullAt(3)).isTrue();
  }

  @Test
  void sqlFunctionsAreRegistered() {
    Row r =
        one(
            "SELECT t_quantile(0.975, 4), ci95_half(0.1, 5), wilcoxon_p(array(1.0, 2.0, 3.0, 4.0, 5.0)),"
                + " wilcoxon_p(array(0.0, 0.0)), ci95_half(CAST(NULL AS DOUBLE), 5)");
    assertThat(r.getDouble(0)).isCloseTo(2.7764451051977987, within(1e-8));
    assertThat(r.getDouble(1)).isCloseTo(2.7764451051977987 * 0.1 / Math.sqrt(5), within(1e-10));
    assertThat(r.getDouble(2)).isEqualTo(0.0625);
    assertThat(r.isNullAt(3)).isTrue();
    assertThat(r.isNullAt(4)).isTrue();
  }

  @Test
  void viewsHaveTheirDocumentedSchemas() {
    assertSameColumns("cells", ResultSchema.RUNS_SCHEMA);
    assertSameColumns("summary", ResultSchema.SUMMARY_SCHEMA);
    assertSameColumns("paired_seeds", ResultSchema.PAIRED_SEEDS_SCHEMA);
    assertSameColumns("paired", ResultSchema.PAIRED_SCHEMA);
    assertSameColumns("runs", ResultSchema.RUNS_SCHEMA);
    assertSameColumns("epochs", ResultSchema.EPOCHS_SCHEMA);
    assertSameColumns("neurons", ResultSchema.NEURONS_SCHEMA);
    Row comment = spark.sql("DESCRIBE summary").where("col_name = 'acc_0_ci_lo'").first();
    assertThat(comment.getString(2)).startsWith("lower bound of the 95% CI of the mean of acc_0");
  }

  @Test
  void registerFailsClearlyWithoutRuns(@TempDir Path tmp) {
    Path empty = tmp.resolve("nothing-here");
    assertThatThrownBy(() -> ResultViews.register(spark, empty))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "No results in "
                + empty
                + ": "
                + empty.resolve("runs")
                + " does not exist (run 'bin/sweep run"
                + " CONF --out "
                + empty
                + "' first, or fix --out)");
  }

  private static void assertSameColumns(String view, StructType schema) {
    StructType actual = spark.table(view).schema();
    assertThat(actual.fieldNames()).as(view).containsExactly(schema.fieldNames());
    for (StructField f : schema.fields()) {
      assertThat(actual.apply(f.name()).dataType().catalogString())
          .as(view + "." + f.name())
          .isEqualTo(f.dataType().catalogString());
    }
  }

  private static long count(String sql) {
    return spark.sql(sql).count();
  }

  private static Row one(String sql) {
    List<Row> rows = spark.sql(sql).collectAsList();
    assertThat(rows).as(sql).hasSize(1);
    return rows.get(0);
  }
}
