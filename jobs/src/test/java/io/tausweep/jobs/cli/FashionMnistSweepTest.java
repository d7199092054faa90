package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tausweep.jobs.cli.Cli.Result;
import io.tausweep.model.data.Dataset;
import io.tausweep.model.data.FashionMnistPackage;
import io.tausweep.model.sweep.CellIds;
import io.tausweep.model.sweep.SweepConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data.dataset = fashion-mnist}: a tiny sweep trains on Debian's installed Fashion-MNIST,
 * and its foundation and cells carry Fashion-MNIST's ids, not MNIST's.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedSpark.class)
class FashionMnistSweepTest {
  @TempDir Path tmp;

  @Test
  void aSweepOnTheInstalledPackage() throws Exception {
    Path installed = Path.of(FashionMnistPackage.PACKAGE_DIR);
    assumeTrue(
        Dataset.FASHION_MNIST.fileNames().stream()
            .allMatch(f -> Files.isRegularFile(installed.resolve(f))),
        "Debian's dataset-fashion-mnist is not installed in " + installed);
    Path conf =
        Cli.write(
            tmp,
            "fashion.conf",
            "sweep { name = fashion, methods = [frozen, bitfit], seeds = [0], angles-deg = [45] }\n"
                + "data.dataset = fashion-mnist\n"
                + "foundation { images-per-mode = 500, epochs = 2 }\n"
                + "specialize { images = 200, epochs = 1 }\n"
                + "data.test-images = 500\n");
    SweepConfig cfg = SweepConfig.load(conf);
    String foundation = CellIds.foundationId(Dataset.FASHION_MNIST, 0, 45.0, cfg.budget());
    Path out = tmp.resolve("out");

    Result r = Cli.runShared(conf, out, installed);

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("2 cells: 2 ran now, 0 already committed, 0 failed now");
    assertThat(out.resolve("foundations/" + foundation + ".zip")).isRegularFile();
    assertThat(foundation).isNotEqualTo(CellIds.foundationId(Dataset.MNIST, 0, 45.0, cfg.budget()));
    List<String> rows =
        Cli.csv(
            out,
            "SELECT foundation_id, status, acc_0 > 0.3 AS learnt FROM runs"
                + " WHERE sweep = 'fashion' ORDER BY method");
    assertThat(rows)
        .containsExactly(
            "foundation_id,status,learnt", foundation + ",ok,true", foundation + ",ok,true");
  }
}
