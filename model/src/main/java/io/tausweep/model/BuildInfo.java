package io.tausweep.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Versions baked in at build time: tausweep's own version and git commit, and the DL4J version; and
 * the BLAS kernels of the running JVM. Every result row carries them, so a number can always be
 * traced to the code that made it.
 */
public final class BuildInfo {
  private static final Properties PROPS = load();

  private BuildInfo() {}

  /** {@code VERSION+COMMIT}, with {@code -dirty} when built from uncommitted changes. */
  public static String codeVersion() {
    String commit = PROPS.getProperty("git.commit", "");
    if (commit.isEmpty() || commit.startsWith("${")) {
      commit = "unknown";
    }
    String dirty = "true".equals(PROPS.getProperty("git.dirty")) ? "-dirty" : "";
    return PROPS.getProperty("version", "unknown") + "+" + commit + dirty;
  }

  /** The Deeplearning4j version the model module was built against. */
  public static String dl4jVersion() {
    return PROPS.getProperty("dl4j.version", "unknown");
  }

  /**
   * The BLAS library doing the matrix products, the CPU it runs on (OpenBLAS picks its kernels for
   * it) and any {@code OPENBLAS_CORETYPE} override, e.g. {@code OpenBLAS 0.3.31-1.5.13 on Intel(R)
   * Xeon(R) Processor (avx512)}: results are bit-identical only under the same kernels (and thread
   * count).
   */
  public static String blas() {
    return BLAS;
  }

  private static final String BLAS = describeBlas();

  private static String describeBlas() {
    String version = "unknown";
    try (InputStream in =
        openblas_nolapack.class.getResourceAsStream(
            "/META-INF/maven/org.bytedeco/openblas/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        version = p.getProperty("version", version);
      }
    } catch (IOException e) {
      // keep "unknown"
    }
    String cpu = "unknown CPU";
    String isa = "";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name") && cpu.equals("unknown CPU")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
        } else if (line.startsWith("flags") && isa.isEmpty()) {
          String flags = " " + line + " ";
          isa =
              flags.contains(" avx512f ")
                  ? " (avx512)"
                  : flags.contains(" avx2 ") ? " (avx2)" : " (no avx2)";
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the model name stays unknown
    }
    String coretype = System.getenv("OPENBLAS_CORETYPE");
    return "OpenBLAS "
        + version
        + " on "
        + cpu
        + isa
        + (coretype == null || coretype.isBlank() ? "" : ", OPENBLAS_CORETYPE=" + coretype);
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
