package io.tausweep.model.train;

import io.tausweep.model.nn.LeanNet;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Minibatch training of a network on a {@link Split}: the images are reshuffled every epoch
 * from the given seed, the last batch may be short (PyTorch's DataLoader default), and the
 * loss is checked for divergence after every step.
 *
 * <p>Steps run through {@link LeanNet} when it supports the network (every network tausweep
 * builds), which gives the parameters, losses and accuracies of {@code net.fit(DataSet)} to float
 * rounding (the same on every run) at a fraction of its per-step cost; otherwise through
 * {@code net.fit}. A network that keeps its first layer's W trains from the split's shared product
 * {@code X W}. Batch arrays are allocated once per batch size and refilled in place.
 */
public final class Trainer {
  private Trainer() {}

  /**
   * Trains {@code net} in place.
   *
   * @return one entry per epoch
   * @throws TrainingDivergedException when a minibatch loss is not finite or above {@code maxLoss}
   */
  public static List<EpochStats> fit(MultiLayerNetwork net, Split data, int epochs, int batchSize,
      int evalBatchSize, double maxLoss, SplittableRandom shuffle) {
    LeanNet lean = LeanNet.compile(net).orElse(null);
    try {
      return fit(net, lean, data, epochs, batchSize, evalBatchSize, maxLoss, shuffle);
    } finally {
      if (lean != null) {
        lean.close();
      }
    }
  }

  private static List<EpochStats> fit(MultiLayerNetwork net, LeanNet lean, Split data, int epochs, int batchSize,
      int evalBatchSize, double maxLoss, SplittableRandom shuffle) {
    int n = data.size();
    int f = data.features();
    int full = Math.min(batchSize, n);
    List<EpochStats> stats = new ArrayList<>(epochs);
    float[] yb = new float[full * Mlp.CLASSES];
    // One pair of arrays for full batches and one for the short last batch, if any.
    INDArray[] features = new INDArray[2];
    INDArray[] labels = new INDArray[2];
    // The batch's image and product rows go straight from the split into the batch arrays, one bulk put a row.
    FloatBuffer[] featureRows = new FloatBuffer[2];
    FloatBuffer[] productRows = new FloatBuffer[2];
    // A network that keeps its first layer's W (BitFit, TauGate, LoRA) trains from the split's product X W,
    // computed once (and shared with the other cells of the foundation), not per step.
    float[] product = lean != null && lean.firstLayerWeights().isPresent() && !lean.trainsFirstLayerWeights()
        ? FirstLayerProducts.of(lean, data) : null;
    int pc = product == null ? 0 : product.length / n;
    // From the product, a dense first layer never reads the images themselves: no copy of them per step.
    boolean copyImages = product == null || lean.readsInputWithProduct();
    INDArray[] products = new INDArray[2];
    for (int epoch = 0; epoch < epochs; epoch++) {
      int[] order = Seeds.permutation(n, shuffle);
      double lossSum = 0;
      for (int start = 0; start < n; start += batchSize) {
        int b = Math.min(batchSize, n - start);
        int k = b == full ? 0 : 1;
        if (features[k] == null) {
          features[k] = Split.matrix(b, f);
          labels[k] = Split.matrix(b, Mlp.CLASSES);
          products[k] = product == null ? null : Split.matrix(b, pc);
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
        double loss;
        if (lean != null) {
          loss = lean.fit(features[k], products[k], labels[k]);
        } else {
          net.fit(new DataSet(features[k], labels[k]));
          loss = net.score();
        }
        if (!Double.isFinite(loss) || loss > maxLoss) {
          throw new TrainingDivergedException("diverged: loss " + loss + " at epoch " + (epoch + 1)
              + ", batch " + (start / batchSize + 1) + (Double.isFinite(loss) ? " > train.max-loss " + maxLoss : "")
              + " (lower the learning rate)");
        }
        lossSum += loss * b;
      }
      double trainAcc = lean != null ? Evaluator.accuracy(lean, data, evalBatchSize)
          : Evaluator.accuracy(net, data, evalBatchSize);
      stats.add(new EpochStats(epoch + 1, lossSum / n, trainAcc));
    }
    // The batch arrays live off the JVM heap: free them now rather than at some later garbage collection.
    for (INDArray a : features) {
      if (a != null && lean != null) {
        a.close();
      }
    }
    for (INDArray a : labels) {
      if (a != null && lean != null) {
        a.close();
      }
    }
    for (INDArray a : products) {
      if (a != null) {
        a.close();
      }
    }
    return stats;
  }
}
