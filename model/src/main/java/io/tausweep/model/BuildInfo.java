package io.tausweep.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Versions baked in at build time: tausweep's own version and git commit, and the DL4J version.
 * Every result row carries them, so a number can always be traced to the code that made it.
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
