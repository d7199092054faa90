package io.tausweep.jobs.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Checks, before any training, that executors see the output directory the driver writes: the
 * driver writes a token under {@code --out} and one task reads it back. A local {@code --out} on a
 * cluster whose nodes share no disk fails here, at once, instead of in every cell.
 */
public final class Preflight {
  private Preflight() {}

  /**
   * Runs the check unless the master is {@code local} (executors are the driver's own JVM there).
   *
   * @throws StoreException when a task cannot read the token, naming the directory and the fix
   */
  public static void check(
      JavaSparkContext jsc, SweepStore store, Broadcast<SerializableConf> conf) {
    String master = jsc.getConf().get("spark.master", "local");
    if (master.equals("local") || master.startsWith("local[")) {
      return;
    }
    String token = UUID.randomUUID().toString();
    String uri = store.writeToken(token);
    try {
      jsc.setJobDescription("tausweep: can executors see --out?");
      List<String> seen = jsc.parallelize(List.of(uri), 1).map(u -> read(u, conf)).collect();
      if (!seen.equals(List.of(token))) {
        throw new IllegalStateException("read back " + seen);
      }
    } catch (Exception e) {
      // A failed task reaches the driver as a SparkException (undeclared, hence Exception), its
      // cause as text.
      String why = rootMessage(e);
      throw new StoreException(
          "Executors cannot see --out "
              + store.display()
              + " ("
              + why
              + "): on a cluster whose"
              + " nodes share no disk, give a shared file system URI such as hdfs://NAMENODE:PORT/DIR or s3a://BUCKET/DIR",
          e);
    } finally {
      jsc.setJobDescription(null);
      store.deleteToken(uri);
    }
  }

  private static String read(String uri, Broadcast<SerializableConf> conf) throws IOException {
    Path p = new Path(uri);
    try {
      return new String(Fs.readAll(Fs.of(p, conf.value().get()), p), StandardCharsets.UTF_8);
    } catch (java.io.FileNotFoundException e) {
      throw new java.io.FileNotFoundException(
          "the token "
              + uri
              + " the driver wrote is not there on executor host "
              + java.net.InetAddress.getLocalHost().getHostName());
    }
  }

  private static String rootMessage(Throwable e) {
    String best = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("token")) {
        best = t.getMessage();
      }
    }
    if (best == null) {
      return e.getClass().getSimpleName();
    }
    int at = best.indexOf("java.io.FileNotFoundException: ");
    String s = at >= 0 ? best.substring(at + "java.io.FileNotFoundException: ".length()) : best;
    return s.lines().findFirst().orElse(s);
  }
}
