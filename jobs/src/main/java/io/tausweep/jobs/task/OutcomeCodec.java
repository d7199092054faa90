package io.tausweep.jobs.task;

import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.model.arch.Mlp;
import io.tausweep.model.method.GateMetrics;
import io.tausweep.model.method.NeuronStats;
import io.tausweep.model.sweep.CellRun;
import io.tausweep.model.train.EpochStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A cell's result as one byte array: everything of a {@link CellOutcome} but its task. A TauGate
 * result holds 256 {@link NeuronStats} records with an array each; through Java serialization every
 * one of them is an object read back through its record constructor, which costs the driver CPU per
 * result and the JIT seconds of compiling that machinery while the sweep's first cells run. Doubles
 * travel as their 64 bits ({@code writeDouble}: every NaN as Java's one canonical NaN, as Java
 * serialization wrote them), so a result decodes to the values the task computed.
 */
public final class OutcomeCodec {
  private static final int VERSION = 1;

  private OutcomeCodec() {}

  /**
   * The body of {@code o}: its failure reason (or none), provenance, start time, then whether it
   * ran and its run.
   */
  static byte[] encode(CellOutcome o) {
    CellRun run = o instanceof CellOutcome.Ok ok ? ok.run() : null;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint(o, run));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeString(out, o instanceof CellOutcome.Failed f ? f.reason() : null);
      writeString(out, o.provenance().host());
      out.writeInt(o.provenance().nd4jThreads());
      writeString(out, o.provenance().blas());
      out.writeLong(o.startedAt().getEpochSecond());
      out.writeInt(o.startedAt().getNano());
      out.writeBoolean(run != null);
      if (run != null) {
        writeRun(out, run);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static CellOutcome decode(CellTask task, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalStateException(
            "cell result of format "
                + version
                + ", expected "
                + VERSION
                + ": the driver and the executors run different tausweep builds (give them the same job jar)");
      }
      String reason = readString(in);
      Provenance prov = new Provenance(readString(in), in.readInt(), readString(in));
      Instant startedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
      CellRun run = in.readBoolean() ? readRun(in) : null;
      if (in.read() != -1) {
        throw new IllegalStateException(
            "cell result of " + bytes.length + " bytes has bytes after its end");
      }
      if ((run == null) == (reason == null)) {
        throw new IllegalStateException(
            "cell result holds "
                + (run == null ? "neither a run nor a failure reason" : "both a run and a reason")
                + ": the result is corrupt");
      }
      return run != null
          ? new CellOutcome.Ok(task, run, prov, startedAt)
          : new CellOutcome.Failed(task, reason, prov, startedAt);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The encoded size of {@code o}, near enough that the buffer does not grow: a TauGate result is
   * about 32 KB.
   */
  private static int sizeHint(CellOutcome o, CellRun run) {
    int size = 512 + (o instanceof CellOutcome.Failed f ? 3 * f.reason().length() : 0);
    if (run != null) {
      size += 20 * run.epochs().size();
      if (run.gates() != null) {
        size += run.gates().neurons().size() * (44 + 8 * Mlp.CLASSES);
      }
    }
    return size;
  }

  private static void writeRun(DataOutputStream out, CellRun r) throws IOException {
    out.writeDouble(r.acc0());
    out.writeDouble(r.accTheta());
    // Validation accuracies: NaN for none (a computed accuracy is never NaN).
    out.writeDouble(r.accVal0() == null ? Double.NaN : r.accVal0());
    out.writeDouble(r.accValTheta() == null ? Double.NaN : r.accValTheta());
    out.writeLong(r.trainableParams());
    out.writeDouble(r.trainSeconds());
    out.writeDouble(r.evalSeconds());
    out.writeInt(r.epochs().size());
    for (EpochStats e : r.epochs()) {
      out.writeInt(e.epoch());
      out.writeDouble(e.loss());
      out.writeDouble(e.trainAccuracy());
    }
    GateMetrics g = r.gates();
    out.writeBoolean(g != null);
    if (g == null) {
      return;
    }
    out.writeDouble(g.acc0Hard());
    out.writeDouble(g.accThetaHard());
    out.writeDouble(g.highActFrac());
    out.writeInt(g.neurons().size());
    for (NeuronStats n : g.neurons()) {
      out.writeInt(n.layer());
      out.writeInt(n.unit());
      out.writeDouble(n.tau());
      out.writeDouble(n.gamma());
      out.writeDouble(n.fireRate0());
      out.writeDouble(n.fireRateTheta());
      double[] byClass = n.fireRateByClassTheta();
      out.writeInt(byClass.length);
      for (double v : byClass) {
        out.writeDouble(v);
      }
    }
  }

  private static CellRun readRun(DataInputStream in) throws IOException {
    double acc0 = in.readDouble();
    double accTheta = in.readDouble();
    Double accVal0 = orNull(in.readDouble());
    Double accValTheta = orNull(in.readDouble());
    long params = in.readLong();
    double trainSeconds = in.readDouble();
    double evalSeconds = in.readDouble();
    int epochCount = count(in);
    List<EpochStats> epochs = new ArrayList<>(epochCount);
    for (int i = 0; i < epochCount; i++) {
      epochs.add(new EpochStats(in.readInt(), in.readDouble(), in.readDouble()));
    }
    GateMetrics gates = null;
    if (in.readBoolean()) {
      double acc0Hard = in.readDouble();
      double accThetaHard = in.readDouble();
      double highActFrac = in.readDouble();
      int count = count(in);
      List<NeuronStats> neurons = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int layer = in.readInt();
        int unit = in.readInt();
        double tau = in.readDouble();
        double gamma = in.readDouble();
        double rate0 = in.readDouble();
        double rateTheta = in.readDouble();
        double[] byClass = new double[count(in)];
        for (int c = 0; c < byClass.length; c++) {
          byClass[c] = in.readDouble();
        }
        neurons.add(new NeuronStats(layer, unit, tau, gamma, rate0, rateTheta, byClass));
      }
      gates = new GateMetrics(acc0Hard, accThetaHard, highActFrac, neurons);
    }
    return new CellRun(
        acc0, accTheta, accVal0, accValTheta, gates, params, trainSeconds, evalSeconds, epochs);
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /**
   * A nullable string of any length (writeUTF stops at 64 KiB, and an error message has no such
   * bound).
   */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  /**
   * A length read back, checked against what the rest of the body can hold (a corrupt one must not
   * allocate GBs).
   */
  private static int count(DataInputStream in) throws IOException {
    return checked(in.readInt(), in);
  }

  private static int checked(int n, DataInputStream in) throws IOException {
    if (n < 0 || n > in.available()) {
      throw new IllegalStateException(
          "cell result holds a length of "
              + n
              + " with "
              + in.available()
              + " bytes left: the result is corrupt");
    }
    return n;
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n == -1) {
      return null;
    }
    checked(n, in);
    byte[] utf8 = new byte[n];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** The serialized form of a {@link CellOutcome}: its task and its body. */
  static final class Wire implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final CellTask task;
    private final byte[] body;

    Wire(CellTask task, byte[] body) {
      this.task = task;
      this.body = body;
    }

    @Serial
    private Object readResolve() {
      return decode(task, body);
    }
  }
}
