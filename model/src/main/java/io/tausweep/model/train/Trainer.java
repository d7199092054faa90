package io.tausweep.model.train;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.engine.WorkArrays;
import io.tausweep.model.rng.Seeds;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Minibatch training of a network on a {@link Split}: the images are reshuffled every epoch from
 * the given seed, the last batch may be short (PyTorch's DataLoader default), and the loss is
 * checked for divergence after every step.
 *
 * <p>Steps run on a {@link TrainingEngine}: the lean engine when it supports the network (every
 * network tausweep builds), which gives the parameters, losses and accuracies of {@code
 * net.fit(DataSet)} to float rounding (the same on every run) at a fraction of its per-step cost;
 * otherwise DL4J's own {@code net.fit}. A network that keeps its first layer's W trains from the
 * split's shared product {@code X W}. Batch arrays are allocated once per batch size and refilled
 * in place.
 */
public final class Trainer {
  private Trainer() {}

  /**
   * Trains {@code net} in place.
   *
   * @return one entry per epoch
   * @throws TrainingDivergedException when a minibatch loss is not finite or above {@code maxLoss}
   */
  public static List<EpochStats> fit(
      MultiLayerNetwork net,
      Split data,
      int epochs,
      int batchSize,
      int evalBatchSize,
      double maxLoss,
      SplittableRandom shuffle) {
    try (TrainingEngine engine = TrainingEngine.of(net);
        Epochs run = new Epochs(engine, data, batchSize, maxLoss)) {
      List<EpochStats> stats = new ArrayList<>(epochs);
      for (int epoch = 0; epoch < epochs; epoch++) {
        double meanLoss = run.epoch(epoch, Seeds.permutation(data.size(), shuffle));
        double trainAcc = engine.accuracy(data, evalBatchSize);
        stats.add(new EpochStats(epoch + 1, meanLoss, trainAcc));
      }
      return stats;
    }
  }

  /**
   * One network's passes over a split, and the batch arrays they reuse. An epoch is a method of its
   * own: the JIT then compiles the batch loop once, on its own, rather than a second time inside
   * the loop over epochs.
   */
  private static final class Epochs implements AutoCloseable {
    private final TrainingEngine engine;
    private final Split data;
    private final int batchSize;
    private final double maxLoss;
    private final int full;
    private final float[] yb;
    // One pair of arrays for full batches and one for the short last batch, if any.
    private final INDArray[] features = new INDArray[2];
    private final INDArray[] labels = new INDArray[2];
    private final INDArray[] products = new INDArray[2];
    // The batch's image and product rows go straight from the split into the batch arrays, one bulk
    // put a row.
    private final FloatBuffer[] featureRows = new FloatBuffer[2];
    private final FloatBuffer[] productRows = new FloatBuffer[2];
    private final float[] product;
    private final int pc;
    private final boolean copyImages;

    Epochs(TrainingEngine engine, Split data, int batchSize, double maxLoss) {
      this.engine = engine;
      this.data = data;
      this.batchSize = batchSize;
      this.maxLoss = maxLoss;
      this.full = Math.min(batchSize, data.size());
      this.yb = new float[full * Mlp.CLASSES];
      // A network that keeps its first layer's W (BitFit, TauGate, LoRA) trains from the split's
      // product X W, computed once (and shared with the other cells of the foundation), not per
      // step.
      this.product = engine.firstLayerProduct(data);
      this.pc = product == null ? 0 : product.length / data.size();
      // From the product, a dense first layer never reads the images themselves: no copy of them
      // per step.
      this.copyImages = product == null || engine.readsInputWithProduct();
    }

    /** Trains one epoch over the split in {@code order}; returns the mean minibatch loss. */
    double epoch(int epoch, int[] order) {
      int n = data.size();
      int f = data.features();
      double lossSum = 0;
      for (int start = 0; start < n; start += batchSize) {
        int b = Math.min(batchSize, n - start);
        int k = b == full ? 0 : 1;
        if (features[k] == null) {
          features[k] = WorkArrays.take(b, f);
          labels[k] = WorkArrays.take(b, Mlp.CLASSES);
          products[k] = product == null ? null : WorkArrays.take(b, pc);
          featureRows[k] = Split.buffer(features[k]);
          productRows[k] = product == null ? null : Split.buffer(products[k]);
        }
        Arrays.fill(yb, 0f);
        for (int i = 0; i < b; i++) {
          int row = order[start + i];
          if (copyImages) {
            featureRows[k].put(i * f, data.x(), row * f, f);
          }
          yb[i * Mlp.CLASSES + data.y()[row]] = 1f;
          if (product != null) {
            productRows[k].put(i * pc, product, row * pc, pc);
          }
        }
        Split.copyInto(yb, 0, b * Mlp.CLASSES, labels[k]);
        double loss = engine.fit(features[k], products[k], labels[k]);
        if (!Double.isFinite(loss) || loss > maxLoss) {
          throw new TrainingDivergedException(
              "diverged: loss "
                  + loss
                  + " at epoch "
                  + (epoch + 1)
                  + ", batch "
                  + (start / batchSize + 1)
                  + (Double.isFinite(loss) ? " > train.max-loss " + maxLoss : "")
                  + " (lower the learning rate)");
        }
        lossSum += loss * b;
      }
      return lossSum / n;
    }

    /**
     * The batch arrays live off the JVM heap: they go back to this thread's {@link WorkArrays} now
     * rather than to some later garbage collection.
     */
    @Override
    public void close() {
      // Arrays handed to DL4J's fit may still be referenced by the network: those are left to the
      // GC.
      if (engine.releasesBatchArrays()) {
        giveAll(features);
        giveAll(labels);
      }
      giveAll(products);
    }

    private static void giveAll(INDArray[] arrays) {
      for (INDArray a : arrays) {
        WorkArrays.give(a);
      }
    }
  }
}
