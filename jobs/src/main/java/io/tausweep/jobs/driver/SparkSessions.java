package io.tausweep.jobs.driver;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a tausweep command. In local mode everything (driver, block manager,
 * UI) binds to 127.0.0.1 unless the user says otherwise; on a cluster the master URL and addresses
 * come from spark-submit or {@code --master}/{@code --conf}.
 */
public final class SparkSessions {
  /** Default master when neither {@code --master} nor spark-submit gives one. */
  public static final String DEFAULT_MASTER = "local[*]";

  /**
   * Where Spark's standalone workers hand the authentication secret to the processes they launch.
   */
  static final String AUTH_SECRET_ENV = "_SPARK_AUTH_SECRET";

  private SparkSessions() {}

  /**
   * A session for {@code app}.
   *
   * @param master master URL, or null to take spark-submit's (or {@link #DEFAULT_MASTER})
   * @param settings Spark settings from {@code --conf}, applied last
   */
  public static SparkSession create(String app, String master, Map<String, String> settings) {
    return create(conf(app, master, settings));
  }

  /** A session of {@code conf} (as built by {@link #conf}). */
  public static SparkSession create(SparkConf conf) {
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The settings a session for {@code app} gets: see {@link #create(String, String, Map)}. */
  public static SparkConf conf(String app, String master, Map<String, String> settings) {
    SparkConf conf = new SparkConf(true);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster(DEFAULT_MASTER);
    }
    conf.setAppName(app);
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    // One ND4J/OpenMP thread per task, so N executor cores train N cells at once.
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    settings.forEach(conf::set);
    // A driver that a standalone worker launched (cluster deploy mode) gets the cluster's secret in
    // its environment, as executors do, never on a command line; SparkContext wants it in the conf.
    String secret = System.getenv(AUTH_SECRET_ENV);
    if (conf.getBoolean("spark.authenticate", false)
        && !conf.contains("spark.authenticate.secret")
        && secret != null
        && !secret.isEmpty()) {
      conf.set("spark.authenticate.secret", secret);
    }
    return conf;
  }

  /** Parses repeated {@code key=value} options. */
  public static Map<String, String> parseSettings(java.util.List<String> pairs) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(
            "Invalid --conf: " + p + " (expected key=value, e.g. --conf spark.executor.memory=2g)");
      }
      out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return out;
  }
}
