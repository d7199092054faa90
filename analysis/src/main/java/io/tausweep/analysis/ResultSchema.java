package io.tausweep.analysis;

import io.tausweep.model.method.Methods;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The explicit schemas of the result tables ({@code runs}, {@code epochs}, {@code neurons}) and of
 * the derived views over them ({@code cells}, {@code summary}, {@code paired_seeds}, {@code
 * paired}). Writers and readers both use these, so a column cannot drift between the two; each
 * field's comment says what the column means ({@code DESCRIBE summary} shows it).
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
  public static final StructType RUNS_SCHEMA =
      new StructType(
          new StructField[] {
            field("sweep", DataTypes.StringType, false, "sweep name (partition column)"),
            field(
                "cell_id",
                DataTypes.StringType,
                false,
                "hash of everything that decides the cell's result"),
            field(
                "method",
                DataTypes.StringType,
                false,
                String.join(" | ", Methods.ids()) + " (partition column)"),
            field("seed", DataTypes.LongType, false, "seed of subsets, init and shuffling"),
            field(
                "angle_deg",
                DataTypes.DoubleType,
                false,
                "rotation of the target mode, degrees counter-clockwise"),
            field(
                "lambda",
                DataTypes.DoubleType,
                true,
                "TauGate sparsity weight; null for other methods"),
            field("trainable_params", DataTypes.LongType, false, "parameters the method trains"),
            field("acc_0", DataTypes.DoubleType, true, "test accuracy at 0 deg"),
            field("acc_theta", DataTypes.DoubleType, true, "test accuracy at angle_deg"),
            field(
                "acc_0_hard",
                DataTypes.DoubleType,
                true,
                "TauGate: test accuracy at 0 deg with the hardened gate"),
            field(
                "acc_theta_hard",
                DataTypes.DoubleType,
                true,
                "TauGate: test accuracy at angle_deg, hardened gate"),
            field(
                "high_act_frac",
                DataTypes.DoubleType,
                true,
                "TauGate: share of hidden units with gate > 0.5"),
            field(
                "train_seconds",
                DataTypes.DoubleType,
                false,
                "specialization training time (0 for frozen)"),
            field("eval_seconds", DataTypes.DoubleType, false, "evaluation time on both test sets"),
            field("status", DataTypes.StringType, false, "ok | failed"),
            field("error", DataTypes.StringType, true, "reason of a failed cell"),
            field(
                "foundation_id",
                DataTypes.StringType,
                false,
                "id of the foundation the cell started from"),
            field(
                "config_hash",
                DataTypes.StringType,
                false,
                "SHA-256 prefix of the resolved sweep config"),
            field("code_version", DataTypes.StringType, false, "tausweep version and git commit"),
            field("dl4j_version", DataTypes.StringType, false, "Deeplearning4j version"),
            field("spark_version", DataTypes.StringType, false, "Spark version"),
            field("host", DataTypes.StringType, false, "host that trained the cell"),
            field(
                "nd4j_threads",
                DataTypes.IntegerType,
                false,
                "ND4J/OpenMP threads in the training task"),
            field(
                "blas",
                DataTypes.StringType,
                true,
                "BLAS library and version, CPU model and OPENBLAS_CORETYPE if set"),
            field("started_at", DataTypes.TimestampType, false, "when the cell started (UTC)"),
          });

  /** One row per epoch of a foundation or a specialization. */
  public static final StructType EPOCHS_SCHEMA =
      new StructType(
          new StructField[] {
            field("sweep", DataTypes.StringType, false, "sweep name (partition column)"),
            field(
                "cell_id",
                DataTypes.StringType,
                false,
                "cell id, or the foundation id for stage = foundation"),
            field("stage", DataTypes.StringType, false, "foundation | specialize"),
            field("method", DataTypes.StringType, false, "method, or 'foundation'"),
            field("epoch", DataTypes.IntegerType, false, "1-based epoch"),
            field(
                "loss",
                DataTypes.DoubleType,
                false,
                "mean minibatch loss, sparsity penalty included"),
            field(
                "train_accuracy",
                DataTypes.DoubleType,
                false,
                "accuracy on the stage's training images after the epoch"),
          });

  /** One row per hidden unit of each TauGate cell: its learned gate and how often it fires. */
  public static final StructType NEURONS_SCHEMA =
      new StructType(
          new StructField[] {
            field("sweep", DataTypes.StringType, false, "sweep name (partition column)"),
            field("cell_id", DataTypes.StringType, false, "the TauGate cell"),
            field("seed", DataTypes.LongType, false, "the cell's seed"),
            field("angle_deg", DataTypes.DoubleType, false, "the cell's angle"),
            field("lambda", DataTypes.DoubleType, false, "the cell's sparsity weight"),
            field("layer", DataTypes.IntegerType, false, "hidden layer, 1 or 2"),
            field("unit", DataTypes.IntegerType, false, "unit index within the layer, 0-based"),
            field("tau", DataTypes.DoubleType, false, "learned threshold"),
            field("gamma", DataTypes.DoubleType, false, "learned gain"),
            field(
                "fire_rate_0",
                DataTypes.DoubleType,
                false,
                "share of 0-deg test images with gate > 0.5"),
            field(
                "fire_rate_theta",
                DataTypes.DoubleType,
                false,
                "share of rotated test images with gate > 0.5"),
            field(
                "fire_rate_by_class_theta",
                DataTypes.createArrayType(DataTypes.DoubleType, false),
                false,
                "per digit 0..9: share of that digit's rotated test images with gate > 0.5"),
          });

  /** Metrics that {@link #SUMMARY_SCHEMA} aggregates, in column order. */
  public static final List<String> SUMMARY_METRICS =
      List.of("acc_0", "acc_theta", "acc_0_hard", "acc_theta_hard", "high_act_frac");

  /** Metrics that {@link #PAIRED_SCHEMA} compares with a baseline, in column order. */
  public static final List<String> PAIRED_METRICS = List.of("acc_0", "acc_theta");

  /** Methods that {@code paired} uses as the baseline of a comparison. */
  public static final List<String> PAIRED_BASELINES = List.of("frozen", "lora");

  /**
   * One row per (sweep, method, angle_deg, lambda) over the {@code status = 'ok'} cells of {@code
   * cells}: the seed count and, per metric, mean, sample std and 95% confidence interval.
   */
  public static final StructType SUMMARY_SCHEMA = summarySchema();

  /**
   * One row per (sweep, method, angle_deg, lambda, baseline, seed): a cell's accuracies minus those
   * of the baseline method's cell on the same sweep, seed and angle (both {@code status = 'ok'}).
   */
  public static final StructType PAIRED_SEEDS_SCHEMA =
      new StructType(
          new StructField[] {
            field("sweep", DataTypes.StringType, false, "sweep name"),
            field("method", DataTypes.StringType, false, "the compared method"),
            field("angle_deg", DataTypes.DoubleType, false, "rotation of the target mode, degrees"),
            field(
                "lambda",
                DataTypes.DoubleType,
                true,
                "TauGate sparsity weight of the compared cell; null for other methods"),
            field(
                "baseline",
                DataTypes.StringType,
                false,
                "frozen | lora: the method compared against"),
            field("seed", DataTypes.LongType, false, "seed shared by the cell and its baseline"),
            field("cell_id", DataTypes.StringType, false, "the compared cell"),
            field("baseline_cell_id", DataTypes.StringType, false, "the baseline's cell"),
            field(
                "acc_0_delta",
                DataTypes.DoubleType,
                true,
                "acc_0 of the cell minus acc_0 of the baseline"),
            field(
                "acc_theta_delta",
                DataTypes.DoubleType,
                true,
                "acc_theta of the cell minus acc_theta of the baseline"),
          });

  /**
   * One row per (sweep, method, angle_deg, lambda, baseline): the paired deltas of {@link
   * #PAIRED_SEEDS_SCHEMA} across seeds, with a 95% confidence interval of their mean and a
   * two-sided Wilcoxon signed-rank p-value.
   */
  public static final StructType PAIRED_SCHEMA = pairedSchema();

  private static StructType summarySchema() {
    List<StructField> f =
        new java.util.ArrayList<>(
            List.of(
                field("sweep", DataTypes.StringType, false, "sweep name"),
                field("method", DataTypes.StringType, false, String.join(" | ", Methods.ids())),
                field(
                    "angle_deg",
                    DataTypes.DoubleType,
                    false,
                    "rotation of the target mode, degrees"),
                field(
                    "lambda",
                    DataTypes.DoubleType,
                    true,
                    "TauGate sparsity weight; null for other methods"),
                field("trainable_params", DataTypes.LongType, true, "parameters the method trains"),
                field("n", DataTypes.LongType, false, "number of ok cells (seeds) in the group")));
    for (String m : SUMMARY_METRICS) {
      f.add(field(m + "_mean", DataTypes.DoubleType, true, "mean of " + m + " over seeds"));
      f.add(
          field(
              m + "_std",
              DataTypes.DoubleType,
              true,
              "sample std (n-1) of " + m + "; null when n < 2"));
      f.add(
          field(
              m + "_ci_lo",
              DataTypes.DoubleType,
              true,
              "lower bound of the 95% CI of the mean of "
                  + m
                  + " (Student t, n-1 dof); null when n < 2"));
      f.add(
          field(
              m + "_ci_hi",
              DataTypes.DoubleType,
              true,
              "upper bound of the 95% CI of the mean of "
                  + m
                  + " (Student t, n-1 dof); null when n < 2"));
    }
    return new StructType(f.toArray(StructField[]::new));
  }

  private static StructType pairedSchema() {
    List<StructField> f =
        new java.util.ArrayList<>(
            List.of(
                field("sweep", DataTypes.StringType, false, "sweep name"),
                field("method", DataTypes.StringType, false, "the compared method"),
                field(
                    "angle_deg",
                    DataTypes.DoubleType,
                    false,
                    "rotation of the target mode, degrees"),
                field(
                    "lambda",
                    DataTypes.DoubleType,
                    true,
                    "TauGate sparsity weight; null for other methods"),
                field(
                    "baseline",
                    DataTypes.StringType,
                    false,
                    "frozen | lora: the method compared against"),
                field(
                    "n_pairs",
                    DataTypes.LongType,
                    false,
                    "seeds where both the cell and its baseline are ok")));
    for (String m : PAIRED_METRICS) {
      String d = m + "_delta";
      f.add(
          field(
              d + "_mean",
              DataTypes.DoubleType,
              true,
              "mean over seeds of (" + m + " - baseline " + m + ")"));
      f.add(
          field(
              d + "_std",
              DataTypes.DoubleType,
              true,
              "sample std of the deltas; null when n_pairs < 2"));
      f.add(
          field(
              d + "_ci_lo",
              DataTypes.DoubleType,
              true,
              "lower bound of the 95% CI of the mean delta (Student t, n-1 dof); null when n_pairs < 2"));
      f.add(
          field(
              d + "_ci_hi",
              DataTypes.DoubleType,
              true,
              "upper bound of the 95% CI of the mean delta (Student t, n-1 dof); null when n_pairs < 2"));
      f.add(
          field(
              m + "_wilcoxon_p",
              DataTypes.DoubleType,
              true,
              "two-sided Wilcoxon signed-rank p of the deltas (zeros dropped; exact for <= 30 non-zero deltas);"
                  + " null when fewer than 2 deltas are non-zero"));
    }
    return new StructType(f.toArray(StructField[]::new));
  }

  private static StructField field(
      String name, org.apache.spark.sql.types.DataType type, boolean nullable, String comment) {
    return new StructField(name, type, nullable, Metadata.empty()).withComment(comment);
  }
}
