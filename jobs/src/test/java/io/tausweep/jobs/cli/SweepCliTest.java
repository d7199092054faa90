package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.cli.Cli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real local[2] Spark: conf/smoke.conf trains every method on real MNIST, writes
 * Parquet, and the results come back through SQL, as a table and as CSV.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedSpark.class)
class SweepCliTest {
  @TempDir static Path tmp;
  static Path out;
  static int status;
  static String stdout;

  @BeforeAll
  static void runSmokeSweep() throws Exception {
    out = tmp.resolve("smoke-out");
    Result r = Cli.runShared(Cli.smokeConf(), out, TestPaths.mnistDir());
    status = r.status();
    stdout = r.out();
  }

  @Test
  void sweepSucceedsAndPrintsTable1() {
    assertThat(status).as(stdout).isZero();
    assertThat(stdout)
        .contains("Table 1, sweep smoke")
        .contains("taugate")
        .contains("full_ft")
        .contains("12 cells: 12 ran now, 0 already committed, 0 failed now");
  }

  @Test
  void writesHivePartitionedParquet() throws Exception {
    assertThat(out.resolve("runs/sweep=smoke/method=taugate")).isDirectory();
    assertThat(out.resolve("epochs/sweep=smoke")).isDirectory();
    try (var files = Files.walk(out.resolve("runs"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count()).isPositive();
    }
    assertThat(out.resolve("sweeps/smoke/config.conf")).isRegularFile();
    try (var files = Files.list(out.resolve("foundations"))) {
      assertThat(files.filter(p -> p.toString().endsWith(".zip")).count()).isEqualTo(2);
    }
  }

  @Test
  void sqlReadsTheRowsBackAsCsv() {
    assertThat(
            Cli.csv(
                out,
                "SELECT method, count(*) AS n, max(trainable_params) AS p FROM runs GROUP BY method ORDER BY p"))
        .containsExactly(
            "method,n,p",
            "frozen,2,0",
            "bitfit,2,266",
            "taugate,4,512",
            "lora,2,10448",
            "full_ft,2,118282");
  }

  @Test
  void resultsAreCompleteAndSane() {
    SparkSession spark = SharedSpark.session().newSession();
    io.tausweep.analysis.ResultViews.register(spark, out);
    List<Row> rows =
        spark
            .sql(
                "SELECT count(*), count(DISTINCT cell_id), sum(CASE WHEN status = 'ok' THEN 1 END),"
                    + " min(acc_theta), max(acc_theta), count(acc_0_hard), count(high_act_frac) FROM runs")
            .collectAsList();
    Row r = rows.get(0);
    assertThat(r.getLong(0)).isEqualTo(12);
    assertThat(r.getLong(1)).isEqualTo(12);
    assertThat(r.getLong(2)).isEqualTo(12);
    assertThat(r.getDouble(3)).isGreaterThan(0.3);
    assertThat(r.getDouble(4)).isLessThanOrEqualTo(1.0);
    assertThat(r.getLong(5)).isEqualTo(4);
    assertThat(r.getLong(6)).isEqualTo(4);
    long epochs =
        spark.sql("SELECT count(*) FROM epochs WHERE stage = 'specialize'").first().getLong(0);
    assertThat(epochs).isEqualTo(10); // 10 trained cells (frozen trains nothing) x 1 epoch
    long foundationEpochs =
        spark.sql("SELECT count(*) FROM epochs WHERE stage = 'foundation'").first().getLong(0);
    assertThat(foundationEpochs).isEqualTo(2);
  }

  @Test
  void rerunResumesWithoutDuplicates() {
    Result r = Cli.runShared(Cli.smokeConf(), out, TestPaths.mnistDir());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("12 already committed, 0 to run");
    Result q = Cli.sql(out, "SELECT count(*) AS n, count(DISTINCT cell_id) AS d FROM runs");
    assertThat(q.out().lines().toList()).containsExactly("n,d", "12,12");
  }
}
