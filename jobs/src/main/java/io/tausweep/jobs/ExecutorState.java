package io.tausweep.jobs;

import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.train.Experiment;
import io.tausweep.model.train.SplitCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Per-executor-JVM state shared by all tasks: the rotated data splits (built from the MNIST
 * broadcast, which Spark deserialises once per executor) and recently used foundations (as
 * bytes, and restored). Lives
 * in statics because an executor JVM outlives every task it runs.
 */
final class ExecutorState {
  private static final int MAX_FOUNDATIONS = 64;
  private static final Map<String, SplitCache> SPLITS = new LinkedHashMap<>();
  private static final Map<String, byte[]> FOUNDATIONS = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
      return size() > MAX_FOUNDATIONS;
    }
  };

  private static final int MAX_NETWORKS = 16;
  /** Restored foundations, shared read-only by the tasks of this JVM (restoring one costs tens of ms). */
  private static final Map<String, MultiLayerNetwork> NETWORKS = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, MultiLayerNetwork> eldest) {
      return size() > MAX_NETWORKS;
    }
  };

  private ExecutorState() {}

  /**
   * A foundation restored once per JVM and then shared: callers only read it (methods copy its parameters into the
   * network they prepare), under the network's own lock.
   */
  static MultiLayerNetwork foundationNetwork(String id, String file) throws IOException {
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

  /** The split cache for this MNIST broadcast and budget, created on first use in this JVM. */
  static SplitCache splits(Broadcast<Mnist> mnist, Budget budget) {
    String key = mnist.id() + "/" + budget;
    synchronized (SPLITS) {
      return SPLITS.computeIfAbsent(key, k -> new SplitCache(mnist.value(), budget));
    }
  }

  /** The bytes of a saved foundation, read once per JVM. */
  static byte[] foundation(String id, String file) throws IOException {
    synchronized (FOUNDATIONS) {
      byte[] b = FOUNDATIONS.get(id);
      if (b != null) {
        return b;
      }
    }
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(new Configuration());
    byte[] bytes;
    try (InputStream in = fs.open(p); ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20)) {
      in.transferTo(out);
      bytes = out.toByteArray();
    }
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

  /** Whether a file exists (any Hadoop filesystem). */
  static boolean exists(String file) throws IOException {
    Path p = new Path(file);
    return p.getFileSystem(new Configuration()).exists(p);
  }

  /**
   * Writes bytes to {@code file} atomically: to a unique temporary name beside it, then a
   * rename. A concurrent or speculative writer of the same content is harmless.
   *
   * @throws WriteFailedException when the bytes cannot be written (a full or read-only disk: Hadoop's local file
   *     system reports those as an {@code FSError}, an Error); the temporary file is removed
   */
  static void writeAtomically(String file, byte[] bytes) throws IOException {
    Path target = new Path(file);
    FileSystem fs = target.getFileSystem(new Configuration());
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + java.util.UUID.randomUUID());
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(bytes);
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      try {
        fs.delete(tmp, false);
      } catch (IOException | org.apache.hadoop.fs.FSError suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new WriteFailedException("Cannot write " + target + ": " + (cause.getMessage() == null
          ? cause.getClass().getSimpleName() : cause.getMessage()), e);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      if (!fs.exists(target)) {
        throw new IOException("Cannot rename " + tmp + " to " + target);
      }
    }
  }

  /** A file of the output directory could not be written: the sweep cannot go on until the user frees space. */
  static final class WriteFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
