package io.tausweep.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep lease on the local file system (the same code runs on HDFS in {@code HdfsStoreTest}).
 */
class LeaseTest {
  @TempDir Path tmp;
  FileSystem fs;
  org.apache.hadoop.fs.Path file;

  @BeforeEach
  void localFs() throws Exception {
    file = new org.apache.hadoop.fs.Path(tmp.resolve("sweeps/s/driver.lease").toUri());
    fs = Fs.of(file, new Configuration());
  }

  @Test
  void aSecondDriverIsRefusedNamingTheHolderUntilTheFirstReleases() throws Exception {
    try (Lease first = Lease.acquire(fs, file, "Sweep 's'", 60_000)) {
      String text = Files.readString(Path.of(file.toUri()));
      assertThat(text)
          .contains("pid=" + ProcessHandle.current().pid())
          .contains("host=" + Lease.thisHost());
      assertThatThrownBy(() -> Lease.acquire(fs, file, "Sweep 's'", 60_000))
          .isInstanceOf(SweepLockedException.class)
          .hasMessageStartingWith(
              "Sweep 's' is being run by another driver: "
                  + Lease.thisHost()
                  + " pid "
                  + ProcessHandle.current().pid())
          .hasMessageContaining("wait for it to finish or stop it");
      first.check();
    }
    assertThat(Path.of(file.toUri())).doesNotExist();
    try (Lease again = Lease.acquire(fs, file, "Sweep 's'", 60_000)) {
      again.check();
    }
  }

  @Test
  void anExpiredLeaseOfAnotherHostIsTakenOver() throws Exception {
    writeLease(
        "token=old\nhost=elsewhere.example\npid=4242\npid-start=\nstarted=2026-01-01T00:00:00Z\n");
    Files.setLastModifiedTime(
        Path.of(file.toUri()),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    try (Lease l = Lease.acquire(fs, file, "Sweep 's'", 60_000)) {
      assertThat(Files.readString(Path.of(file.toUri())))
          .contains("pid=" + ProcessHandle.current().pid())
          .doesNotContain("elsewhere");
    }
  }

  @Test
  void aFreshLeaseOfAnotherHostIsRespected() throws Exception {
    writeLease(
        "token=old\nhost=elsewhere.example\npid=4242\npid-start=\nstarted=2026-01-01T00:00:00Z\n");
    assertThatThrownBy(() -> Lease.acquire(fs, file, "Sweep 's'", 60_000))
        .isInstanceOf(SweepLockedException.class)
        .hasMessageContaining("elsewhere.example pid 4242");
  }

  @Test
  void aLeaseOfAProcessGoneFromThisHostIsTakenOverAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    writeLease(
        "token=old\nhost=" + Lease.thisHost() + "\npid=" + p.pid() + "\npid-start=\nstarted=x\n");
    try (Lease l = Lease.acquire(fs, file, "Sweep 's'", 60_000)) {
      assertThat(Files.readString(Path.of(file.toUri())))
          .contains("pid=" + ProcessHandle.current().pid());
    }
  }

  @Test
  void renewalKeepsTheLeaseFreshAndNoticesATakeOver() throws Exception {
    try (Lease l = Lease.acquire(fs, file, "Sweep 's'", 400)) {
      Path f = Path.of(file.toUri());
      long before = Files.getLastModifiedTime(f).toMillis();
      Thread.sleep(600);
      assertThat(Files.getLastModifiedTime(f).toMillis()).isGreaterThan(before);
      // Still fresh: a second driver is refused although the time to live has passed since it was
      // taken.
      assertThatThrownBy(() -> Lease.acquire(fs, file, "Sweep 's'", 400))
          .isInstanceOf(SweepLockedException.class);
      Files.writeString(f, "token=other\nhost=elsewhere.example\npid=1\npid-start=\nstarted=x\n");
      Thread.sleep(400);
      assertThatThrownBy(l::check)
          .isInstanceOf(SweepLockedException.class)
          .hasMessageContaining("now held by elsewhere.example pid 1");
    }
    // Closing a lost lease leaves the new holder's file alone.
    assertThat(Files.readString(Path.of(file.toUri()))).contains("token=other");
  }

  private void writeLease(String text) throws Exception {
    Files.createDirectories(Path.of(file.toUri()).getParent());
    Files.writeString(Path.of(file.toUri()), text, StandardCharsets.UTF_8);
  }
}
