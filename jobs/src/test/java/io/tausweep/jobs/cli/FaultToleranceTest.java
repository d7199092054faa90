package io.tausweep.jobs.cli;

import static io.tausweep.jobs.cli.Cli.TINY;
import static io.tausweep.jobs.cli.Cli.csv;
import static io.tausweep.jobs.cli.Cli.sweep;
import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.cli.Cli.Result;
import io.tausweep.jobs.driver.SweepJob;
import io.tausweep.jobs.task.Grid;
import io.tausweep.model.sweep.SweepConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures never lose or duplicate a result: a diverging cell becomes a failed row while the others
 * succeed, --retry-failed reruns only it, and Spark's task retries leave exactly one row per cell.
 */
class FaultToleranceTest {
  @TempDir Path tmp;

  @Test
  void divergingCellFailsWithItsReasonAndTheOthersSucceed() throws Exception {
    Path conf =
        Cli.write(
            tmp,
            "div.conf",
            "sweep { name = div, methods = [bitfit, full_ft], seeds = [0] }\n"
                + "method.full_ft.learning-rate = 1000\n"
                + TINY);
    Path out = tmp.resolve("out");
    Result r = sweep(conf, out, "--master", "local[2]");
    assertThat(r.status()).as(r.err()).isEqualTo(ExitStatus.FAILED_CELLS.code());
    assertThat(r.out()).contains("2 cells: 2 ran now, 0 already committed, 1 failed now");
    assertThat(
            csv(
                out,
                "SELECT method, status, error LIKE 'TrainingDivergedException: diverged: loss %' AS why"
                    + " FROM runs ORDER BY method"))
        .containsExactly("method,status,why", "bitfit,ok,", "full_ft,failed,true");

    Result plain = sweep(conf, out, "--master", "local[2]");
    assertThat(plain.out()).contains("2 already committed, 0 to run");
    Result retry = sweep(conf, out, "--master", "local[2]", "--retry-failed");
    assertThat(retry.out()).contains("1 already committed, 1 to run (retrying failed cells only)");
    assertThat(csv(out, "SELECT method, count(*) AS n FROM runs GROUP BY method ORDER BY method"))
        .containsExactly("method,n", "bitfit,1", "full_ft,2");
  }

  /**
   * Two tasks fail on their first attempt outside the per-cell handling, so Spark itself retries
   * them (local[2,4]: up to 4 attempts per task); the driver takes one result per task, so every
   * cell has one row. Speculative copies reach the driver the same way, but Spark does not
   * speculate in local mode (TaskSchedulerImpl starts its speculation thread only for a cluster
   * master), so they are not tested in one JVM; bin/demo-fault-tolerance runs a standalone cluster.
   */
  @Test
  void injectedTaskFailuresAreRetriedBySparkAndLeaveOneRowPerCell() throws Exception {
    Path conf =
        Cli.write(
            tmp,
            "spec.conf",
            "sweep { name = spec, methods = [frozen, bitfit, taugate], seeds = [0, 1],"
                + " lambdas = [0.0, 1.0] }\n"
                + TINY);
    List<Grid.CellTask> cells = Grid.of(SweepConfig.load(conf)).cells();
    String failOnce = cells.get(1).id() + "," + cells.get(5).id();
    Path out = tmp.resolve("spec-out");
    Result r =
        sweep(
            conf,
            out,
            "--master",
            "local[2,4]",
            "--conf",
            SweepJob.INJECT_FAIL_ONCE + "=" + failOnce);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("Spark retried 2 failed task attempts");
    assertThat(
            csv(
                out,
                "SELECT count(*) AS n, count(DISTINCT cell_id) AS d,"
                    + " sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok FROM runs"))
        .containsExactly("n,d,ok", cells.size() + "," + cells.size() + "," + cells.size());
  }
}
