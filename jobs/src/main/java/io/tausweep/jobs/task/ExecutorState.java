package io.tausweep.jobs.task;

import io.tausweep.jobs.store.FoundationStore;
import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.sweep.Experiment;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.SplitCache;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Per-executor-JVM state shared by all tasks: the rotated data splits (built from the MNIST
 * broadcast, which Spark deserialises once per executor) and recently used foundations (as bytes,
 * and restored). Lives in statics because an executor JVM outlives every task it runs.
 */
final class ExecutorState {
  private static final int MAX_FOUNDATIONS = 64;

  /** Split caches by budget, the most recently used few (a sweep over budgets makes several). */
  /** The split store of each MNIST broadcast, shared by its budgets' caches. */
  private static final Map<Long, Map<String, Split>> STORES = new java.util.HashMap<>();

  private static final Map<String, SplitCache> SPLITS =
      new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SplitCache> eldest) {
          return size() > 4;
        }
      };

  private static final Map<String, byte[]> FOUNDATIONS =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > MAX_FOUNDATIONS;
        }
      };

  private static final int MAX_NETWORKS = 16;

  /**
   * Restored foundations, shared read-only by the tasks of this JVM (restoring one costs tens of
   * ms).
   */
  private static final Map<String, MultiLayerNetwork> NETWORKS =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MultiLayerNetwork> eldest) {
          return size() > MAX_NETWORKS;
        }
      };

  private ExecutorState() {}

  /**
   * A foundation restored once per JVM and then shared: callers only read it (methods copy its
   * parameters into the network they prepare), under the network's own lock.
   */
  static MultiLayerNetwork foundationNetwork(String id, FoundationStore file) throws IOException {
    synchronized (NETWORKS) {
      MultiLayerNetwork net = NETWORKS.get(id);
      if (net != null) {
        return net;
      }
    }
    MultiLayerNetwork net = Experiment.fromBytes(foundation(id, file));
    synchronized (NETWORKS) {
      MultiLayerNetwork raced = NETWORKS.putIfAbsent(id, net);
      return raced != null ? raced : net;
    }
  }

  /**
   * The split cache for this MNIST broadcast, budget and validation image count, created on first
   * use in this JVM.
   */
  static SplitCache splits(Broadcast<Mnist> mnist, Budget budget, int validationImages) {
    String key = mnist.id() + "/" + budget + "/" + validationImages;
    synchronized (SPLITS) {
      // The caches of one broadcast share their store: budgets differ in training subsets only.
      Map<String, Split> store = STORES.computeIfAbsent(mnist.id(), id -> SplitCache.newStore());
      return SPLITS.computeIfAbsent(
          key, k -> new SplitCache(mnist.value(), budget, validationImages, store));
    }
  }

  /** The bytes of a saved foundation, read once per JVM. */
  static byte[] foundation(String id, FoundationStore file) throws IOException {
    synchronized (FOUNDATIONS) {
      byte[] b = FOUNDATIONS.get(id);
      if (b != null) {
        return b;
      }
    }
    byte[] bytes = file.load(id);
    synchronized (FOUNDATIONS) {
      FOUNDATIONS.put(id, bytes);
    }
    return bytes;
  }

  /** Remembers a foundation trained in this JVM, so its cells need not read it back. */
  static void rememberFoundation(String id, byte[] bytes) {
    synchronized (FOUNDATIONS) {
      FOUNDATIONS.put(id, bytes);
    }
  }
}
