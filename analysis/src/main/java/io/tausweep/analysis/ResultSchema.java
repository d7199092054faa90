package io.tausweep.analysis;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The explicit schemas of the {@code runs} and {@code epochs} tables and their partition
 * columns. Writers and readers both use these, so a column cannot drift between the two.
 */
public final class ResultSchema {
  private ResultSchema() {}

  /** Directory of the runs table under an output directory. */
  public static final String RUNS = "runs";
  /** Directory of the epochs table under an output directory. */
  public static final String EPOCHS = "epochs";

  /** Directory of the neurons table under an output directory. */
  public static final String NEURONS = "neurons";

  /** Hive partition columns of {@code runs}, in directory order. */
  public static final List<String> RUNS_PARTITIONS = List.of("sweep", "method");
  /** Hive partition columns of {@code neurons}, in directory order. */
  public static final List<String> NEURONS_PARTITIONS = List.of("sweep");
  /** Hive partition columns of {@code epochs}, in directory order. */
  public static final List<String> EPOCHS_PARTITIONS = List.of("sweep");

  /** One row per cell: what was trained, how it scored, and where and how it ran. */
  public static final StructType RUNS_SCHEMA = new StructType(new StructField[] {
      field("sweep", DataTypes.StringType, false, "sweep name (partition column)"),
      field("cell_id", DataTypes.StringType, false, "hash of everything that decides the cell's result"),
      field("method", DataTypes.StringType, false, "frozen | bitfit | taugate | lora | full_ft (partition column)"),
      field("seed", DataTypes.LongType, false, "seed of subsets, init and shuffling"),
      field("angle_deg", DataTypes.DoubleType, false, "rotation of the target mode, degrees counter-clockwise"),
      field("lambda", DataTypes.DoubleType, true, "TauGate sparsity weight; null for other methods"),
      field("trainable_params", DataTypes.LongType, false, "parameters the method trains"),
      field("acc_0", DataTypes.DoubleType, true, "test accuracy at 0 deg"),
      field("acc_theta", DataTypes.DoubleType, true, "test accuracy at angle_deg"),
      field("acc_0_hard", DataTypes.DoubleType, true, "TauGate: test accuracy at 0 deg with the hardened gate"),
      field("acc_theta_hard", DataTypes.DoubleType, true, "TauGate: test accuracy at angle_deg, hardened gate"),
      field("high_act_frac", DataTypes.DoubleType, true, "TauGate: share of hidden units with gate > 0.5"),
      field("train_seconds", DataTypes.DoubleType, false, "specialization training time (0 for frozen)"),
      field("eval_seconds", DataTypes.DoubleType, false, "evaluation time on both test sets"),
      field("status", DataTypes.StringType, false, "ok | failed"),
      field("error", DataTypes.StringType, true, "reason of a failed cell"),
      field("foundation_id", DataTypes.StringType, false, "id of the foundation the cell started from"),
      field("config_hash", DataTypes.StringType, false, "SHA-256 prefix of the resolved sweep config"),
      field("code_version", DataTypes.StringType, false, "tausweep version and git commit"),
      field("dl4j_version", DataTypes.StringType, false, "Deeplearning4j version"),
      field("spark_version", DataTypes.StringType, false, "Spark version"),
      field("host", DataTypes.StringType, false, "host that trained the cell"),
      field("nd4j_threads", DataTypes.IntegerType, false, "ND4J/OpenMP threads in the training task"),
      field("started_at", DataTypes.TimestampType, false, "when the cell started (UTC)"),
  });

  /** One row per epoch of a foundation or a specialization. */
  public static final StructType EPOCHS_SCHEMA = new StructType(new StructField[] {
      field("sweep", DataTypes.StringType, false, "sweep name (partition column)"),
      field("cell_id", DataTypes.StringType, false, "cell id, or the foundation id for stage = foundation"),
      field("stage", DataTypes.StringType, false, "foundation | specialize"),
      field("method", DataTypes.StringType, false, "method, or 'foundation'"),
      field("epoch", DataTypes.IntegerType, false, "1-based epoch"),
      field("loss", DataTypes.DoubleType, false, "mean minibatch loss, sparsity penalty included"),
      field("train_accuracy", DataTypes.DoubleType, false, "accuracy on the stage's training images after the epoch"),
  });

  /** One row per hidden unit of each TauGate cell: its learned gate and how often it fires. */
  public static final StructType NEURONS_SCHEMA = new StructType(new StructField[] {
      field("sweep", DataTypes.StringType, false, "sweep name (partition column)"),
      field("cell_id", DataTypes.StringType, false, "the TauGate cell"),
      field("seed", DataTypes.LongType, false, "the cell's seed"),
      field("angle_deg", DataTypes.DoubleType, false, "the cell's angle"),
      field("lambda", DataTypes.DoubleType, false, "the cell's sparsity weight"),
      field("layer", DataTypes.IntegerType, false, "hidden layer, 1 or 2"),
      field("unit", DataTypes.IntegerType, false, "unit index within the layer, 0-based"),
      field("tau", DataTypes.DoubleType, false, "learned threshold"),
      field("gamma", DataTypes.DoubleType, false, "learned gain"),
      field("fire_rate_0", DataTypes.DoubleType, false, "share of 0-deg test images with gate > 0.5"),
      field("fire_rate_theta", DataTypes.DoubleType, false, "share of rotated test images with gate > 0.5"),
      field("fire_rate_by_class_theta", DataTypes.createArrayType(DataTypes.DoubleType, false), false,
          "per digit 0..9: share of that digit's rotated test images with gate > 0.5"),
  });

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable,
      String comment) {
    return new StructField(name, type, nullable, Metadata.empty()).withComment(comment);
  }
}
