package io.tausweep.jobs.driver;

import io.tausweep.analysis.ResultSchema;
import io.tausweep.jobs.store.SweepStore;
import io.tausweep.jobs.task.CellOutcome;
import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.model.BuildInfo;
import io.tausweep.model.method.GateMetrics;
import io.tausweep.model.method.NeuronStats;
import io.tausweep.model.sweep.CellRun;
import io.tausweep.model.train.EpochStats;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of the result tables as records with named fields, and the one place they become Spark
 * {@link Row}s. Each record's components are the columns of its table's schema in {@link
 * ResultSchema}, in order, named as the columns in camel case ({@code accThetaHard} for {@code
 * acc_theta_hard}) and typed to match (a primitive where the column is not nullable). {@link
 * #toRow} checks that once per record type, so a field added, dropped, moved or retyped on either
 * side fails at the first row rather than writing values into the wrong columns.
 */
public final class ResultRows {
  private ResultRows() {}

  /** A row of {@code runs}. */
  public record Run(
      String sweep,
      String cellId,
      String method,
      long seed,
      double angleDeg,
      Double lambda,
      long trainableParams,
      Double acc0,
      Double accTheta,
      Double acc0Hard,
      Double accThetaHard,
      Double highActFrac,
      double trainSeconds,
      double evalSeconds,
      String status,
      String error,
      String foundationId,
      String configHash,
      String codeVersion,
      String dl4jVersion,
      String sparkVersion,
      String host,
      int nd4jThreads,
      String blas,
      Timestamp startedAt,
      Double accVal0,
      Double accValTheta,
      Integer specializeImages,
      String hparams,
      String setting,
      String reportGroup,
      String dataset) {}

  /** A row of {@code epochs}. */
  public record Epoch(
      String sweep,
      String cellId,
      String stage,
      String method,
      int epoch,
      double loss,
      double trainAccuracy) {}

  /** A row of {@code neurons}. */
  public record Neuron(
      String sweep,
      String cellId,
      long seed,
      double angleDeg,
      double lambda,
      int layer,
      int unit,
      double tau,
      double gamma,
      double fireRate0,
      double fireRateTheta,
      double[] fireRateByClassTheta) {}

  private static final Map<Class<?>, StructType> SCHEMAS =
      Map.of(
          Run.class, ResultSchema.RUNS_SCHEMA,
          Epoch.class, ResultSchema.EPOCHS_SCHEMA,
          Neuron.class, ResultSchema.NEURONS_SCHEMA);

  private static final Map<Class<?>, MethodHandle[]> ACCESSORS = new ConcurrentHashMap<>();

  /** The record as a row of its table's schema, values in the schema's column order. */
  public static Row toRow(Record r) {
    MethodHandle[] get =
        ACCESSORS.computeIfAbsent(r.getClass(), t -> checkedAccessors(t, SCHEMAS.get(t)));
    Object[] values = new Object[get.length];
    try {
      for (int i = 0; i < get.length; i++) {
        Object v = get[i].invoke(r);
        values[i] = v instanceof double[] d ? scalaSeq(d) : v;
      }
    } catch (Throwable e) {
      throw new IllegalStateException("Cannot read " + r.getClass().getSimpleName(), e);
    }
    return RowFactory.create(values);
  }

  /** Converts a list of records. */
  public static List<Row> toRows(List<? extends Record> records) {
    List<Row> out = new ArrayList<>(records.size());
    for (Record r : records) {
      out.add(toRow(r));
    }
    return out;
  }

  /** The {@code runs} row of a cell's outcome, failed or not. */
  static Row runRow(
      CellOutcome o, String sweep, String configHash, String sparkVersion, String dataset) {
    CellTask t = o.task();
    CellRun r = o instanceof CellOutcome.Ok ok ? ok.run() : null;
    GateMetrics g = r == null ? null : r.gates();
    return ResultRows.toRow(
        new ResultRows.Run(
            sweep,
            t.id(),
            t.method().id(),
            t.seed(),
            t.angleDeg(),
            t.lambda(),
            r == null ? 0L : r.trainableParams(),
            r == null ? null : r.acc0(),
            r == null ? null : r.accTheta(),
            g == null ? null : g.acc0Hard(),
            g == null ? null : g.accThetaHard(),
            g == null ? null : g.highActFrac(),
            r == null ? 0.0 : r.trainSeconds(),
            r == null ? 0.0 : r.evalSeconds(),
            r != null ? "ok" : "failed",
            o instanceof CellOutcome.Failed f ? f.reason() : null,
            t.foundationId(),
            configHash,
            BuildInfo.codeVersion(),
            BuildInfo.dl4jVersion(),
            sparkVersion,
            o.provenance().host(),
            o.provenance().nd4jThreads(),
            o.provenance().blas(),
            Timestamp.from(o.startedAt()),
            r == null ? null : r.accVal0(),
            r == null ? null : r.accValTheta(),
            t.budget().specializeImages(),
            io.tausweep.jobs.task.Grid.join(t.hparams()),
            t.setting(),
            t.reportGroup(),
            dataset));
  }

  /** A committed cell's rows: its {@code runs} row and, when it succeeded, its side-table rows. */
  static SweepStore.CellRows cellRows(CellOutcome outcome, Row run, String sweep) {
    if (!(outcome instanceof CellOutcome.Ok o)) {
      return new SweepStore.CellRows(outcome.task().id(), run, List.of(), List.of());
    }
    List<Row> epochs = new ArrayList<>();
    List<Row> neurons = new ArrayList<>();
    for (EpochStats e : o.run().epochs()) {
      epochs.add(
          ResultRows.toRow(
              new ResultRows.Epoch(
                  sweep,
                  o.task().id(),
                  "specialize",
                  o.task().method().id(),
                  e.epoch(),
                  e.loss(),
                  e.trainAccuracy())));
    }
    if (o.run().gates() != null) {
      for (NeuronStats n : o.run().gates().neurons()) {
        neurons.add(
            ResultRows.toRow(
                new ResultRows.Neuron(
                    sweep,
                    o.task().id(),
                    o.task().seed(),
                    o.task().angleDeg(),
                    o.task().lambda() == null ? 0.0 : o.task().lambda(),
                    n.layer(),
                    n.unit(),
                    n.tau(),
                    n.gamma(),
                    n.fireRate0(),
                    n.fireRateTheta(),
                    n.fireRateByClassTheta())));
      }
    }
    return new SweepStore.CellRows(o.task().id(), run, epochs, neurons);
  }

  /**
   * The accessors of a record type after checking its components against its schema.
   *
   * @throws IllegalStateException naming the first mismatch
   */
  static MethodHandle[] checkedAccessors(Class<?> type, StructType schema) {
    if (schema == null) {
      throw new IllegalStateException(type.getName() + " is not a result row");
    }
    RecordComponent[] parts = type.getRecordComponents();
    StructField[] columns = schema.fields();
    List<String> names = Arrays.stream(parts).map(p -> column(p.getName())).toList();
    if (!names.equals(Arrays.asList(schema.fieldNames()))) {
      throw new IllegalStateException(
          type.getSimpleName()
              + " has the columns "
              + names
              + " but its schema has "
              + Arrays.asList(schema.fieldNames()));
    }
    MethodHandle[] get = new MethodHandle[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Class<?> javaType = parts[i].getType();
      StructField c = columns[i];
      if (!matches(javaType, c.dataType()) || (javaType.isPrimitive() && c.nullable())) {
        throw new IllegalStateException(
            type.getSimpleName()
                + "."
                + parts[i].getName()
                + " is a "
                + javaType.getSimpleName()
                + " but column "
                + c.name()
                + " is "
                + c.dataType().simpleString()
                + (c.nullable() ? " (nullable)" : ""));
      }
      try {
        get[i] = MethodHandles.publicLookup().unreflect(parts[i].getAccessor());
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return get;
  }

  /** {@code accThetaHard} -> {@code acc_theta_hard}, {@code fireRate0} -> {@code fire_rate_0}. */
  static String column(String component) {
    StringBuilder out = new StringBuilder();
    char[] c = component.toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (Character.isUpperCase(c[i])) {
        out.append('_').append(Character.toLowerCase(c[i]));
      } else if (Character.isDigit(c[i]) && i > 0 && !Character.isDigit(c[i - 1])) {
        int end = i;
        while (end < c.length && Character.isDigit(c[end])) {
          end++;
        }
        // A digit run that ends the name or a word is a word of its own (acc_0); inside a word it
        // belongs to it (nd4j).
        boolean word = end == c.length || Character.isUpperCase(c[end]);
        out.append(word ? "_" : "").append(c[i]);
      } else {
        out.append(c[i]);
      }
    }
    return out.toString();
  }

  private static boolean matches(Class<?> t, DataType d) {
    if (d.equals(DataTypes.StringType)) {
      return t == String.class;
    }
    if (d.equals(DataTypes.LongType)) {
      return t == long.class || t == Long.class;
    }
    if (d.equals(DataTypes.IntegerType)) {
      return t == int.class || t == Integer.class;
    }
    if (d.equals(DataTypes.DoubleType)) {
      return t == double.class || t == Double.class;
    }
    if (d.equals(DataTypes.TimestampType)) {
      return t == Timestamp.class;
    }
    return d instanceof ArrayType a
        && a.elementType().equals(DataTypes.DoubleType)
        && t == double[].class;
  }

  private static Object scalaSeq(double[] values) {
    return scala.jdk.javaapi.CollectionConverters.asScala(Arrays.stream(values).boxed().toList())
        .toSeq();
  }
}
