package io.tausweep.jobs.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one driver allowed to run a sweep: a lease file taken by an atomic create-if-absent, naming
 * its holder (host, pid, start time), renewed while the sweep runs (its modification time, by the
 * file system's clock), and deleted when the driver ends. A second driver finds the file and
 * refuses; a lease not renewed within its time to live, or whose holder's process is gone from this
 * host, is taken over (logged). Closing releases it.
 *
 * <p>The lease keeps two drivers from training the same cells; it is not what keeps results exactly
 * once: every commit also drops cells already committed ({@link HadoopSweepStore#commit}), so a
 * mistaken take-over cannot duplicate a row.
 */
public final class Lease implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Lease.class);

  /** Default time to live of a lease that is not renewed. */
  public static final long DEFAULT_TTL_MS = 60_000;

  private final FileSystem fs;
  private final Path file;
  private final String token;
  private final long ttlMs;
  private final ScheduledExecutorService renewer;
  private final AtomicReference<String> lost = new AtomicReference<>();

  private Lease(FileSystem fs, Path file, String token, long ttlMs) {
    this.fs = fs;
    this.file = file;
    this.token = token;
    this.ttlMs = ttlMs;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tausweep-lease-renewer");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(50, ttlMs / 4);
    renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /** The holder a lease file names. */
  record Holder(String token, String host, long pid, String pidStart, String started) {
    static Holder parse(String text) {
      Map<String, String> kv = new LinkedHashMap<>();
      text.lines()
          .map(l -> l.split("=", 2))
          .filter(a -> a.length == 2)
          .forEach(a -> kv.put(a[0].strip(), a[1].strip()));
      long pid;
      try {
        pid = Long.parseLong(kv.getOrDefault("pid", "-1"));
      } catch (NumberFormatException e) {
        pid = -1;
      }
      return new Holder(
          kv.getOrDefault("token", ""),
          kv.getOrDefault("host", "?"),
          pid,
          kv.getOrDefault("pid-start", ""),
          kv.getOrDefault("started", "?"));
    }

    String render() {
      return "token="
          + token
          + "\nhost="
          + host
          + "\npid="
          + pid
          + "\npid-start="
          + pidStart
          + "\nstarted="
          + started
          + "\n";
    }

    String describe() {
      return host + " pid " + pid + " (started " + started + ")";
    }

    /**
     * Whether this holder is a process of this host that no longer runs (pid gone, or reused by
     * another).
     */
    boolean goneFromThisHost() {
      if (!host.equals(thisHost()) || pid <= 0) {
        return false;
      }
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isEmpty() || !p.get().isAlive()) {
        return true;
      }
      return !pidStart.isEmpty() && !pidStart.equals(startOf(p.get()));
    }
  }

  /**
   * Takes the lease of {@code file} for this process.
   *
   * @throws SweepLockedException when a live driver holds it
   * @throws IOException when the file system fails
   */
  static Lease acquire(FileSystem fs, Path file, String what, long ttlMs) throws IOException {
    ProcessHandle self = ProcessHandle.current();
    Holder me =
        new Holder(
            UUID.randomUUID().toString(),
            thisHost(),
            self.pid(),
            startOf(self),
            Instant.now().toString());
    byte[] content = me.render().getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < 3; attempt++) {
      if (Fs.createExclusive(fs, file, content)) {
        return new Lease(fs, file, me.token(), ttlMs);
      }
      FileStatus st;
      Holder held;
      try {
        st = fs.getFileStatus(file);
        held = Holder.parse(new String(Fs.readAll(fs, file), StandardCharsets.UTF_8));
      } catch (FileNotFoundException e) {
        continue; // released in between: try again
      }
      long age = System.currentTimeMillis() - st.getModificationTime();
      boolean expired = age > ttlMs;
      boolean gone = held.goneFromThisHost();
      if (!expired && !gone) {
        throw new SweepLockedException(
            what
                + " is being run by another driver: "
                + held.describe()
                + ", lease "
                + file
                + " renewed "
                + Math.max(0, age / 1000)
                + " s ago (wait for it to finish or stop it; a lease not"
                + " renewed for "
                + ttlMs / 1000
                + " s is taken over)");
      }
      // Take-over: move the stale file aside (one mover wins), check it is the one judged stale,
      // then create anew.
      Path aside = new Path(file.getParent(), "." + file.getName() + ".stale-" + UUID.randomUUID());
      if (!fs.rename(file, aside)) {
        continue;
      }
      Holder moved = Holder.parse(new String(Fs.readAll(fs, aside), StandardCharsets.UTF_8));
      fs.delete(aside, false);
      if (!moved.token().equals(held.token())) {
        throw new SweepLockedException(
            what
                + " was taken by another driver during a take-over ("
                + moved.describe()
                + "; wait for it to finish or stop it)");
      }
      LOG.warn(
          "Took over the lease of {} from {}: {}",
          what,
          held.describe(),
          gone ? "its process is gone" : "not renewed for " + age / 1000 + " s");
    }
    throw new SweepLockedException(
        what
            + ": the lease "
            + file
            + " keeps changing hands (another driver is starting;"
            + " wait for it to finish or stop it)");
  }

  /**
   * Fails when the lease was lost (taken over, or its file removed): the sweep must stop
   * committing.
   */
  public void check() {
    String why = lost.get();
    if (why != null) {
      throw new SweepLockedException(
          "Lost the lease "
              + file
              + ": "
              + why
              + " (another driver took the sweep over;"
              + " committed cells are kept, rerun once it has finished)");
    }
  }

  private void renew() {
    try {
      Holder now = Holder.parse(new String(Fs.readAll(fs, file), StandardCharsets.UTF_8));
      if (!now.token().equals(token)) {
        lost.compareAndSet(null, "now held by " + now.describe());
        renewer.shutdown();
        return;
      }
      if (Fs.isObjectStore(file.toUri())) {
        // No modification times to set on an object store: the lease is written again.
        try (var out = Fs.create(fs, file, true)) {
          out.write(now.render().getBytes(StandardCharsets.UTF_8));
        }
      } else {
        fs.setTimes(file, System.currentTimeMillis(), -1);
      }
    } catch (FileNotFoundException e) {
      lost.compareAndSet(null, "its file was removed");
      renewer.shutdown();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not renew the lease {}: {}", file, Fs.reason(e));
    }
  }

  long ttlMs() {
    return ttlMs;
  }

  /** Releases the lease (deletes its file if it is still ours). */
  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      Holder now = Holder.parse(new String(Fs.readAll(fs, file), StandardCharsets.UTF_8));
      if (now.token().equals(token)) {
        fs.delete(file, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not release the lease {}: {}", file, Fs.reason(e));
    }
  }

  static String thisHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static String startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString).orElse("");
  }
}
