package io.tausweep.analysis;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Result tables written as real Hive-partitioned Parquet with {@link ResultSchema}'s schemas, the
 * way the sweep job writes them, built from a few values per row.
 */
final class Fixtures {
  private Fixtures() {}

  /** Trainable parameters per method, as the model counts them. */
  static long params(String method) {
    return switch (method) {
      case "frozen" -> 0;
      case "bitfit" -> 266;
      case "taugate" -> 512;
      case "lora" -> 10_448;
      case "full_ft" -> 118_282;
      default -> throw new IllegalArgumentException(method);
    };
  }

  /** A runs row builder with ok defaults; {@code started} is seconds after 2026-01-01T00:00Z. */
  static final class Run {
    String sweep;
    String method;
    long seed;
    double angle = 45;
    Double lambda;
    Double acc0;
    Double accTheta;
    Double acc0Hard;
    Double accThetaHard;
    Double highActFrac;
    String status = "ok";
    String error;
    long started;
    String cellId;

    Run(String sweep, String method, long seed) {
      this.sweep = sweep;
      this.method = method;
      this.seed = seed;
    }

    Run angle(double a) {
      angle = a;
      return this;
    }

    String setting = "";
    Double accVal0;
    Double accValTheta;

    Run lambda(double l) {
      lambda = l;
      return this;
    }

    Run acc(double acc0, double accTheta) {
      this.acc0 = acc0;
      this.accTheta = accTheta;
      return this;
    }

    Run gate(double acc0Hard, double accThetaHard, double highActFrac) {
      this.acc0Hard = acc0Hard;
      this.accThetaHard = accThetaHard;
      this.highActFrac = highActFrac;
      return this;
    }

    Run failed(String error) {
      this.status = "failed";
      this.error = error;
      this.acc0 = null;
      this.accTheta = null;
      return this;
    }

    /** Its validation accuracies and its setting of the tuned axes. */
    Run tuned(String setting, double accVal0, double accValTheta) {
      this.setting = setting;
      this.accVal0 = accVal0;
      this.accValTheta = accValTheta;
      return this;
    }

    Run started(long seconds) {
      started = seconds;
      return this;
    }

    String cellId() {
      return cellId != null ? cellId : method + "-" + seed + "-" + angle + "-" + lambda;
    }

    Row row() {
      return RowFactory.create(
          sweep,
          cellId(),
          method,
          seed,
          angle,
          lambda,
          params(method),
          acc0,
          accTheta,
          acc0Hard,
          accThetaHard,
          highActFrac,
          1.5,
          0.25,
          status,
          error,
          "f-" + seed + "-" + angle,
          "cfg0123456789abcd",
          "0.1.0-test+abc1234",
          "1.0.0-M2.1",
          "4.2.0",
          "testhost",
          1,
          "OpenBLAS test on a test CPU",
          Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(started)),
          accVal0,
          accValTheta,
          1000,
          setting,
          setting,
          "",
          "mnist");
    }
  }

  static Run run(String sweep, String method, long seed) {
    return new Run(sweep, method, seed);
  }

  static void writeRuns(SparkSession spark, Path out, List<Run> runs) {
    List<Row> rows = new ArrayList<>();
    runs.forEach(r -> rows.add(r.row()));
    write(
        spark,
        out.resolve(ResultSchema.RUNS),
        rows,
        ResultSchema.RUNS_SCHEMA,
        ResultSchema.RUNS_PARTITIONS);
  }

  static void write(
      SparkSession spark, Path dir, List<Row> rows, StructType schema, List<String> partitions) {
    spark
        .createDataFrame(rows, schema)
        .coalesce(1)
        .write()
        .mode(SaveMode.Append)
        .partitionBy(partitions.toArray(String[]::new))
        .parquet(dir.toString());
  }
}
