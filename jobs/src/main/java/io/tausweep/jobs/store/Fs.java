package io.tausweep.jobs.store;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.security.AccessControlException;

/**
 * The file-system operations the store builds on, one implementation for every Hadoop file system:
 * publishing a file whole (a hidden name and an atomic rename, or on an object store a single write
 * of the final name, aborted on failure), creating a file only if absent, and one-line reasons for
 * failures.
 */
final class Fs {
  /** Schemes of object stores: no atomic rename, an object appears whole when its writer closes. */
  private static final Set<String> OBJECT_STORES =
      Set.of(
          "s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "cos", "cosn", "obs",
          "r2");

  /** Hadoop 3.4+'s create-if-absent on S3 (If-None-Match). */
  private static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

  private Fs() {}

  /**
   * The file system of {@code p}; the local one without Hadoop's checksum files (the tables look as
   * Spark writes them, and renames move one file).
   */
  static FileSystem of(Path p, Configuration conf) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }

  /**
   * Opens {@code p} for writing. On the local disk through java.nio rather than Hadoop's raw local
   * file system, whose create runs a {@code chmod} process per file where Hadoop's native library
   * is missing (5-7 ms a file here, more from a large JVM); the file gets the process's umask, as
   * any file it creates.
   */
  static FSDataOutputStream create(FileSystem fs, Path p, boolean overwrite) throws IOException {
    if (!isLocal(p)) {
      return fs.create(p, overwrite);
    }
    java.nio.file.Path file = java.nio.file.Path.of(p.toUri());
    Files.createDirectories(file.getParent());
    java.io.OutputStream out =
        overwrite
            ? Files.newOutputStream(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)
            : Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new FSDataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16), null);
  }

  /**
   * Whether files under {@code uri} are published by one write of the final name rather than by a
   * rename.
   */
  static boolean isObjectStore(URI uri) {
    return uri.getScheme() != null
        && OBJECT_STORES.contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT));
  }

  /** Whether {@code p} is on the local file system. */
  static boolean isLocal(Path p) {
    return "file".equals(p.toUri().getScheme());
  }

  /**
   * Writes {@code bytes} to {@code target} so that readers see the whole file or none: under a
   * hidden name then renamed, or (object stores) written once under the final name and aborted on
   * failure. An existing target with the same name is left as it is (its writer wrote the same
   * content).
   */
  static void publish(FileSystem fs, Path target, byte[] bytes, boolean objectStore)
      throws IOException {
    if (objectStore) {
      FSDataOutputStream out = create(fs, target, true);
      try {
        out.write(bytes);
      } catch (IOException | RuntimeException e) {
        abort(out, e);
        throw e;
      }
      out.close();
      return;
    }
    Path tmp = hidden(target);
    try (FSDataOutputStream out = create(fs, tmp, false)) {
      out.write(bytes);
    } catch (IOException | FSError e) {
      deleteQuietly(fs, tmp, e);
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      if (!fs.exists(target)) {
        throw new IOException("Cannot rename " + tmp + " to " + target);
      }
    }
  }

  /**
   * A hidden, unique name beside {@code target}: Spark, Hadoop and most readers skip names starting
   * with '.'.
   */
  static Path hidden(Path target) {
    return new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
  }

  /**
   * Creates {@code p} holding {@code bytes} only if no file of that name exists, atomically: {@code
   * O_EXCL} on a local disk, the NameNode's create-if-absent on HDFS, a conditional PUT on S3A.
   *
   * @return false when the file already exists
   */
  static boolean createExclusive(FileSystem fs, Path p, byte[] bytes) throws IOException {
    fs.mkdirs(p.getParent());
    if (isLocal(p)) {
      try {
        Files.write(
            java.nio.file.Path.of(p.toUri()),
            bytes,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    try {
      var builder = fs.createFile(p).overwrite(false);
      if ("s3a".equals(p.toUri().getScheme())) {
        builder.must(CONDITIONAL_CREATE, true);
      }
      try (FSDataOutputStream out = builder.build()) {
        out.write(bytes);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // HDFS reports a lost race as a RemoteException wrapping FileAlreadyExistsException, and S3A
      // a failed precondition with its own message.
      if (fs.exists(p)
          && (String.valueOf(e.getMessage()).contains("already exists")
              || String.valueOf(e.getMessage()).contains("412"))) {
        return false;
      }
      throw e;
    }
  }

  static byte[] readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p);
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  /** Aborts an object-store upload so that nothing is published; elsewhere closes the stream. */
  static void abort(FSDataOutputStream out, Throwable failure) {
    try {
      if (out.hasCapability("fs.capability.outputstream.abortable")) {
        ((Abortable) out).abort();
      } else {
        out.close();
      }
    } catch (IOException | RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  static void deleteQuietly(FileSystem fs, Path p, Throwable failure) {
    try {
      fs.delete(p, false);
    } catch (IOException | RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /** A file-system failure in a few words, with what the user can do about it. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t instanceof java.io.UncheckedIOException
        || (t.getCause() != null
            && t.getCause() != t
            && (t instanceof FSError || t.getMessage() == null))) {
      t = t.getCause();
    }
    if (t instanceof UnsupportedFileSystemException) {
      return "no Hadoop file system on the classpath for this scheme";
    }
    if (t instanceof AccessControlException || t instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (t instanceof ConnectException
        || t instanceof java.net.UnknownHostException
        || t instanceof java.net.SocketTimeoutException
        || t instanceof java.net.NoRouteToHostException) {
      return "cannot connect (" + t.getClass().getSimpleName() + ")";
    }
    if (t instanceof FileNotFoundException || t instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    String msg =
        t.getMessage() == null
            ? t.getClass().getSimpleName()
            : t.getMessage().lines().findFirst().orElse("");
    // Hadoop's RemoteException text starts with the server-side class name.
    if (msg.contains("AccessControlException") || msg.contains("Permission denied")) {
      return "permission denied";
    }
    return msg;
  }
}
