package io.tausweep.model.sweep;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.config.Budget;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Evaluation;
import io.tausweep.model.rng.Seeds;
import io.tausweep.model.train.EpochStats;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.SplitCache;
import io.tausweep.model.train.Trainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The paper's experiment for one grid cell: pretrain a foundation on a 50/50 mix of 0-deg and
 * rotated images, then specialise it to the rotated mode with one method and evaluate both modes.
 * Pure DL4J; the Spark job calls these two steps inside its tasks.
 */
public final class Experiment {
  private Experiment() {}

  /** Trains the foundation of (seed, angle). */
  public static FoundationRun trainFoundation(SplitCache data, long seed, double angleDeg) {
    Budget b = data.budget();
    return trainFoundation(b, data.foundation(seed, angleDeg), foundationNetwork(b, seed), seed);
  }

  /**
   * The foundation's network before training: initialised from the seed, Adam at the foundation's
   * rate.
   */
  public static MultiLayerNetwork foundationNetwork(Budget b, long seed) {
    Adam adam = new Adam(b.foundationLearningRate());
    return Mlp.initialised(seed, adam, adam);
  }

  /**
   * As {@link #trainFoundation(SplitCache, long, double)}, from its images and {@link
   * #foundationNetwork} made beforehand (benchmarks time the training alone).
   */
  public static FoundationRun trainFoundation(
      Budget b, Split train, MultiLayerNetwork net, long seed) {
    long t0 = System.nanoTime();
    List<EpochStats> epochs =
        Trainer.fit(
            net,
            train,
            b.foundationEpochs(),
            b.foundationBatchSize(),
            b.evalBatchSize(),
            b.maxLoss(),
            Seeds.stream(seed, "shuffle/foundation"));
    return new FoundationRun(net, epochs, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Specialises a copy of {@code foundation} with {@code method} and evaluates it. The foundation
   * is only read (under its own lock), so concurrent cells may share one.
   */
  public static CellRun runCell(
      SplitCache data,
      MultiLayerNetwork foundation,
      AdaptationMethod method,
      long seed,
      double angleDeg,
      Double lambda) {
    Budget b = data.budget();
    MultiLayerNetwork net;
    synchronized (foundation) {
      net = method.prepare(foundation, lambda, seed);
    }
    long t0 = System.nanoTime();
    List<EpochStats> epochs = List.of();
    if (method.trains()) {
      epochs =
          Trainer.fit(
              net,
              data.specialize(seed, angleDeg),
              b.specializeEpochs(),
              b.specializeBatchSize(),
              b.evalBatchSize(),
              b.maxLoss(),
              Seeds.stream(seed, "shuffle/specialize"));
    }
    long t1 = System.nanoTime();
    Split test0 = data.test(0.0);
    Split testTheta = data.test(angleDeg);
    Evaluation e = method.evaluate(net, test0, testTheta, b.evalBatchSize());
    Split val0 = data.validation(seed, 0.0);
    Split valTheta = data.validation(seed, angleDeg);
    Double accVal0 = val0 == null ? null : Evaluator.accuracy(net, val0, b.evalBatchSize());
    Double accValTheta =
        valTheta == null ? null : Evaluator.accuracy(net, valTheta, b.evalBatchSize());
    long t2 = System.nanoTime();
    return new CellRun(
        e.acc0(),
        e.accTheta(),
        accVal0,
        accValTheta,
        e.gates(),
        method.trainableParams(net),
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        epochs);
  }

  /** A network as bytes (DL4J's zip format, without updater state). */
  public static byte[] toBytes(MultiLayerNetwork net) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try {
      ModelSerializer.writeModel(net, bytes, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The network written by {@link #toBytes}. */
  public static MultiLayerNetwork fromBytes(byte[] model) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
