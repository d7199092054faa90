package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.cli.Cli.Result;
import io.tausweep.jobs.task.Grid;
import io.tausweep.model.sweep.SweepConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hyperparameter axes on real small sweeps: a per-method axis multiplies only its method's cells, a
 * foundation axis splits foundations (shared where their settings agree), random search mixes with
 * the grid, ids are stable across runs, a rerun skips what is committed, and the run prints the
 * tuned table selected on validation.
 */
@ExtendWith(SharedSpark.class)
class AxesSweepTest {
  @TempDir Path tmp;

  private static final String AXES =
      """
      sweep { name = axes, methods = [frozen, bitfit, lora], seeds = [0, 1] }
      foundation { images-per-mode = 100, epochs = [1, 2] }
      specialize { images = 100, epochs = 1 }
      data { test-images = 200, validation-images = 200 }
      method.lora.rank = [2, 4]
      method.bitfit.learning-rate { log-uniform = [1e-3, 1e-1] }
      sweep.samples = 2
      """;

  @Test
  void axesMultiplyOnlyTheCellsThatDependOnThemAndResume() throws Exception {
    Path conf = Cli.write(tmp, "axes.conf", AXES);
    Grid grid = Grid.of(SweepConfig.load(conf));
    // Per seed: 2 foundation settings x (frozen 1 + bitfit 2 samples + lora 2 ranks) = 10.
    assertThat(grid.cells()).hasSize(20);
    // One foundation per seed and foundation.epochs, shared by every method and setting.
    assertThat(grid.foundations()).hasSize(4);
    assertThat(grid.cells().stream().map(Grid.CellTask::id).distinct()).hasSize(20);
    assertThat(Grid.of(SweepConfig.load(conf)).cells()).isEqualTo(grid.cells());

    Path out = tmp.resolve("out");
    Result r = Cli.runShared(conf, out, TestPaths.mnistDir());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("20 cells (4 foundations)")
        .contains("Tuned Table 1, sweep axes")
        .contains("foundation.epochs=");
    assertThat(
            Cli.csv(
                out,
                "SELECT method, count(*) AS n, count(DISTINCT setting) AS s,"
                    + " count(acc_val_theta) AS v FROM runs GROUP BY method ORDER BY method"))
        .containsExactly("method,n,s,v", "bitfit,8,4,8", "frozen,4,2,4", "lora,8,4,8");
    assertThat(
            Cli.csv(
                out,
                "SELECT hparams FROM runs WHERE method = 'lora' AND seed = 0 ORDER BY hparams"))
        .containsExactly( // CSV quotes the commas
            "hparams",
            "\"foundation.epochs=1,method.lora.rank=2\"",
            "\"foundation.epochs=1,method.lora.rank=4\"",
            "\"foundation.epochs=2,method.lora.rank=2\"",
            "\"foundation.epochs=2,method.lora.rank=4\"");
    assertThat(Cli.csv(out, "SELECT count(*) AS n, sum(n_settings) AS s FROM tuned"))
        .containsExactly("n,s", "3,10");

    Result again = Cli.runShared(conf, out, TestPaths.mnistDir());
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("20 already committed, 0 to run");
    List<String> ids = Cli.csv(out, "SELECT cell_id FROM runs ORDER BY cell_id");
    assertThat(ids.subList(1, ids.size()))
        .containsExactlyElementsOf(grid.cells().stream().map(Grid.CellTask::id).sorted().toList());
  }

  @Test
  void aListOnAKeyNoCellDependsOnIsBadInputAndWritesNothing() throws Exception {
    Path conf =
        Cli.write(
            tmp,
            "bad.conf",
            "sweep { name = bad, methods = [frozen] }\nmethod.lora.rank = [2, 4]\n" + Cli.TINY);
    Path out = tmp.resolve("bad-out");
    Cli.assertBadInputLine(Cli.runShared(conf, out, TestPaths.mnistDir()))
        .startsWith(
            "error: Invalid method.lora.rank: [2,4] (a list or range makes an axis, but no cell"
                + " depends on it: lora is not in sweep.methods");
    assertThat(out).doesNotExist();
  }
}
