package io.tausweep.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.MarkerManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RandomAccessFileAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.RollingRandomAccessFileAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * How a failed command is reported: one line on the console, {@code error: MESSAGE} for a failure
 * with a status of its own ({@link ExitStatus}), {@code error: internal error: REASON (stack trace
 * in LOG)} for anything else, whose stack trace goes to the log file only.
 */
final class FailureReport {
  private static final Logger LOG = LogManager.getLogger(SweepCli.class);

  /**
   * The marker of the log event that carries an internal error's stack trace: bin/sweep's console
   * appender drops it (the console has the one-line error), its log file keeps it.
   */
  static final Marker STACK_TRACE = MarkerManager.getMarker("TAUSWEEP_STACK_TRACE");

  private FailureReport() {}

  /** Prints the one line of a failed command and returns its status; logs an internal error. */
  static int report(Throwable e, PrintStream err, String[] args) {
    ExitStatus status = ExitStatus.of(e);
    if (status != ExitStatus.INTERNAL_ERROR) {
      err.println("error: " + e.getMessage());
      return status.code();
    }
    LOG.error(STACK_TRACE, "Internal error in 'sweep {}'", String.join(" ", args), e);
    err.println("error: internal error: " + oneLine(e) + " (stack trace in " + logLocation() + ")");
    return status.code();
  }

  /** The class and the first line of the message of {@code e}, at most 500 characters. */
  static String oneLine(Throwable e) {
    String msg =
        e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst().orElse("");
    String line = e.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    return line.length() <= 500 ? line : line.substring(0, 497) + "...";
  }

  /**
   * Where this class's errors are logged: the files of the Log4j2 file appenders that receive them,
   * else the driver's log (stderr, or wherever spark-submit's logging sends it).
   */
  static String logLocation() {
    List<String> files = new ArrayList<>();
    if (LogManager.getContext(false) instanceof org.apache.logging.log4j.core.LoggerContext ctx) {
      LoggerConfig config = ctx.getConfiguration().getLoggerConfig(LOG.getName());
      for (LoggerConfig c = config; c != null; c = c.isAdditive() ? c.getParent() : null) {
        for (Appender a : c.getAppenders().values()) {
          String file = fileOf(a);
          if (file != null && !files.contains(file)) {
            files.add(file);
          }
        }
      }
    }
    return files.isEmpty() ? "the driver's log" : String.join(", ", files);
  }

  private static String fileOf(Appender a) {
    String name =
        a instanceof FileAppender f
            ? f.getFileName()
            : a instanceof RollingFileAppender r
                ? r.getFileName()
                : a instanceof RandomAccessFileAppender ra
                    ? ra.getFileName()
                    : a instanceof RollingRandomAccessFileAppender rr ? rr.getFileName() : null;
    return name == null ? null : Path.of(name).toAbsolutePath().normalize().toString();
  }
}
