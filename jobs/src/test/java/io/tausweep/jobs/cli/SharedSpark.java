package io.tausweep.jobs.cli;

import io.tausweep.jobs.driver.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Spark context for a test class ({@code @ExtendWith(SharedSpark.class)}): the CLI calls of its
 * tests borrow it, each in a session of its own ({@link SparkSessions#open}), instead of starting
 * and stopping a context per call. Their {@code --master} and non-SQL {@code --conf} must be this
 * context's: {@link #MASTER} and {@code spark.ui.enabled=false}.
 */
final class SharedSpark implements BeforeAllCallback, AfterAllCallback {
  static final String MASTER = "local[2]";

  private static SparkSession session;

  @Override
  public void beforeAll(ExtensionContext context) {
    session =
        SparkSessions.create(
            SparkSessions.conf(
                context.getRequiredTestClass().getSimpleName(),
                MASTER,
                Map.of("spark.ui.enabled", "false")));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    session.stop();
    session = null;
  }

  /** The shared session (to query results directly): not to be stopped by the test. */
  static SparkSession session() {
    return session;
  }
}
