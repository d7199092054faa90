package io.tausweep.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tausweep.analysis.ResultSchema;
import io.tausweep.jobs.driver.SparkSessions;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The driver-side Parquet writer against Spark's own: the same rows of the result tables, written
 * both ways, read back through Spark with the tables' schemas, compare equal, nulls, arrays and
 * timestamps included.
 */
class ParquetAppenderTest {
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark =
        SparkSessions.create(
            "ParquetAppenderTest",
            "local[1]",
            Map.of("spark.ui.enabled", "false", "spark.sql.session.timeZone", "UTC"));
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void runsRowsReadBackAsSparksOwnWriterWritesThem() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      boolean failed = i == 3;
      rows.add(
          RowFactory.create(
              "s" + (i % 2),
              "cell" + i,
              i % 2 == 0 ? "taugate" : "lora",
              (long) i,
              45.0,
              i % 2 == 0 ? 0.1 * i : null,
              512L,
              failed ? null : 0.8 + i / 100.0,
              failed ? null : 0.85,
              null,
              null,
              i % 2 == 0 ? 0.61 : null,
              0.25,
              0.05,
              failed ? "failed" : "ok",
              failed ? "diverged: loss 21.6" : null,
              "f" + i,
              "abc",
              "0.1.0",
              "1.0.0-M2.1",
              "4.2.0",
              "host",
              1,
              i == 4 ? null : "OpenBLAS 0.3.31",
              Timestamp.from(Instant.parse("2026-11-23T07:30:00.123456Z").plusSeconds(i)),
              failed ? null : 0.83,
              failed ? null : 0.84,
              1000,
              i % 2 == 0 ? "method.lora.rank=" + i : "",
              i % 2 == 0 ? "method.lora.rank=" + i : "",
              i == 2 ? null : "",
              i == 1 ? null : "mnist"));
    }
    assertSameAsSpark(
        ResultSchema.RUNS, ResultSchema.RUNS_SCHEMA, ResultSchema.RUNS_PARTITIONS, rows);
  }

  @Test
  void neuronsRowsWithArraysReadBackAsSparksOwnWriterWritesThem() {
    List<Row> rows = new ArrayList<>();
    for (int unit = 0; unit < 4; unit++) {
      List<Double> byClass = unit == 2 ? List.of() : List.of(0.1 * unit, 0.5, 1.0);
      rows.add(
          RowFactory.create(
              "s",
              "cell" + unit,
              3L,
              45.0,
              0.5,
              1 + unit % 2,
              unit,
              -0.25 * unit,
              1.5,
              0.25,
              0.75,
              CollectionConverters.asScala(byClass).toSeq()));
    }
    assertSameAsSpark(
        ResultSchema.NEURONS, ResultSchema.NEURONS_SCHEMA, ResultSchema.NEURONS_PARTITIONS, rows);
  }

  @Test
  void appendsNewFilesAndLeavesNoTemporaryOnes() throws Exception {
    Path table = tmp.resolve("append/epochs");
    List<Row> first = List.of(RowFactory.create("a", "c1", "specialize", "bitfit", 1, 0.5, 0.75));
    List<Row> second =
        List.of(
            RowFactory.create("a", "c2", "specialize", "bitfit", 1, 0.4, 0.8),
            RowFactory.create("b", "c3", "foundation", "foundation", 2, 0.3, 0.9));
    append(table, false, ResultSchema.EPOCHS_SCHEMA, ResultSchema.EPOCHS_PARTITIONS, first);
    List<Path> written =
        append(table, false, ResultSchema.EPOCHS_SCHEMA, ResultSchema.EPOCHS_PARTITIONS, second);

    assertThat(written)
        .hasSize(2)
        .allSatisfy(
            p ->
                assertThat(p.getFileName().toString())
                    .startsWith("part-" + BATCH + "-")
                    .endsWith(".snappy.parquet"))
        .allSatisfy(
            p -> assertThat(ParquetAppender.batchOf(p.getFileName().toString())).isEqualTo(BATCH));
    assertThat(files(table)).hasSize(3).noneMatch(p -> p.getFileName().toString().startsWith("."));
    assertThat(read(table, ResultSchema.EPOCHS_SCHEMA).stream().map(r -> r.getString(1)))
        .containsExactly("c1", "c2", "c3");
  }

  @Test
  void directWritesAsOnAnObjectStoreGiveTheSameRowsAndNoHiddenFiles() throws Exception {
    Path table = tmp.resolve("direct/epochs");
    List<Row> rows =
        List.of(
            RowFactory.create("a", "c1", "specialize", "bitfit", 1, 0.5, 0.75),
            RowFactory.create("b", "c3", "foundation", "foundation", 2, 0.3, 0.9));
    append(table, true, ResultSchema.EPOCHS_SCHEMA, ResultSchema.EPOCHS_PARTITIONS, rows);
    assertThat(files(table)).hasSize(2).noneMatch(p -> p.getFileName().toString().startsWith("."));
    assertThat(read(table, ResultSchema.EPOCHS_SCHEMA).stream().map(r -> r.getString(1)))
        .containsExactly("c1", "c3");
  }

  @Test
  void batchOfReadsOnlyTheAppendersOwnNames() {
    assertThat(
            ParquetAppender.batchOf(
                "part-b0123456789abcdef-0f8fad5b-d9cb-469f-a165-70867728950e.c000.snappy"
                    + ".parquet"))
        .isEqualTo("b0123456789abcdef");
    assertThat(
            ParquetAppender.batchOf(
                "part-0f8fad5b-d9cb-469f-a165-70867728950e.c000.snappy.parquet"))
        .isNull();
    assertThat(
            ParquetAppender.batchOf(
                ".part-b0123456789abcdef-0f8fad5b-d9cb-469f-a165-70867728950e.c000.snappy"
                    + ".parquet.tmp"))
        .isNull();
  }

  @ParameterizedTest(name = "direct write: {0}")
  @ValueSource(booleans = {false, true})
  void aFailedWriteLeavesNothingBehind(boolean direct) throws Exception {
    Path table = tmp.resolve("failing-" + direct + "/runs");
    Files.createDirectories(table);
    Files.writeString(table.resolve("sweep=s"), "a file where the partition directory goes");
    List<Row> rows = List.of(RowFactory.create("s", "c", 1, 0.5, 0.5));
    StructType schema =
        new StructType()
            .add("sweep", "string", false)
            .add("cell_id", "string", false)
            .add("epoch", "int", false)
            .add("loss", "double", false)
            .add("train_accuracy", "double", false);

    assertThatThrownBy(() -> append(table, direct, schema, List.of("sweep"), rows))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot write ")
        .hasMessageContaining(table.resolve("sweep=s").toString());
    List<Row> nullInRequired = new ArrayList<>();
    nullInRequired.add(RowFactory.create("t", null, 1, 0.5, 0.5));
    assertThatThrownBy(() -> append(table, direct, schema, List.of("sweep"), nullInRequired))
        .hasMessage("Column cell_id is null but not nullable");
    assertThat(files(table)).containsExactly(table.resolve("sweep=s"));
    assertThat(table.resolve("sweep=t")).isEmptyDirectory();
  }

  private static void assertSameAsSpark(
      String table, StructType schema, List<String> partitions, List<Row> rows) {
    Path ours = tmp.resolve("ours-" + table);
    Path theirs = tmp.resolve("spark-" + table);
    append(ours, false, schema, partitions, rows);
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .mode(SaveMode.Append)
        .partitionBy(partitions.toArray(String[]::new))
        .parquet(theirs.toString());

    List<Row> expected = read(theirs, schema);
    assertThat(expected).hasSize(rows.size());
    assertThat(read(ours, schema)).containsExactlyElementsOf(expected);
  }

  private static final String BATCH = "b0123456789abcdef";

  /** Appends through the local file system, as the store does for a plain --out. */
  private static List<Path> append(
      Path table, boolean direct, StructType schema, List<String> partitions, List<Row> rows) {
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(table.toUri());
      org.apache.hadoop.fs.FileSystem fs = Fs.of(dir, new org.apache.hadoop.conf.Configuration());
      return ParquetAppender.append(fs, dir, BATCH, direct, schema, partitions, rows).stream()
          .map(p -> Path.of(p.toUri()))
          .toList();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The table's rows through Spark with the schema, sorted by their text. */
  private static List<Row> read(Path dir, StructType schema) {
    return spark
        .read()
        .schema(schema)
        .option("basePath", dir.toString())
        .parquet(dir.toString())
        .select(
            schema.fieldNames()[0],
            java.util.Arrays.copyOfRange(schema.fieldNames(), 1, schema.size()))
        .collectAsList()
        .stream()
        .sorted(Comparator.comparing(Row::toString))
        .toList();
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
