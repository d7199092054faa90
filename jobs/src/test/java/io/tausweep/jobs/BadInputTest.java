package io.tausweep.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.SweepCliTest.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input fails before anything runs: one line naming the value and the fix, exit status 2,
 * and no output directory left behind.
 */
class BadInputTest {
  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown method      | sweep.methods = [frozen, dropout]   | Invalid sweep.methods: [frozen, dropout] (unknown method 'dropout': choose from frozen, bitfit, taugate, lora, full_ft)
      negative lambda     | sweep.lambdas = [0.1, -0.5]         | Invalid sweep.lambdas: [0.1,-0.5] (each lambda must be a number within [0, 10000], listed once)
      empty seed list     | sweep.seeds = []                    | Invalid sweep.seeds: [] (the list is empty: a non-empty list of distinct integer seeds within [0, 2147483647])
      non-numeric angle   | sweep.angles-deg = [45, abc]        | Invalid sweep.angles-deg: [45,"abc"] (each angle must be a number within [-360, 360], listed once)
      angle out of range  | sweep.angles-deg = [-400]           | Invalid sweep.angles-deg: [-400] (each angle must be a number within [-360, 360], listed once)
      duplicate seed      | sweep.seeds = [1, 2, 1]             | Invalid sweep.seeds: [1,2,1] (duplicate value 1: list each value once)
      zero epochs         | foundation.epochs = 0               | Invalid foundation.epochs: 0 (must be an integer within [1, 1000])
      misspelt key        | sweep.lambda = [0.1]                | Unknown config key: sweep.lambda (did you mean sweep.lambdas?)
      unsafe sweep name   | sweep.name = "../escape"            | Invalid sweep.name: "../escape" (use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)
      """)
  void badConfigValue(String what, String line, String message) throws Exception {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "sweep.name = bad\n" + line + "\n", StandardCharsets.UTF_8);
    Path out = tmp.resolve("out");
    Result r = SweepCliTest.cli("run", conf.toString(), "--out", out.toString(), "--data-dir",
        TestPaths.mnistDir().toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: " + message + System.lineSeparator());
    assertThat(out).doesNotExist();
  }

  @Test
  void syntaxError() throws Exception {
    Path conf = tmp.resolve("syntax.conf");
    Files.writeString(conf, "sweep {\n  seeds = [1, 2\n", StandardCharsets.UTF_8);
    Result r = SweepCliTest.cli("run", conf.toString(), "--out", tmp.resolve("out").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: Config syntax error in " + conf).contains("fix the file's HOCON syntax");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void corruptIdxFile() throws Exception {
    io.tausweep.model.data.MnistFetcher.ensure(TestPaths.mnistDir());
    Path data = tmp.resolve("mnist");
    Files.createDirectories(data);
    for (String f : io.tausweep.model.data.Mnist.FILE_NAMES) {
      Files.copy(TestPaths.mnistDir().resolve(f), data.resolve(f));
    }
    Path images = data.resolve(io.tausweep.model.data.Mnist.TEST_IMAGES);
    byte[] bytes = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(bytes, 1000));
    Path out = tmp.resolve("out");
    Result r = SweepCliTest.cli("run", TestPaths.repoRoot().resolve("conf/smoke.conf").toString(), "--out",
        out.toString(), "--data-dir", data.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: ").contains(images.toString()).contains("1000");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(out).doesNotExist();
  }

  @Test
  void outputPathIsAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result r = SweepCliTest.cli("run", TestPaths.repoRoot().resolve("conf/smoke.conf").toString(), "--out",
        file.toString(), "--data-dir", TestPaths.mnistDir().toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: Invalid --out: " + file
        + " is a file (give a directory path; it is created if missing)" + System.lineSeparator());
  }

  @Test
  void missingConfigFile() {
    Result r = SweepCliTest.cli("run", tmp.resolve("nope.conf").toString(), "--out", tmp.resolve("out").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: Config file not found: " + tmp.resolve("nope.conf")
        + " (give the path of a .conf file, e.g. conf/paper.conf)" + System.lineSeparator());
  }
}
