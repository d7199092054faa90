package io.tausweep.analysis;

import org.apache.spark.sql.SparkSession;

/**
 * The tests' one local SparkSession, bound to loopback with the UI off (the settings of the jobs
 * module's SparkSessions, which analysis cannot depend on). Shared by every test class in the JVM.
 */
final class TestSpark {
  private TestSpark() {}

  static synchronized SparkSession get() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("tausweep-analysis-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }
}
