package io.tausweep.jobs.cli;

import static io.tausweep.jobs.cli.Cli.TINY;
import static io.tausweep.jobs.cli.Cli.csv;
import static io.tausweep.jobs.cli.Cli.sweep;
import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.cli.Cli.Result;
import io.tausweep.jobs.store.HadoopSweepStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once beyond one driver's own retries: a driver stopped between a batch's side tables and
 * its runs rows, a second driver started while the first runs, and leases left behind by drivers
 * that are gone or still alive.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedSpark.class)
class ExactlyOnceTest {
  @TempDir Path tmp;

  /**
   * Also runs the object-store commit protocol (single writes of final names, no renames) on the
   * local disk.
   */
  @Test
  void aDriverStoppedBetweenSideTablesAndRunsLeavesNoDuplicateSideRows() throws Exception {
    Path conf =
        Cli.write(
            tmp,
            "crash.conf",
            "sweep { name = crash, methods = [bitfit, taugate], seeds = [0, 1] }\n" + TINY);
    Path out = tmp.resolve("out");
    String direct = HadoopSweepStore.DIRECT_WRITE + "=true";
    Result crashed =
        sweep(conf, out, "--conf", HadoopSweepStore.INJECT_CRASH + "=true", "--conf", direct);
    assertThat(crashed.status()).as(crashed.err()).isEqualTo(ExitStatus.INTERNAL_ERROR.code());
    // An internal error: one line on the console, the stack trace in the log file it names.
    assertThat(crashed.err().lines()).hasSize(1);
    java.util.regex.Matcher logged =
        java.util.regex.Pattern.compile(
                "^error: internal error: .*injected crash after the side tables.*"
                    + " \\(stack trace in (.+)\\)$")
            .matcher(crashed.err().strip());
    assertThat(logged.matches()).as(crashed.err()).isTrue();
    assertThat(Files.readString(Path.of(logged.group(1))))
        .contains("Internal error in 'sweep run " + conf)
        .contains("injected crash after the side tables")
        .contains("\tat io.tausweep.jobs.");
    // The side rows of the cut batch are on disk, its runs rows are not.
    assertThat(sideFiles(out.resolve("neurons"))).isNotEmpty();
    assertThat(out.resolve("runs")).doesNotExist();

    Result rerun = sweep(conf, out, "--conf", direct);
    assertThat(rerun.status()).as(rerun.err()).isZero();
    assertThat(rerun.out())
        .contains("removed 2 side-table files of a batch that was never committed")
        .contains("4 cells: 4 ran now, 0 already committed, 0 failed now");
    assertThat(
            csv(
                out,
                "SELECT count(*) AS n, count(DISTINCT cell_id, epoch) AS d FROM epochs"
                    + " WHERE stage = 'specialize'"))
        .containsExactly("n,d", "4,4");
    assertThat(
            csv(
                out,
                "SELECT count(*) AS n, count(DISTINCT cell_id, layer, unit) AS d FROM neurons"))
        .containsExactly("n,d", "512,512");
    assertThat(csv(out, "SELECT count(*) AS n, count(DISTINCT cell_id) AS d FROM runs"))
        .containsExactly("n,d", "4,4");
    try (var files = Files.walk(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void aSecondDriverOfTheSameSweepExitsAtOnceNamingTheFirst() throws Exception {
    Path conf =
        Cli.write(
            tmp,
            "two.conf",
            "sweep { name = two, methods = [frozen, bitfit, taugate, lora], seeds = [0, 1, 2] }\n"
                + TINY);
    Path out = tmp.resolve("two-out");
    Path lease = out.resolve("sweeps/two/driver.lease");
    CompletableFuture<Result> first =
        CompletableFuture.supplyAsync(() -> sweep(conf, out, "--master", "local[2]"));
    for (int i = 0; i < 600 && !Files.exists(lease) && !first.isDone(); i++) {
      Thread.sleep(50);
    }
    assertThat(lease).exists();
    long t0 = System.nanoTime();
    Result second = sweep(conf, out, "--master", "local[2]");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(second.status()).as(second.err()).isEqualTo(ExitStatus.LOCKED.code());
    assertThat(second.err())
        .startsWith("error: Sweep 'two' in " + out + " is being run by another driver: ")
        .contains(" pid " + ProcessHandle.current().pid());
    assertThat(second.err().lines()).hasSize(1);
    assertThat(seconds).as("refused before Spark starts").isLessThan(first.isDone() ? 60 : 30);
    Result done = first.get();
    assertThat(done.status()).as(done.err()).isZero();
    assertThat(lease).doesNotExist();
    assertThat(
            csv(
                out,
                "SELECT count(*) AS n, count(DISTINCT cell_id) AS d, sum(CASE WHEN status = 'ok' THEN 1 END)"
                    + " AS ok FROM runs"))
        .containsExactly("n,d,ok", "12,12,12");
  }

  @Test
  void aLeaseLeftByADriverOnAnotherHostIsTakenOverOnceItExpires() throws Exception {
    Path conf =
        Cli.write(
            tmp, "stale.conf", "sweep { name = stale, methods = [frozen], seeds = [0] }\n" + TINY);
    Path out = tmp.resolve("stale-out");
    Path lease = Files.createDirectories(out.resolve("sweeps/stale")).resolve("driver.lease");
    Files.writeString(
        lease, "token=t\nhost=gone.example\npid=77\npid-start=\nstarted=2026-01-01T00:00:00Z\n");
    Result held = sweep(conf, out, "--master", "local[2]");
    assertThat(held.status()).isEqualTo(ExitStatus.LOCKED.code());
    assertThat(held.err())
        .contains("gone.example pid 77")
        .contains("a lease not renewed for 60 s is taken over");
    assertThat(out.resolve("runs")).doesNotExist();

    Files.setLastModifiedTime(
        lease, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 61_000));
    Result taken = sweep(conf, out, "--master", "local[2]");
    assertThat(taken.status()).as(taken.err()).isZero();
    assertThat(taken.out()).contains("1 cells: 1 ran now");
    assertThat(lease).doesNotExist();
  }

  private static List<Path> sideFiles(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }
}
