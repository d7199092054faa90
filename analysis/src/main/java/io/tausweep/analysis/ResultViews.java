package io.tausweep.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers an output directory's result tables as the temp views {@code runs} and
 * {@code epochs}, read with their explicit schemas so partition columns keep their types.
 */
public final class ResultViews {
  private ResultViews() {}

  /**
   * Registers the views.
   *
   * @throws IllegalArgumentException when {@code out} holds no runs table
   */
  public static void register(SparkSession spark, Path out) {
    Path runs = out.resolve(ResultSchema.RUNS);
    if (!Files.isDirectory(runs)) {
      throw new IllegalArgumentException("No results in " + out + ": " + runs
          + " does not exist (run 'bin/sweep run CONF --out " + out + "' first, or fix --out)");
    }
    read(spark, runs, ResultSchema.RUNS_SCHEMA).createOrReplaceTempView("runs");
    Path epochs = out.resolve(ResultSchema.EPOCHS);
    Dataset<Row> e = Files.isDirectory(epochs) ? read(spark, epochs, ResultSchema.EPOCHS_SCHEMA)
        : spark.createDataFrame(java.util.List.of(), ResultSchema.EPOCHS_SCHEMA);
    e.createOrReplaceTempView("epochs");
  }

  private static Dataset<Row> read(SparkSession spark, Path dir, org.apache.spark.sql.types.StructType schema) {
    return spark.read().schema(schema).option("basePath", dir.toString()).parquet(dir.toString());
  }
}
