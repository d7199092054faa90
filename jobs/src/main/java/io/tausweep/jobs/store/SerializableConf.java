package io.tausweep.jobs.store;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * A Hadoop configuration that travels to executors (in a broadcast, once per executor), so that
 * they open files with the driver's {@code spark.hadoop.*} settings (credentials, endpoints) rather
 * than a bare {@code new Configuration()}.
 */
public final class SerializableConf implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private transient Configuration conf;

  public SerializableConf(Configuration conf) {
    this.conf = conf;
  }

  public Configuration get() {
    return conf;
  }

  /**
   * The Hadoop configuration a SparkContext of these settings would have: Hadoop's defaults and
   * site files, then every {@code spark.hadoop.*} setting with its prefix stripped. Built without
   * starting Spark, so that the output can be checked before anything is created.
   */
  public static Configuration fromSpark(SparkConf spark) {
    Configuration c = new Configuration();
    for (Tuple2<String, String> kv : spark.getAll()) {
      if (kv._1().startsWith("spark.hadoop.")) {
        c.set(kv._1().substring("spark.hadoop.".length()), kv._2());
      }
    }
    return c;
  }

  /** As {@link #fromSpark(SparkConf)}, from plain settings. */
  public static Configuration fromSpark(Map<String, String> settings) {
    SparkConf sc = new SparkConf(true);
    settings.forEach(sc::set);
    return fromSpark(sc);
  }

  @Serial
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    conf.write(out);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    conf = new Configuration(false);
    conf.readFields(in);
  }
}
