package io.tausweep.jobs.store;

import io.tausweep.model.sweep.SweepConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * What the sweep needs of its output directory: record the config, lock the sweep against a second
 * driver, read the committed cell ids, commit a batch of cells exactly once, and save and load
 * foundations. The commit protocol (which file is written when, and how a file is published on each
 * kind of file system) lives behind it, in one place ({@link HadoopSweepStore}; {@code
 * docs/storage.md}).
 */
public interface SweepStore {
  /**
   * The output directory as users name it: a local path for the local file system, else its URI.
   */
  String display();

  /** The output directory's URI, for Spark's readers. */
  String uri();

  /** Creates the layout and records the config the first time a sweep of that name runs here. */
  void create(SweepConfig cfg);

  /**
   * Takes the sweep's lease for this driver.
   *
   * @throws SweepLockedException when another live driver holds it
   */
  Lease lock(String sweep);

  /**
   * Removes what a batch cut short left behind (side-table files of a batch without runs rows); the
   * count.
   */
  int rollBack(String sweep);

  /** The cells of {@code sweep} in the runs table: id to whether any of its rows is {@code ok}. */
  Map<String, Boolean> committedCells(String sweep);

  /**
   * Commits a batch: the side tables first, then the runs rows, which mark the batch complete. A
   * cell already committed (by an earlier batch, or by another driver) is dropped, so no cell ever
   * gets a second row; with {@code retryFailed}, a cell whose committed rows all failed gets its
   * new attempt's row (a cell already ok is still dropped). If a file cannot be written, the files
   * of this commit are deleted again and the batch leaves no rows behind.
   *
   * @return the ids dropped as already committed
   * @throws StoreException naming the table, the directory and the fix
   */
  List<String> commit(String sweep, List<CellRows> batch, boolean retryFailed);

  /** Appends a foundation's epochs (no runs rows: a foundation is committed as its model file). */
  void appendFoundationEpochs(List<Row> rows);

  /**
   * Writes a small token file under the output directory (the preflight reads it from a task); its
   * URI.
   */
  String writeToken(String text);

  /** Deletes a token file {@link #writeToken} wrote. */
  void deleteToken(String uri);

  /**
   * The foundations directory, for tasks, which open it with the broadcast Hadoop configuration.
   */
  FoundationStore foundations(Broadcast<SerializableConf> conf);

  /** One cell's rows: its runs row and the side tables' rows. */
  record CellRows(String cellId, Row run, List<Row> epochs, List<Row> neurons) {
    public CellRows {
      Objects.requireNonNull(cellId, "cellId");
      Objects.requireNonNull(run, "run");
      epochs = List.copyOf(epochs);
      neurons = List.copyOf(neurons);
    }
  }
}
