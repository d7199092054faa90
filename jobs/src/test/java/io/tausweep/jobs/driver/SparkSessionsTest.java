package io.tausweep.jobs.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A command starts its own context, or borrows the one running in the JVM without stopping it. */
class SparkSessionsTest {
  private static final Map<String, String> NO_UI = Map.of("spark.ui.enabled", "false");

  @Test
  void aCommandAloneStartsAndStopsItsContext() {
    SparkConf conf = SparkSessions.conf("alone", "local[1]", NO_UI);
    SparkSession session;
    try (SparkSessions.Scoped s = SparkSessions.open(conf, NO_UI)) {
      assertThat(s.owned()).isTrue();
      session = s.session();
      assertThat(session.sparkContext().master()).isEqualTo("local[1]");
    }
    assertThat(session.sparkContext().isStopped()).isTrue();
  }

  @Test
  void aCommandBorrowsTheRunningContextInASessionOfItsOwn() {
    SparkSession running = SparkSessions.create("running", "local[2]", NO_UI);
    try {
      running.sql("SELECT 1 AS x").createOrReplaceTempView("mine");
      Map<String, String> requested =
          Map.of(
              "spark.master", "local[2]",
              "spark.ui.enabled", "false",
              "spark.sql.shuffle.partitions", "3",
              "spark.tausweep.inject.fail-once", "abc");
      SparkConf conf = SparkSessions.conf("command", "local[2]", requested);
      try (SparkSessions.Scoped s = SparkSessions.open(conf, requested)) {
        assertThat(s.owned()).isFalse();
        assertThat(s.session().sparkContext()).isSameAs(running.sparkContext());
        // Its SQL settings and temporary views are its own.
        assertThat(s.session().conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");
        assertThat(s.session().conf().get("spark.tausweep.inject.fail-once")).isEqualTo("abc");
        assertThat(s.session().catalog().tableExists("mine")).isFalse();
      }
      assertThat(running.sparkContext().isStopped()).isFalse();
      assertThat(running.conf().get("spark.sql.shuffle.partitions")).isEqualTo("8");
      assertThat(running.catalog().tableExists("mine")).isTrue();
    } finally {
      running.stop();
    }
  }

  @Test
  void aSettingTheRunningContextCannotTakeIsRefusedNamingIt() {
    SparkSession running = SparkSessions.create("running", "local[2]", NO_UI);
    try {
      Map<String, String> master = Map.of("spark.master", "local[1]");
      assertThatThrownBy(
              () -> SparkSessions.open(SparkSessions.conf("c", "local[1]", Map.of()), master))
          .isInstanceOf(UsageException.class)
          .hasMessage(
              "Invalid --master local[1] (the Spark context already running in this JVM has"
                  + " spark.master=local[2], which cannot change while it runs: stop that context,"
                  + " or run the command in a JVM of its own)");
      Map<String, String> executor = Map.of("spark.executor.memory", "2g");
      assertThatThrownBy(
              () -> SparkSessions.open(SparkSessions.conf("c", null, executor), executor))
          .isInstanceOf(UsageException.class)
          .hasMessageStartingWith("Invalid --conf spark.executor.memory=2g (")
          .hasMessageContaining("has spark.executor.memory=<unset>");
      assertThat(running.sparkContext().isStopped()).isFalse();
    } finally {
      running.stop();
    }
  }
}
