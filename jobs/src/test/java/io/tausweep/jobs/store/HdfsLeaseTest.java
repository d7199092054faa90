package io.tausweep.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease and the publishing of files on a real HDFS, where create-if-absent and rename are the
 * NameNode's.
 */
class HdfsLeaseTest {
  @TempDir static Path tmp;
  static MiniDFSCluster cluster;
  static FileSystem fs;

  @BeforeAll
  static void start() throws Exception {
    cluster = MiniHdfs.start(tmp);
    fs = cluster.getFileSystem();
  }

  @AfterAll
  static void stop() {
    cluster.shutdown();
  }

  @Test
  void oneDriverAtATimeAndAnExpiredLeaseIsTakenOver() throws Exception {
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path("/out/sweeps/s/driver.lease");
    try (Lease first = Lease.acquire(fs, file, "Sweep 's'", 60_000)) {
      assertThatThrownBy(() -> Lease.acquire(fs, file, "Sweep 's'", 60_000))
          .isInstanceOf(SweepLockedException.class)
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      first.check();
    }
    assertThat(fs.exists(file)).isFalse();
    try (var out = fs.create(file)) {
      out.write(
          "token=t\nhost=gone.example\npid=9\npid-start=\nstarted=x\n"
              .getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> Lease.acquire(fs, file, "Sweep 's'", 60_000))
        .isInstanceOf(SweepLockedException.class)
        .hasMessageContaining("gone.example pid 9");
    fs.setTimes(file, System.currentTimeMillis() - 120_000, -1);
    try (Lease taken = Lease.acquire(fs, file, "Sweep 's'", 60_000)) {
      assertThat(new String(Fs.readAll(fs, file), StandardCharsets.UTF_8))
          .doesNotContain("gone.example");
    }
  }

  @Test
  void createExclusiveAndPublishOnHdfs() throws Exception {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path("/excl/a");
    assertThat(Fs.createExclusive(fs, p, new byte[] {1})).isTrue();
    assertThat(Fs.createExclusive(fs, p, new byte[] {2})).isFalse();
    assertThat(Fs.readAll(fs, p)).containsExactly(1);
    org.apache.hadoop.fs.Path q = new org.apache.hadoop.fs.Path("/pub/model.zip");
    Fs.publish(fs, q, new byte[] {7, 8}, false);
    Fs.publish(fs, q, new byte[] {7, 8}, false);
    assertThat(Fs.readAll(fs, q)).containsExactly(7, 8);
    assertThat(fs.listStatus(q.getParent())).hasSize(1);
  }
}
