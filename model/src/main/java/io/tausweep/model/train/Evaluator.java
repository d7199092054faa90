package io.tausweep.model.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference-only metrics over a {@link Split} in large batches: accuracy, and for TauGate
 * networks the gate statistics. Batching changes speed only, never the numbers.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Fraction of images whose arg-max output equals the label. */
  public static double accuracy(MultiLayerNetwork net, Split data, int batchSize) {
    long correct = 0;
    int n = data.size();
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      INDArray out = net.output(rows(data, start, b), false);
      int[] pred = out.argMax(1).toIntVector();
      for (int i = 0; i < b; i++) {
        if (pred[i] == data.y()[start + i]) {
          correct++;
        }
      }
    }
    return (double) correct / n;
  }

  /** Rows {@code start .. start+b} of the split as a float matrix. */
  public static INDArray rows(Split data, int start, int b) {
    int f = data.features();
    float[] x = java.util.Arrays.copyOfRange(data.x(), start * f, (start + b) * f);
    return Nd4j.create(x, new long[] {b, f}, DataType.FLOAT);
  }
}
