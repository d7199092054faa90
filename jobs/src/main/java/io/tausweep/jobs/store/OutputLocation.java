package io.tausweep.jobs.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.fs.permission.FsAction;

/**
 * Where an output directory is: a user's {@code --out} (a local path or a Hadoop URI) resolved to a
 * qualified root on its file system, with the checks and messages for values that cannot be used.
 *
 * @param root the qualified root
 * @param display the root as messages show it (a local path as a path)
 * @param fs its file system
 * @param objectStore whether the file system is an object store (files published by one write)
 */
record OutputLocation(Path root, String display, FileSystem fs, boolean objectStore) {
  private static final Pattern URI_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

  /** The root of {@code out}: a local path made absolute, or the URI as given (normalized). */
  static Path rootOf(String out) {
    if (out == null || out.isBlank()) {
      throw new StoreException(
          "Invalid --out: empty (give a directory path or a file system URI such as"
              + " hdfs://HOST:PORT/DIR)");
    }
    if (URI_LIKE.matcher(out).matches()) {
      Path p;
      try {
        p = new Path(out);
      } catch (IllegalArgumentException e) {
        throw new StoreException(
            "Invalid --out: " + out + " (not a valid URI: " + e.getMessage() + ")");
      }
      if (p.toUri().getPath() == null || p.toUri().getPath().isEmpty()) {
        throw new StoreException(
            "Invalid --out: " + out + " (name a directory, e.g. hdfs://HOST:PORT/DIR)");
      }
      if (out.contains("/../") || out.endsWith("/..")) {
        throw new StoreException(
            "Invalid --out: " + out + " (a URI may not contain '..': name the directory itself)");
      }
      return p;
    }
    try {
      return new Path(java.nio.file.Path.of(out).toAbsolutePath().normalize().toUri());
    } catch (java.nio.file.InvalidPathException e) {
      throw new StoreException(
          "Invalid --out: " + out + " (not a valid path: " + e.getReason() + ")");
    }
  }

  /**
   * Resolves {@code out} and connects to its file system, creating nothing.
   *
   * @throws StoreException naming {@code out} and the fix
   */
  static OutputLocation open(String out, Configuration conf) {
    Path root = rootOf(out);
    String scheme = root.toUri().getScheme();
    try {
      FileSystem.getFileSystemClass(scheme, conf);
    } catch (UnsupportedFileSystemException | RuntimeException e) {
      // A scheme Hadoop knows of (fs.s3a.impl) whose classes are not on the classpath fails as a
      // RuntimeException.
      throw new StoreException(
          "Invalid --out: "
              + out
              + " (no Hadoop file system for scheme '"
              + scheme
              + "' on the classpath: add its connector's jars, e.g. hadoop-aws for s3a, with spark-submit --jars or"
              + " --packages)");
    } catch (IOException e) {
      throw new StoreException("Invalid --out: " + out + " (" + Fs.reason(e) + ")");
    }
    FileSystem fs;
    try {
      fs = Fs.of(root, conf);
    } catch (IOException | RuntimeException e) {
      throw new StoreException("Cannot reach --out " + out + ": " + Fs.reason(e) + hint(root), e);
    }
    Path qualified = fs.makeQualified(root);
    String display =
        Fs.isLocal(qualified)
            ? java.nio.file.Path.of(qualified.toUri()).toString()
            : qualified.toString();
    return new OutputLocation(qualified, display, fs, Fs.isObjectStore(qualified.toUri()));
  }

  static String hint(Path root) {
    java.net.URI u = root.toUri();
    if ("hdfs".equals(u.getScheme())) {
      return " (check that the NameNode runs at "
          + (u.getAuthority() == null ? "fs.defaultFS" : u.getAuthority())
          + " and that the URI's host and port are right)";
    }
    return Fs.isLocal(root)
        ? " (choose a readable directory)"
        : " (check the URI and the file system's settings)";
  }

  /**
   * Walks up to the nearest existing ancestor through a file system client that fails fast (a
   * NameNode that does not answer is reported in seconds, not after Hadoop's default minutes of
   * retries), then checks it can be written.
   *
   * @return whether the directory itself existed already
   */
  Boolean checkWritable(String out, Configuration conf) {
    Configuration quick = new Configuration(conf);
    quick.setInt("ipc.client.connect.max.retries", 0);
    quick.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
    quick.setInt("ipc.client.connect.timeout", 5000);
    quick.setBoolean("dfs.client.retry.policy.enabled", false);
    FileSystem probe = null;
    try {
      probe = Fs.isLocal(root) ? fs : FileSystem.newInstance(root.toUri(), quick);
      FileStatus st = status(probe, root);
      Boolean existed = st != null;
      if (st != null && !st.isDirectory()) {
        throw new StoreException(
            "Invalid --out: "
                + out
                + " is a file (give a directory path; it is created if"
                + " missing)");
      }
      Path existing = root;
      while (st == null && existing.getParent() != null) {
        existing = existing.getParent();
        st = status(probe, existing);
      }
      String where =
          Fs.isLocal(existing)
              ? java.nio.file.Path.of(existing.toUri()).toString()
              : existing.toString();
      if (st == null || !st.isDirectory()) {
        throw new StoreException(
            "Invalid --out: "
                + out
                + " ("
                + where
                + " is not a directory; choose a path under a"
                + " writable directory)");
      }
      boolean writable;
      if (Fs.isLocal(existing)) {
        writable = java.nio.file.Files.isWritable(java.nio.file.Path.of(existing.toUri()));
      } else {
        try {
          probe.access(existing, FsAction.WRITE);
          writable = true;
        } catch (org.apache.hadoop.security.AccessControlException e) {
          writable = false;
        }
      }
      if (!writable) {
        throw new StoreException(
            "Invalid --out: "
                + out
                + " ("
                + where
                + " is not writable; choose a writable"
                + " directory"
                + (Fs.isLocal(existing) ? "" : ", or ask for write permission there")
                + ")");
      }
      return existed;
    } catch (IOException | RuntimeException e) {
      if (e instanceof StoreException s) {
        throw s;
      }
      throw new StoreException("Cannot reach --out " + out + ": " + Fs.reason(e) + hint(root), e);
    } finally {
      if (probe != null && probe != fs) {
        try {
          probe.close();
        } catch (IOException ignored) {
          // a probe's client: nothing was written through it
        }
      }
    }
  }

  private static FileStatus status(FileSystem fs, Path p) throws IOException {
    try {
      return fs.getFileStatus(p);
    } catch (FileNotFoundException e) {
      return null;
    } catch (org.apache.hadoop.fs.ParentNotDirectoryException e) {
      return null;
    } catch (IOException e) {
      // Local: a path under a plain file reads as "Not a directory".
      if (String.valueOf(e.getMessage()).contains("Not a directory")) {
        return null;
      }
      throw e;
    }
  }
}
