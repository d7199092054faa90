package io.tausweep.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The named queries of {@code conf/queries/} run as {@code bin/sweep sql -f} runs them (the file's
 * text through {@code spark.sql}), and the neurons ones find exactly the units they describe.
 */
class NamedQueriesTest {
  static SparkSession spark;

  @BeforeAll
  static void register() {
    spark = TestSpark.get();
    ResultViews.register(spark, SharedResults.dir());
  }

  static Path queries() {
    String root = System.getProperty("tausweep.repo.root");
    return (root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize())
        .resolve("conf/queries");
  }

  static List<Row> run(String file) throws IOException {
    return spark
        .sql(Files.readString(queries().resolve(file), StandardCharsets.UTF_8))
        .collectAsList();
  }

  @Test
  void everyNamedQueryRuns() throws IOException {
    List<String> files;
    try (Stream<Path> s = Files.list(queries())) {
      files =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
    }
    assertThat(files)
        .contains(
            "table1.sql",
            "summary.sql",
            "paired.sql",
            "lambda_tradeoff.sql",
            "neurons_switched_off.sql",
            "neurons_one_class.sql",
            "failed.sql");
    for (String f : files) {
      assertThat(run(f)).as(f).isNotEmpty();
    }
  }

  @Test
  void table1ListsTheStatsSweepInThePapersOrder() throws IOException {
    List<Row> rows =
        run("table1.sql").stream().filter(r -> r.getString(0).equals("stats")).toList();
    assertThat(rows)
        .extracting(r -> tuple(r.getString(1), r.getLong(2), r.getLong(5), r.getDouble(6)))
        .containsExactly(
            tuple("frozen", 0L, 5L, 0.82),
            tuple("taugate", 512L, 5L, 0.85),
            tuple("lora", 10448L, 5L, 0.838));
    assertThat(rows.get(1).getDouble(8))
        .isEqualTo(0.8160); // acc_0_ci_lo 0.815995... rounded to 4 places
  }

  @Test
  void lambdaTradeoffHasOneRowPerLambda() throws IOException {
    List<Row> rows =
        run("lambda_tradeoff.sql").stream().filter(r -> r.getString(0).equals("lambda")).toList();
    assertThat(rows).extracting(r -> r.getDouble(2)).containsExactly(0.0, 0.1, 1.0, 5.0);
    assertThat(rows).extracting(r -> r.getLong(3)).containsOnly(3L);
  }

  @Test
  void switchedOffUnitsFireAtZeroDegreesOnly() throws IOException {
    assertThat(run("neurons_switched_off.sql"))
        .extracting(r -> tuple(r.getInt(4), r.getInt(5)))
        .containsExactly(tuple(1, 0), tuple(1, 1));
  }

  @Test
  void oneClassUnitsFireForOneDigit() throws IOException {
    List<Row> rows = run("neurons_one_class.sql");
    assertThat(rows)
        .extracting(
            r -> tuple(r.getInt(4), r.getInt(5), r.getLong(6), r.getDouble(7), r.getDouble(8)))
        .containsExactly(tuple(2, 0, 2L, 0.8, 0.05));
  }

  @Test
  void failedListsCellsWithoutAnOkAttempt() throws IOException {
    assertThat(run("failed.sql"))
        .extracting(r -> tuple(r.getString(0), r.getString(1), r.getString(7)))
        .containsExactly(tuple("stats", "bitfit", "second failure"));
  }

  @Test
  void neuronsViewReadsTheTableWithItsSchema() {
    Row r =
        spark
            .sql("SELECT count(*), max(size(fire_rate_by_class_theta)), min(lambda) FROM neurons")
            .first();
    assertThat(r.getLong(0)).isEqualTo(6);
    assertThat(r.getInt(1)).isEqualTo(10);
    assertThat(r.getDouble(2)).isEqualTo(0.5);
  }

  @Test
  void neuronsViewIsEmptyWithoutTheTable(@TempDir Path tmp) throws IOException {
    try {
      Fixtures.writeRuns(spark, tmp, List.of(Fixtures.run("solo", "frozen", 0).acc(0.5, 0.4)));
      ResultViews.register(spark, tmp);
      assertThat(spark.table("neurons").count()).isZero();
      assertThat(run("neurons_switched_off.sql")).isEmpty();
      assertThat(spark.table("cells").count()).isEqualTo(1);
    } finally {
      ResultViews.register(spark, SharedResults.dir());
    }
  }
}
