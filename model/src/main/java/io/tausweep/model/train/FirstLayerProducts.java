package io.tausweep.model.train;

import io.tausweep.model.engine.LeanNet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The first layer's product {@code X W} over a whole split, for evaluation. It is most of an
 * evaluation pass's arithmetic (784 x 128 of the MLP's 118k weights), and every cell of a
 * foundation except Full FT keeps the foundation's W: the product is computed once per JVM and
 * (split, W) and shared, on the JVM heap (a few MB each, the most recent {@value #CAPACITY} kept).
 * Evaluation always goes through a whole-split product, cached or not, so its numbers do not depend
 * on which cell ran first.
 */
final class FirstLayerProducts {
  static final int CAPACITY = 16;

  private record Entry(float[] split, LeanNet.StoredMatrix weights, float[] product) {}

  /** Most recently used first. */
  private static final Deque<Entry> ENTRIES = new ArrayDeque<>();

  private FirstLayerProducts() {}

  /** Forgets every product (benchmarks measure a cell without its predecessors' products). */
  static void clear() {
    synchronized (ENTRIES) {
      ENTRIES.clear();
    }
  }

  /**
   * {@code X W} for the split's images and the network's first-layer W, [n x nOut] row-major,
   * shared; null when the network's first layer has no such product or its W is its own ({@link
   * #shareable}).
   */
  static float[] of(LeanNet net, Split data) {
    INDArray w = net.firstLayerWeights().orElse(null);
    if (w == null || !shareable(net)) {
      return null;
    }
    LeanNet.StoredMatrix weights = net.firstLayerWeightsAsStored().orElseThrow();
    synchronized (ENTRIES) {
      for (Iterator<Entry> it = ENTRIES.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.split() == data.x() && e.weights().sameAs(weights)) {
          it.remove();
          ENTRIES.addFirst(e);
          return e.product();
        }
      }
    }
    int n = data.size();
    int cols = (int) w.size(1);
    float[] product = new float[n * cols];
    INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, 'c', n, cols);
    try {
      Evaluator.Packed p = Evaluator.packed(data);
      net.firstLayerProduct(p.x(), p.columns(), out);
      out.data().asNioFloat().get((int) out.offset(), product, 0, product.length);
    } finally {
      out.close();
    }
    synchronized (ENTRIES) {
      ENTRIES.addFirst(new Entry(data.x(), weights, product));
      while (ENTRIES.size() > CAPACITY) {
        ENTRIES.removeLast();
      }
    }
    return product;
  }

  /**
   * Whether the network's first-layer W can be one that other cells share: not one it trains itself
   * (Full FT, a foundation, and the Frozen method's copy of one, whose W is the foundation's but
   * whose configuration would train it). Those evaluate from a product of their own ({@link
   * Evaluator.Batches}).
   */
  static boolean shareable(LeanNet net) {
    return net.firstLayerWeights().isPresent()
        && (!net.trainsFirstLayerWeights() || net.network().getIterationCount() == 0);
  }
}
