package io.tausweep.model.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatch training of a network on a {@link Split}: the images are reshuffled every epoch
 * from the given seed, the last batch may be short (PyTorch's DataLoader default), and the
 * loss is checked for divergence after every step.
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
    int n = data.size();
    int f = data.features();
    List<EpochStats> stats = new ArrayList<>(epochs);
    float[] xb = new float[Math.min(batchSize, n) * f];
    float[] yb = new float[Math.min(batchSize, n) * Mlp.CLASSES];
    for (int epoch = 0; epoch < epochs; epoch++) {
      int[] order = Seeds.permutation(n, shuffle);
      double lossSum = 0;
      for (int start = 0; start < n; start += batchSize) {
        int b = Math.min(batchSize, n - start);
        java.util.Arrays.fill(yb, 0f);
        for (int i = 0; i < b; i++) {
          int row = order[start + i];
          System.arraycopy(data.x(), row * f, xb, i * f, f);
          yb[i * Mlp.CLASSES + data.y()[row]] = 1f;
        }
        INDArray features = b == xb.length / f ? Nd4j.create(xb, new long[] {b, f}, DataType.FLOAT)
            : Nd4j.create(java.util.Arrays.copyOf(xb, b * f), new long[] {b, f}, DataType.FLOAT);
        INDArray labels = Nd4j.create(java.util.Arrays.copyOf(yb, b * Mlp.CLASSES), new long[] {b, Mlp.CLASSES},
            DataType.FLOAT);
        net.fit(new DataSet(features, labels));
        double loss = net.score();
        if (!Double.isFinite(loss) || loss > maxLoss) {
          throw new TrainingDivergedException("diverged: loss " + loss + " at epoch " + (epoch + 1)
              + ", batch " + (start / batchSize + 1) + (Double.isFinite(loss) ? " > train.max-loss " + maxLoss : "")
              + " (lower the learning rate)");
        }
        lossSum += loss * b;
      }
      double trainAcc = Evaluator.accuracy(net, data, evalBatchSize);
      stats.add(new EpochStats(epoch + 1, lossSum / n, trainAcc));
    }
    return stats;
  }
}
