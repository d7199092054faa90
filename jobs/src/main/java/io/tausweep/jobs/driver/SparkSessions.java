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
  private static final org.apache.logging.log4j.Logger LOG =
      org.apache.logging.log4j.LogManager.getLogger(SparkSessions.class);

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

  /**
   * The session of one command, and whether the command stops it when done ({@link #close}).
   *
   * @param owned whether the command started the context (and stops it), or borrowed one already
   *     running in this JVM
   */
  public record Scoped(SparkSession session, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        session.stop();
      }
    }
  }

  /**
   * The session of a command with settings {@code conf}. In a JVM that already runs a Spark context
   * (a notebook, spark-shell, a test class sharing one session) the command takes a new session of
   * that context, with its own temporary views and SQL settings, and leaves the context running;
   * otherwise it starts one, stopped on {@link Scoped#close}.
   *
   * @param requested the settings the user gave ({@code --master}, {@code --conf}, a properties
   *     file): each must be one a running context can take (a SQL setting) or already have
   * @throws UsageException naming a requested setting the running context has otherwise
   */
  public static Scoped open(SparkConf conf, Map<String, String> requested) {
    scala.Option<SparkSession> running = SparkSession.getDefaultSession();
    if (running.isEmpty() || running.get().sparkContext().isStopped()) {
      return new Scoped(create(conf), true);
    }
    SparkSession shared = running.get();
    SparkSession session = shared.newSession();
    SparkConf context = shared.sparkContext().getConf();
    for (Map.Entry<String, String> e : requested.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (key.startsWith(TAUSWEEP_PREFIX) || session.conf().isModifiable(key)) {
        session.conf().set(key, value);
      } else if (!value.equals(context.get(key, null))) {
        throw new UsageException(
            "Invalid "
                + ("spark.master".equals(key) ? "--master " + value : "--conf " + key + "=" + value)
                + " (the Spark context already running in this JVM has "
                + key
                + "="
                + context.get(key, "<unset>")
                + ", which cannot change while it runs: stop that context, or run the command in a"
                + " JVM of its own)");
      }
    }
    return new Scoped(session, false);
  }

  /** The prefix of tausweep's own settings: read by the commands (a session's), never by Spark. */
  public static final String TAUSWEEP_PREFIX = "spark.tausweep.";

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
    // The views' plans have many columns; a longer limit keeps Spark from warning on the console.
    conf.setIfMissing("spark.sql.debug.maxToStringFields", "200");
    settings.forEach(conf::set);
    if (conf.get("spark.master").startsWith("local")
        && conf.getBoolean("spark.speculation", false)) {
      LOG.warn(
          "spark.speculation=true has no effect on master {}: Spark speculates only on a cluster",
          conf.get("spark.master"));
    }
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
