package io.tausweep.jobs.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tausweep.analysis.ResultSchema;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The result records against the schemas of the analysis module, column by column. */
class ResultRowsTest {

  @Test
  void eachRecordIsItsTablesSchema() {
    assertThat(ResultRows.checkedAccessors(ResultRows.Run.class, ResultSchema.RUNS_SCHEMA))
        .hasSize(ResultSchema.RUNS_SCHEMA.fields().length);
    assertThat(ResultRows.checkedAccessors(ResultRows.Epoch.class, ResultSchema.EPOCHS_SCHEMA))
        .hasSize(ResultSchema.EPOCHS_SCHEMA.fields().length);
    assertThat(ResultRows.checkedAccessors(ResultRows.Neuron.class, ResultSchema.NEURONS_SCHEMA))
        .hasSize(ResultSchema.NEURONS_SCHEMA.fields().length);
  }

  @Test
  void componentNamesMapToColumnNames() {
    assertThat(ResultRows.column("accThetaHard")).isEqualTo("acc_theta_hard");
    assertThat(ResultRows.column("acc0Hard")).isEqualTo("acc_0_hard");
    assertThat(ResultRows.column("fireRate0")).isEqualTo("fire_rate_0");
    assertThat(ResultRows.column("nd4jThreads")).isEqualTo("nd4j_threads");
    assertThat(ResultRows.column("dl4jVersion")).isEqualTo("dl4j_version");
  }

  @Test
  void valuesLandInTheirNamedColumns() {
    Row r =
        ResultRows.toRow(new ResultRows.Epoch("s", "c1", "specialize", "taugate", 3, 0.25, 0.75));
    assertThat(r.getString(ResultSchema.EPOCHS_SCHEMA.fieldIndex("method"))).isEqualTo("taugate");
    assertThat(r.getInt(ResultSchema.EPOCHS_SCHEMA.fieldIndex("epoch"))).isEqualTo(3);
    assertThat(r.getDouble(ResultSchema.EPOCHS_SCHEMA.fieldIndex("train_accuracy")))
        .isEqualTo(0.75);
    Row n =
        ResultRows.toRow(
            new ResultRows.Neuron(
                "s", "c1", 2, 45.0, 0.5, 1, 7, -0.1, 1.2, 0.3, 0.4, new double[] {0.1, 0.2}));
    assertThat(n.getList(ResultSchema.NEURONS_SCHEMA.fieldIndex("fire_rate_by_class_theta")))
        .containsExactly(0.1, 0.2);
    Row run =
        ResultRows.toRow(
            new ResultRows.Run(
                "s",
                "c1",
                "frozen",
                1,
                45.0,
                null,
                0,
                0.8,
                0.7,
                null,
                null,
                null,
                1.5,
                0.5,
                "ok",
                null,
                "f1",
                "h",
                "v",
                "d",
                "4.2.0",
                "host",
                1,
                "blas",
                Timestamp.valueOf("2026-12-04 00:00:00"),
                0.81,
                0.72,
                1000,
                "method.lora.rank=4",
                "method.lora.rank=4",
                "",
                "mnist"));
    assertThat(run.getDouble(ResultSchema.RUNS_SCHEMA.fieldIndex("acc_val_theta"))).isEqualTo(0.72);
    assertThat(run.getString(ResultSchema.RUNS_SCHEMA.fieldIndex("hparams")))
        .isEqualTo("method.lora.rank=4");
    assertThat(run.getDouble(ResultSchema.RUNS_SCHEMA.fieldIndex("acc_theta"))).isEqualTo(0.7);
    assertThat(run.getDouble(ResultSchema.RUNS_SCHEMA.fieldIndex("train_seconds"))).isEqualTo(1.5);
    assertThat(run.isNullAt(ResultSchema.RUNS_SCHEMA.fieldIndex("lambda"))).isTrue();
  }

  /** Two columns swapped. */
  record SwappedEpoch(
      String sweep,
      String cellId,
      String method,
      String stage,
      int epoch,
      double loss,
      double trainAccuracy) {}

  /** A nullable column held in a primitive. */
  record PrimitiveRun(String sweep) {}

  @Test
  void aRecordThatDriftsFromItsSchemaIsRefused() {
    assertThatThrownBy(
            () -> ResultRows.checkedAccessors(SwappedEpoch.class, ResultSchema.EPOCHS_SCHEMA))
        .hasMessageContaining("[sweep, cell_id, method, stage");
    assertThatThrownBy(
            () -> ResultRows.checkedAccessors(ResultRows.Epoch.class, ResultSchema.NEURONS_SCHEMA))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ResultRows.toRow(new PrimitiveRun("s")))
        .hasMessageContaining("not a result row");
  }
}
