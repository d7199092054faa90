package io.tausweep.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags Spark needs on Java 17 have one source, {@code conf/java17-opens}: the tests' JVM
 * (the root pom's argLine) and the bin/ scripts ({@code bin/lib.sh}) both get exactly its flags.
 */
class JvmOptionsTest {
  private static final Path ROOT =
      Path.of(System.getProperty("tausweep.repo.root", "..")).toAbsolutePath().normalize();

  /** The flags of the argument file: one a line, '#' starting a comment (as the JDK reads it). */
  static List<String> flags() throws IOException {
    return Files.readAllLines(ROOT.resolve("conf/java17-opens"), StandardCharsets.UTF_8).stream()
        .map(l -> l.replaceAll("#.*", "").strip())
        .filter(l -> !l.isEmpty())
        .flatMap(l -> Arrays.stream(l.split("\\s+")))
        .toList();
  }

  @Test
  void theTestJvmRunsWithTheFlagsOfTheFile() throws IOException {
    assertThat(flags()).hasSize(17).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).containsAll(flags());
  }

  @Test
  void binLibShReadsTheSameFlags() throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -euo pipefail; source bin/lib.sh; printf '%s\\n' \"${SPARK_JAVA17_OPENS[@]}\"")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out.lines().toList()).isEqualTo(flags());
  }
}
