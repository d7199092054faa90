package io.tausweep.jobs.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.GateMetrics;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.NeuronStats;
import io.tausweep.model.method.TauGate;
import io.tausweep.model.sweep.CellRun;
import io.tausweep.model.train.EpochStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cell's outcome survives Java serialization (the way Spark ships task results) value for value.
 */
class OutcomeCodecTest {
  static final Provenance PROV = new Provenance("host-1", 1, "OpenBLAS 0.3.31 Haswell");
  static final Instant STARTED = Instant.parse("2026-11-23T20:30:00.123456789Z");

  static CellTask task(Double lambda) {
    AdaptationMethod method =
        lambda == null ? new LoRA(5e-4, 8, 16.0) : new TauGate(3e-3, 5.0, -0.1, 1.0);
    return new CellTask(
        "c0ffee",
        method,
        7L,
        45.0,
        lambda,
        "f00d",
        io.tausweep.model.config.Budget.defaults(),
        1000,
        java.util.Map.of(),
        "",
        "");
  }

  static byte[] serialize(CellOutcome o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static CellOutcome roundTrip(CellOutcome o) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialize(o)))) {
      return (CellOutcome) in.readObject();
    }
  }

  @Test
  void tauGateOutcomeWithEveryNeuronComesBackEqual() throws Exception {
    List<NeuronStats> neurons = new ArrayList<>();
    for (int u = 0; u < 256; u++) {
      double[] byClass = new double[10];
      for (int c = 0; c < 10; c++) {
        byClass[c] = (u * 10 + c) / 2561.0;
      }
      neurons.add(
          new NeuronStats(
              u / 128 + 1,
              u % 128,
              -0.1 + u * 1e-3,
              1.0 + Math.ulp(1.0) * u,
              u / 256.0,
              Double.MIN_VALUE * u,
              byClass));
    }
    CellRun run =
        new CellRun(
            0.8501,
            0.8499,
            0.862,
            0.857,
            new GateMetrics(0.849, 0.848, 0.28125, neurons),
            512,
            0.21,
            0.04,
            List.of(
                new EpochStats(1, 0.93, 0.71),
                new EpochStats(2, Double.NaN, Double.POSITIVE_INFINITY)));
    CellOutcome.Ok o = new CellOutcome.Ok(task(0.02), run, PROV, STARTED);

    CellOutcome.Ok back = (CellOutcome.Ok) roundTrip(o);

    assertThat(back).isEqualTo(o);
    // The neurons travel inside the byte array, not as serialized records.
    assertThat(new String(serialize(o), StandardCharsets.ISO_8859_1))
        .doesNotContain("NeuronStats", "CellRun");
    assertThat(back.run().gates().neurons()).hasSize(256);
    assertThat(back.run().gates().neurons().get(6).fireRateByClassTheta())
        .containsExactly(neurons.get(6).fireRateByClassTheta());
  }

  @Test
  void failedOutcomeKeepsItsWholeReasonAndNulls() throws Exception {
    String reason = "TrainingDivergedException: loss NaN " + "x".repeat(70_000) + " \u00e9\u4e2d";
    CellOutcome failed =
        new CellOutcome.Failed(task(null), reason, new Provenance("h", 2, null), STARTED);

    CellOutcome back = roundTrip(failed);

    assertThat(back).isEqualTo(failed).isInstanceOf(CellOutcome.Failed.class);
    assertThat(((CellOutcome.Failed) back).reason()).isEqualTo(reason);
    assertThat(back.task().lambda()).isNull();
  }

  /** A LoRA cell's run: no gates, a validation accuracy at 0 deg only. */
  private static CellRun loraRun() {
    return new CellRun(
        0.855, 0.864, 0.86, null, null, 10_448, 0.3, 0.02, List.of(new EpochStats(1, 0.5, 0.8)));
  }

  @Test
  void methodsWithoutGatesComeBackWithoutThem() throws Exception {
    CellRun run = loraRun();
    CellOutcome o = new CellOutcome.Ok(task(null), run, PROV, STARTED);

    assertThat(roundTrip(o)).isEqualTo(o);
  }

  @Test
  void corruptResultIsRefusedNotTrusted() {
    CellRun run = loraRun();
    byte[] body = OutcomeCodec.encode(new CellOutcome.Ok(task(null), run, PROV, STARTED));

    byte[] longer = Arrays.copyOf(body, body.length + 1);
    assertThatThrownBy(() -> OutcomeCodec.decode(task(null), longer))
        .hasMessageContaining("bytes after its end");
    byte[] shorter = Arrays.copyOf(body, body.length - 1);
    assertThatThrownBy(() -> OutcomeCodec.decode(task(null), shorter))
        .hasCauseInstanceOf(EOFException.class);
    // The epoch count comes before one epoch (20 bytes) and the gates flag (1): a huge one must not
    // be allocated.
    byte[] huge = body.clone();
    int at = body.length - 1 - 20 - 4;
    ByteBuffer.wrap(huge).putInt(at, Integer.MAX_VALUE);
    assertThatThrownBy(() -> OutcomeCodec.decode(task(null), huge))
        .hasMessageContaining("length of 2147483647");
  }

  @Test
  void aResultWithNeitherRunNorReasonIsRefused() {
    byte[] body = OutcomeCodec.encode(new CellOutcome.Failed(task(null), "x", PROV, STARTED));
    // The reason is the first field after the format byte: -1 is the null string.
    byte[] noReason = new byte[body.length - 1];
    noReason[0] = body[0];
    ByteBuffer.wrap(noReason).putInt(1, -1);
    System.arraycopy(body, 1 + 4 + 1, noReason, 1 + 4, body.length - 1 - 4 - 1);
    assertThatThrownBy(() -> OutcomeCodec.decode(task(null), noReason))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("neither a run nor a failure reason");
  }

  @Test
  void resultOfAnotherFormatIsRefusedByName() {
    byte[] body = OutcomeCodec.encode(new CellOutcome.Failed(task(null), "x", PROV, STARTED));
    body[0] = 9;
    assertThatThrownBy(() -> OutcomeCodec.decode(task(null), body))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format 9")
        .hasMessageContaining("different tausweep builds");
  }
}
