package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;

/**
 * The tests' way into {@link SweepCli}: one call in the test's own JVM, its exit status and what it
 * printed, and the argument lists the tests keep passing. Paths and URIs are given as objects and
 * passed on as their {@code toString()}.
 */
final class Cli {
  private Cli() {}

  /** The one non-SQL Spark setting every CLI call passes (the shared context's too). */
  static final String UI_OFF = "spark.ui.enabled=false";

  /** The smallest training that still means something: 100 images, one epoch each, 300 to test. */
  static final String TINY = tiny(1, 300);

  record Result(int status, String out, String err) {}

  /** {@code sweep ARGS...}, exactly as given. */
  static Result call(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int s =
        SweepCli.execute(
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            args);
    return new Result(s, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** conf/smoke.conf of the repository: every method on real MNIST, 12 cells. */
  static Path smokeConf() {
    return TestPaths.repoRoot().resolve("conf/smoke.conf");
  }

  /** {@code run CONF --out OUT}: no data, no Spark settings (it is to fail before either). */
  static Result run(Object conf, Object out) {
    return call("run", conf.toString(), "--out", out.toString());
  }

  /** {@code run CONF --out OUT --data-dir DATA MORE...}. */
  static Result run(Object conf, Object out, Object dataDir, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run", conf.toString(), "--out", out.toString(), "--data-dir", dataDir.toString()));
    args.addAll(List.of(more));
    return call(args.toArray(String[]::new));
  }

  /**
   * {@code run CONF --out OUT --data-dir DATA --master local[2] --conf spark.ui.enabled=false}: a
   * sweep on the context of {@link SharedSpark}.
   */
  static Result runShared(Object conf, Object out, Object dataDir) {
    return run(conf, out, dataDir, "--master", SharedSpark.MASTER, "--conf", UI_OFF);
  }

  /**
   * {@code run CONF --out OUT --data-dir MNIST --conf spark.ui.enabled=false EXTRA...}: a sweep on
   * real MNIST, its --master (if any) and further settings the caller's.
   */
  static Result sweep(Path conf, Path out, String... extra) {
    List<String> more = new ArrayList<>(List.of("--conf", UI_OFF));
    more.addAll(List.of(extra));
    return run(conf, out, TestPaths.mnistDir(), more.toArray(String[]::new));
  }

  /** {@code sql --out OUT --csv --conf spark.ui.enabled=false QUERY}. */
  static Result sql(Object out, String query) {
    return call("sql", "--out", out.toString(), "--csv", "--conf", UI_OFF, query);
  }

  /** The CSV lines of a query that must succeed, header first. */
  static List<String> csv(Object out, String query) {
    Result r = sql(out, query);
    assertThat(r.status()).as(r.err()).isZero();
    return r.out().lines().toList();
  }

  /** Bad input: exit status 2 and {@code error: MESSAGE} as the one line on stderr. */
  static void assertBadInput(Result r, String message) {
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: " + message + System.lineSeparator());
  }

  /** Bad input: exit status 2 and one line on stderr, returned to be checked further. */
  static AbstractStringAssert<?> assertBadInputLine(Result r) {
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    return assertThat(r.err());
  }

  /** A tiny foundation and specialization, to follow a {@code sweep { ... }} line. */
  static String tiny(int specializeEpochs, int testImages) {
    return "foundation { images-per-mode = 100, epochs = 1 }\n"
        + ("specialize { images = 100, epochs = " + specializeEpochs + " }\n")
        + ("data.test-images = " + testImages + "\n");
  }

  /** Writes a config file (UTF-8) under {@code dir}. */
  static Path write(Path dir, String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }
}
