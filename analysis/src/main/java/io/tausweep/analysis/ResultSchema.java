package io.tausweep.analysis;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.tausweep.model.method.Methods;
import java.util.List;
import org.apache.spark.sql.types.DataType;
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
            required("sweep", StringType, "sweep name (partition column)"),
            required("cell_id", StringType, "hash of everything that decides the cell's result"),
            required(
                "method", StringType, String.join(" | ", Methods.ids()) + " (partition column)"),
            required("seed", LongType, "seed of subsets, init and shuffling"),
            required(
                "angle_deg", DoubleType, "rotation of the target mode, degrees counter-clockwise"),
            nullable("lambda", DoubleType, "TauGate sparsity weight; null for other methods"),
            required("trainable_params", LongType, "parameters the method trains"),
            nullable("acc_0", DoubleType, "test accuracy at 0 deg"),
            nullable("acc_theta", DoubleType, "test accuracy at angle_deg"),
            nullable(
                "acc_0_hard", DoubleType, "TauGate: test accuracy at 0 deg with the hardened gate"),
            nullable(
                "acc_theta_hard", DoubleType, "TauGate: test accuracy at angle_deg, hardened gate"),
            nullable("high_act_frac", DoubleType, "TauGate: share of hidden units with gate > 0.5"),
            required("train_seconds", DoubleType, "specialization training time (0 for frozen)"),
            required("eval_seconds", DoubleType, "evaluation time on both test sets"),
            required("status", StringType, "ok | failed"),
            nullable("error", StringType, "reason of a failed cell"),
            required("foundation_id", StringType, "id of the foundation the cell started from"),
            required("config_hash", StringType, "SHA-256 prefix of the resolved sweep config"),
            required("code_version", StringType, "tausweep version and git commit"),
            required("dl4j_version", StringType, "Deeplearning4j version"),
            required("spark_version", StringType, "Spark version"),
            required("host", StringType, "host that trained the cell"),
            required("nd4j_threads", IntegerType, "ND4J/OpenMP threads in the training task"),
            nullable(
                "blas",
                StringType,
                "BLAS library and version, CPU model and OPENBLAS_CORETYPE if set"),
            required("started_at", TimestampType, "when the cell started (UTC)"),
            nullable("acc_val_0", DoubleType, "validation accuracy at 0 deg; null without"),
            nullable("acc_val_theta", DoubleType, "validation accuracy at angle_deg (selects)"),
            nullable("specialize_images", IntegerType, "images the specialization trained on"),
            nullable(
                "hparams",
                StringType,
                "swept values the cell depends on, k=v,... (str_to_map(hparams, ',', '='))"),
            nullable(
                "setting", StringType, "its point on the tuned axes (hparams, lambda), k=v,..."),
            nullable("report_group", StringType, "its values of the axes reported separately"),
            nullable(
                "dataset", StringType, "mnist | fashion-mnist (null: mnist, before the choice)"),
          });

  /** One row per epoch of a foundation or a specialization. */
  public static final StructType EPOCHS_SCHEMA =
      new StructType(
          new StructField[] {
            required("sweep", StringType, "sweep name (partition column)"),
            required("cell_id", StringType, "cell id, or the foundation id for stage = foundation"),
            required("stage", StringType, "foundation | specialize"),
            required("method", StringType, "method, or 'foundation'"),
            required("epoch", IntegerType, "1-based epoch"),
            required("loss", DoubleType, "mean minibatch loss, sparsity penalty included"),
            required(
                "train_accuracy",
                DoubleType,
                "accuracy on the stage's training images after the epoch"),
          });

  /** One row per hidden unit of each TauGate cell: its learned gate and how often it fires. */
  public static final StructType NEURONS_SCHEMA =
      new StructType(
          new StructField[] {
            required("sweep", StringType, "sweep name (partition column)"),
            required("cell_id", StringType, "the TauGate cell"),
            required("seed", LongType, "the cell's seed"),
            required("angle_deg", DoubleType, "the cell's angle"),
            required("lambda", DoubleType, "the cell's sparsity weight"),
            required("layer", IntegerType, "hidden layer, 1 or 2"),
            required("unit", IntegerType, "unit index within the layer, 0-based"),
            required("tau", DoubleType, "learned threshold"),
            required("gamma", DoubleType, "learned gain"),
            required("fire_rate_0", DoubleType, "share of 0-deg test images with gate > 0.5"),
            required("fire_rate_theta", DoubleType, "share of rotated test images with gate > 0.5"),
            required(
                "fire_rate_by_class_theta",
                createArrayType(DoubleType, false),
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
            required("sweep", StringType, "sweep name"),
            required("method", StringType, "the compared method"),
            required("angle_deg", DoubleType, "rotation of the target mode, degrees"),
            nullable(
                "lambda",
                DoubleType,
                "TauGate sparsity weight of the compared cell; null for other methods"),
            required("baseline", StringType, "frozen | lora: the method compared against"),
            required("seed", LongType, "seed shared by the cell and its baseline"),
            required("cell_id", StringType, "the compared cell"),
            required("baseline_cell_id", StringType, "the baseline's cell"),
            nullable("acc_0_delta", DoubleType, "acc_0 of the cell minus acc_0 of the baseline"),
            nullable(
                "acc_theta_delta",
                DoubleType,
                "acc_theta of the cell minus acc_theta of the baseline"),
          });

  /**
   * One row per (sweep, method, angle_deg, lambda, baseline): the paired deltas of {@link
   * #PAIRED_SEEDS_SCHEMA} across seeds, with a 95% confidence interval of their mean and a
   * two-sided Wilcoxon signed-rank p-value.
   */
  public static final StructType PAIRED_SCHEMA = pairedSchema();

  /**
   * One row per (sweep, method, angle_deg, report_group): the setting chosen on validation (the
   * best mean acc_val_theta over seeds) and that setting's test accuracies.
   */
  public static final StructType TUNED_SCHEMA =
      new StructType(
          new StructField[] {
            required("sweep", StringType, "sweep name"),
            required("method", StringType, String.join(" | ", Methods.ids())),
            required("angle_deg", DoubleType, "rotation of the target mode, degrees"),
            required("report_group", StringType, "values of the axes reported separately"),
            required("setting", StringType, "the chosen setting of the tuned axes, k=v,..."),
            nullable("trainable_params", LongType, "parameters the method trains"),
            required("n", LongType, "ok cells (seeds) of the chosen setting"),
            required("n_settings", LongType, "settings compared"),
            nullable("acc_val_theta_mean", DoubleType, "its mean validation accuracy at the angle"),
            nullable("acc_0_mean", DoubleType, "its mean test accuracy at 0 deg"),
            nullable("acc_0_std", DoubleType, "sample std of acc_0; null when n < 2"),
            nullable("acc_0_ci_lo", DoubleType, "95% CI of the mean acc_0, lower"),
            nullable("acc_0_ci_hi", DoubleType, "95% CI of the mean acc_0, upper"),
            nullable("acc_theta_mean", DoubleType, "its mean test accuracy at the angle"),
            nullable("acc_theta_std", DoubleType, "sample std of acc_theta; null when n < 2"),
            nullable("acc_theta_ci_lo", DoubleType, "95% CI of the mean acc_theta, lower"),
            nullable("acc_theta_ci_hi", DoubleType, "95% CI of the mean acc_theta, upper"),
          });

  private static StructType summarySchema() {
    List<StructField> f =
        new java.util.ArrayList<>(
            List.of(
                required("sweep", StringType, "sweep name"),
                required("method", StringType, String.join(" | ", Methods.ids())),
                required("angle_deg", DoubleType, "rotation of the target mode, degrees"),
                nullable("lambda", DoubleType, "TauGate sparsity weight; null for other methods"),
                required(
                    "setting", StringType, "the tuned axes' values (hparams, lambda), k=v,..."),
                required("report_group", StringType, "the values of the axes reported apart"),
                nullable("trainable_params", LongType, "parameters the method trains"),
                required("n", LongType, "number of ok cells (seeds) in the group")));
    for (String m : SUMMARY_METRICS) {
      f.add(nullable(m + "_mean", DoubleType, "mean of " + m + " over seeds"));
      f.add(nullable(m + "_std", DoubleType, "sample std (n-1) of " + m + "; null when n < 2"));
      f.add(
          nullable(
              m + "_ci_lo",
              DoubleType,
              "lower bound of the 95% CI of the mean of "
                  + m
                  + " (Student t, n-1 dof); null when n < 2"));
      f.add(
          nullable(
              m + "_ci_hi",
              DoubleType,
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
                required("sweep", StringType, "sweep name"),
                required("method", StringType, "the compared method"),
                required("angle_deg", DoubleType, "rotation of the target mode, degrees"),
                nullable("lambda", DoubleType, "TauGate sparsity weight; null for other methods"),
                required("baseline", StringType, "frozen | lora: the method compared against"),
                required(
                    "n_pairs", LongType, "seeds where both the cell and its baseline are ok")));
    for (String m : PAIRED_METRICS) {
      String d = m + "_delta";
      f.add(
          nullable(d + "_mean", DoubleType, "mean over seeds of (" + m + " - baseline " + m + ")"));
      f.add(nullable(d + "_std", DoubleType, "sample std of the deltas; null when n_pairs < 2"));
      f.add(
          nullable(
              d + "_ci_lo",
              DoubleType,
              "lower bound of the 95% CI of the mean delta (Student t, n-1 dof); null when n_pairs < 2"));
      f.add(
          nullable(
              d + "_ci_hi",
              DoubleType,
              "upper bound of the 95% CI of the mean delta (Student t, n-1 dof); null when n_pairs < 2"));
      f.add(
          nullable(
              m + "_wilcoxon_p",
              DoubleType,
              "two-sided Wilcoxon signed-rank p of the deltas (zeros dropped; exact for <= 30 non-zero deltas);"
                  + " null when fewer than 2 deltas are non-zero"));
    }
    return new StructType(f.toArray(StructField[]::new));
  }

  /** A column that is never null, {@code comment} saying what it means. */
  private static StructField required(String name, DataType type, String comment) {
    return new StructField(name, type, false, Metadata.empty()).withComment(comment);
  }

  /** A column that may be null, {@code comment} saying when. */
  private static StructField nullable(String name, DataType type, String comment) {
    return new StructField(name, type, true, Metadata.empty()).withComment(comment);
  }
}
