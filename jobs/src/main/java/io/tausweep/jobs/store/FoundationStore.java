package io.tausweep.jobs.store;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;

/**
 * The foundations directory as executors see it: each foundation one model file, {@code ID.zip},
 * saved by the task that trained it and loaded by the cells built on it, on whatever file system
 * {@code --out} is, with the driver's Hadoop configuration. Serializable: it travels inside tasks.
 */
public final class FoundationStore implements Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final String dir;
  private final boolean objectStore;
  private final Broadcast<SerializableConf> conf;

  FoundationStore(String dir, boolean objectStore, Broadcast<SerializableConf> conf) {
    this.dir = dir;
    this.objectStore = objectStore;
    this.conf = conf;
  }

  /** The model file of foundation {@code id}. */
  public String file(String id) {
    return dir + "/" + id + ".zip";
  }

  /**
   * Whether foundation {@code id} was saved.
   *
   * @throws StorageFailure when the foundations directory cannot be read: the sweep stops
   */
  public boolean exists(String id) {
    Path p = new Path(file(id));
    try {
      return fs(p).exists(p);
    } catch (IOException e) {
      throw new StorageFailure("Cannot read " + p + ": " + Fs.reason(e), e);
    }
  }

  public byte[] load(String id) throws IOException {
    Path p = new Path(file(id));
    return Fs.readAll(fs(p), p);
  }

  /**
   * Saves a foundation's bytes whole (a concurrent or speculative writer of the same foundation
   * writes the same bytes, so either copy may stay).
   *
   * @throws StorageFailure when the file cannot be written (a full or read-only file system): the
   *     sweep stops
   */
  public void save(String id, byte[] bytes) {
    Path p = new Path(file(id));
    try {
      Fs.publish(fs(p), p, bytes, objectStore);
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      throw new StorageFailure("Cannot write " + p + ": " + Fs.reason(e), e);
    }
  }

  private FileSystem fs(Path p) throws IOException {
    return Fs.of(p, conf.value().get());
  }
}
