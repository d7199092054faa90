package io.tausweep.model.train;

import io.tausweep.model.engine.LeanNet;
import io.tausweep.model.engine.WorkArrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Inference-only metrics over a {@link Split} in large batches: accuracy, and for TauGate networks
 * the gate statistics. Batching changes speed only, never the numbers. Forward passes go through
 * {@link LeanNet} where it supports the network (the outputs of {@code net.output} to float
 * rounding, without its per-call overhead), from the first layer's whole-split product ({@link
 * FirstLayerProducts}), else through DL4J.
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
   * As {@link #accuracy(MultiLayerNetwork, Split, int)}, through an executor the caller already
   * has. Batches are views of one ND4J copy of the split ({@link #rows}); the first layer's product
   * comes from {@link FirstLayerProducts} where the network has one.
   */
  public static double accuracy(LeanNet net, Split data, int batchSize) {
    long correct = 0;
    int n = data.size();
    Batches batches = new Batches(net, data, batchSize);
    try {
      for (int start = 0; start < n; start += batchSize) {
        correct += batches.countCorrect(start);
      }
    } finally {
      batches.close();
    }
    return (double) correct / n;
  }

  /**
   * Forgets the first-layer products shared between evaluations in this JVM, so that the next
   * evaluation pays for its own (benchmarks use this to time a cell as the first of its
   * foundation).
   */
  public static void clearSharedProducts() {
    FirstLayerProducts.clear();
  }

  /**
   * Walks a split in batches for one executor: counts correct predictions per batch, from the
   * split's first-layer product when the network has one. Close it to free its work array.
   */
  public static final class Batches implements AutoCloseable {
    private final LeanNet net;
    private final Split data;
    private final int batchSize;
    private final float[] product;
    private final int cols;
    private INDArray xw;

    /**
     * When the network's first-layer product is its own (not shared): the split's packed columns
     * and the matching rows of W, multiplied a batch at a time (the same rows as a whole-split
     * product, without a split-sized array per evaluation, and still in cache for the next layer).
     */
    private Packed packed;

    private LeanNet.FirstLayerRows rowsOfW;

    public Batches(LeanNet net, Split data, int batchSize) {
      this.net = net;
      this.data = data;
      this.batchSize = batchSize;
      this.product = FirstLayerProducts.of(net, data);
      if (product != null) {
        this.cols = product.length / data.size();
      } else if (net.firstLayerWeights().isPresent()) {
        this.cols = (int) net.firstLayerWeights().get().size(1);
        this.packed = packed(data);
        this.rowsOfW = net.firstLayerRows(packed.columns());
      } else {
        this.cols = 0;
      }
    }

    /** Correct predictions among rows {@code start .. start + batchSize} (fewer at the end). */
    public long countCorrect(int start) {
      int b = Math.min(batchSize, data.size() - start);
      INDArray x = rows(data, start, b);
      if (product == null && rowsOfW == null) {
        return net.countCorrect(0, x, data.y(), start);
      }
      if (xw == null || xw.rows() != b) {
        WorkArrays.give(xw);
        xw = WorkArrays.take(b, cols);
      }
      if (rowsOfW != null) {
        net.firstLayerProduct(
            packed.x().get(NDArrayIndex.interval(start, start + b), NDArrayIndex.all()),
            rowsOfW,
            xw);
      } else {
        Split.copyInto(product, start * cols, b * cols, xw);
      }
      return net.countCorrectFromProduct(x, xw, data.y(), start);
    }

    @Override
    public void close() {
      WorkArrays.give(xw);
      xw = null;
      if (rowsOfW != null) {
        rowsOfW.close();
        rowsOfW = null;
      }
    }
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
   * allocating little on the heap, collections came rarely and a 100-cell TauGate sweep grew to 4.5
   * GB resident.
   */
  public static INDArray rows(Split data, int start, int b) {
    return matrix(data).get(NDArrayIndex.interval(start, start + b), NDArrayIndex.all());
  }

  /**
   * The whole split as one ND4J matrix [n, features], made on first use and kept while the split
   * lives.
   */
  static INDArray matrix(Split data) {
    return MATRICES.computeIfAbsent(
        data.x(),
        x -> {
          INDArray m = Split.matrix(data.size(), data.features());
          Split.copyInto(x, 0, x.length, m);
          return m;
        });
  }

  /** One ND4J matrix per split array (weak keys: arrays compare by identity). */
  private static final Map<float[], INDArray> MATRICES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * A split's columns that are non-zero in some image, packed into one ND4J matrix [n,
   * columns.length]: what {@link LeanNet#firstLayerProduct(INDArray, int[], INDArray)} multiplies
   * (the blank columns add nothing).
   */
  record Packed(INDArray x, int[] columns) {}

  /** The split's {@link Packed} columns, made on first use and kept while the split lives. */
  static Packed packed(Split data) {
    return PACKED.computeIfAbsent(data.x(), x -> pack(data));
  }

  private static Packed pack(Split data) {
    int n = data.size();
    int f = data.features();
    float[] x = data.x();
    int[] columns = data.nonBlankColumns();
    if (columns.length == 0) {
      columns =
          new int[] {0}; // a blank split: one zero column keeps the product well-formed (and zero)
    }
    if (columns.length == f) {
      return new Packed(matrix(data), columns);
    }
    int c = columns.length;
    float[] packed = new float[n * c];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < c; k++) {
        packed[i * c + k] = x[i * f + columns[k]];
      }
    }
    INDArray m = Split.matrix(n, c);
    Split.copyInto(packed, 0, packed.length, m);
    return new Packed(m, columns);
  }

  private static final Map<float[], Packed> PACKED =
      Collections.synchronizedMap(new WeakHashMap<>());
}
