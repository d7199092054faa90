package io.tausweep.model.train;

import io.tausweep.model.nn.LeanNet;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Inference-only metrics over a {@link Split} in large batches: accuracy, and for TauGate
 * networks the gate statistics. Batching changes speed only, never the numbers. Forward passes go
 * through {@link LeanNet} where it supports the network (the same outputs as {@code net.output},
 * without its per-call overhead), else through DL4J.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Fraction of images whose arg-max output equals the label. */
  public static double accuracy(MultiLayerNetwork net, Split data, int batchSize) {
    Optional<LeanNet> lean = LeanNet.compile(net);
    if (lean.isPresent()) {
      try (LeanNet executor = lean.get()) {
        return accuracy(executor, data, batchSize);
      }
    }
    long correct = 0;
    int n = data.size();
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      correct += correct(net.output(rows(data, start, b), false), data, start, b);
    }
    return (double) correct / n;
  }

  /**
   * As {@link #accuracy(MultiLayerNetwork, Split, int)}, through an executor the caller already has. Batches are
   * views of one ND4J copy of the split ({@link #rows}): nothing is copied per batch.
   */
  public static double accuracy(LeanNet net, Split data, int batchSize) {
    long correct = 0;
    int n = data.size();
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      correct += net.countCorrect(0, rows(data, start, b), data.y(), start);
    }
    return (double) correct / n;
  }

  private static long correct(INDArray out, Split data, int start, int b) {
    int[] pred = out.argMax(1).toIntVector();
    long correct = 0;
    for (int i = 0; i < b; i++) {
      if (pred[i] == data.y()[start + i]) {
        correct++;
      }
    }
    return correct;
  }

  /**
   * Rows {@code start .. start+b} of the split as a float matrix: a view of one ND4J copy of the
   * whole split, made on first use and kept while the split's array lives. A fresh array per call
   * (2,000 x 784 floats) lived off the JVM heap until some garbage collection: with LeanNet
   * allocating little on the heap, collections came rarely and a 100-cell TauGate sweep grew to
   * 4.5 GB resident.
   */
  public static INDArray rows(Split data, int start, int b) {
    INDArray all = MATRICES.computeIfAbsent(data.x(), x -> {
      INDArray m = Split.matrix(data.size(), data.features());
      Split.copyInto(x, 0, x.length, m);
      return m;
    });
    return all.get(NDArrayIndex.interval(start, start + b), NDArrayIndex.all());
  }

  /** One ND4J matrix per split array (weak keys: arrays compare by identity). */
  private static final Map<float[], INDArray> MATRICES = Collections.synchronizedMap(new WeakHashMap<>());
}
