package io.tausweep.jobs.store;

import io.tausweep.analysis.ResultSchema;
import io.tausweep.model.sweep.SweepConfig;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A sweep output directory on any Hadoop file system: {@code runs/}, {@code epochs/} and {@code
 * neurons/} (Hive-partitioned Parquet), {@code foundations/ID.zip} (DL4J models), {@code
 * sweeps/NAME/config.conf} (the resolved config each sweep ran with) and {@code
 * sweeps/NAME/driver.lease} (the driver running it).
 *
 * <p>Commit protocol: a batch's files are named for the batch; the side tables go first and the
 * runs files last, each file published whole ({@link Fs#publish}). A batch is committed when a runs
 * file of its name exists; side files of a batch without one were left by a driver that died in
 * between, and {@link #rollBack} deletes them before the next driver commits anything. Committed
 * cell ids are read from the runs files themselves (only the files not seen before, at each
 * commit), so a cell already committed by anyone is never written again.
 *
 * <p>Where {@code --out} is and whether it can be used is {@link OutputLocation}'s. This class
 * keeps the commit protocol's three sides (commit, reading committed cells, roll-back) together,
 * since they must agree on every file name and order; that is why it runs a little over 500 lines.
 */
public final class HadoopSweepStore implements SweepStore {
  private static final Logger LOG = LogManager.getLogger(HadoopSweepStore.class);
  static final String FOUNDATIONS = "foundations";
  static final String SWEEPS = "sweeps";
  static final String CONFIG_FILE = "config.conf";
  static final String LEASE_FILE = "driver.lease";

  /** Spark setting: a lease's time to live in milliseconds (renewed every quarter of it). */
  public static final String LEASE_TTL = "spark.tausweep.lease.ttl-ms";

  /**
   * Spark setting: publish files by a single write instead of a rename ({@code true} on object
   * stores).
   */
  public static final String DIRECT_WRITE = "spark.tausweep.store.direct-write";

  /**
   * Spark setting that makes a commit stop after the side tables, as a driver killed there would
   * (tests).
   */
  public static final String INJECT_CRASH = "spark.tausweep.inject.crash-after-side-tables";

  /**
   * The fix a failed write of results names: nothing committed is lost, a rerun goes on from there.
   */
  public static final String WRITE_FIX =
      " (free space or make --out writable, then rerun the same command: committed cells are kept)";

  private static final Pattern HASH_LINE = Pattern.compile("config hash ([0-9a-f]+)");
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private final Path root;
  private final String display;
  private final FileSystem fs;
  private final Configuration conf;
  private boolean objectStore;

  /** Whether the output directory existed before this store was opened (null: not known yet). */
  private Boolean rootExisted;

  private long leaseTtlMs = Lease.DEFAULT_TTL_MS;
  private boolean crashAfterSideTables;

  /** Committed cells per sweep, from the runs files read so far. */
  private final Map<String, Index> indexes = new HashMap<>();

  private HadoopSweepStore(OutputLocation at, Configuration conf) {
    this.root = at.root();
    this.display = at.display();
    this.fs = at.fs();
    this.conf = conf;
    this.objectStore = at.objectStore();
  }

  private static HadoopSweepStore open(String out, Configuration conf) {
    return new HadoopSweepStore(OutputLocation.open(out, conf), conf);
  }

  /** What is known of one sweep's runs files: their cells and the batches they commit. */
  private static final class Index {
    final Map<String, Boolean> cells = new HashMap<>();
    final Set<String> files = new HashSet<>();
    final Set<String> batches = new HashSet<>();
  }

  /**
   * The output directory {@code out} (a local path or a Hadoop URI), checked without creating
   * anything: its file system exists on the classpath and answers, it is a directory or creatable
   * as one, and writable.
   *
   * @throws StoreException naming {@code out} and the fix
   */
  public static HadoopSweepStore forWriting(String out, Configuration conf) {
    OutputLocation at = OutputLocation.open(out, conf);
    HadoopSweepStore store = new HadoopSweepStore(at, conf);
    store.rootExisted = at.checkWritable(out, conf);
    return store;
  }

  /**
   * Removes the output directory again if this run created it and it holds no file (a run refused
   * before it wrote anything, e.g. by the preflight, leaves nothing behind).
   */
  public void discardIfEmpty() {
    if (!Boolean.FALSE.equals(rootExisted)) {
      return;
    }
    try {
      if (!fs.listFiles(root, true).hasNext()) {
        fs.delete(root, true);
      }
    } catch (IOException e) {
      LOG.warn("Could not remove the empty output directory {}: {}", display, Fs.reason(e));
    }
  }

  /**
   * An existing output directory, for reading.
   *
   * @throws StoreException when it holds no results
   */
  public static HadoopSweepStore existing(String out, Configuration conf) {
    HadoopSweepStore store = open(out, conf);
    try {
      if (!store.fs.getFileStatus(new Path(store.root, ResultSchema.RUNS)).isDirectory()) {
        throw new FileNotFoundException();
      }
    } catch (FileNotFoundException e) {
      throw new StoreException(
          "No results in "
              + out
              + " (run 'bin/sweep run CONF --out "
              + out
              + "' first, or fix --out)");
    } catch (IOException e) {
      throw new StoreException(
          "Cannot read --out " + out + ": " + Fs.reason(e) + OutputLocation.hint(store.root));
    }
    return store;
  }

  /**
   * Applies the store's Spark settings ({@link #LEASE_TTL}, {@link #DIRECT_WRITE}, {@link
   * #INJECT_CRASH}).
   */
  public HadoopSweepStore withSettings(org.apache.spark.SparkConf spark) {
    String ttl = spark.get(LEASE_TTL, Long.toString(Lease.DEFAULT_TTL_MS)).strip();
    try {
      leaseTtlMs = Long.parseLong(ttl);
    } catch (NumberFormatException e) {
      leaseTtlMs = -1;
    }
    if (leaseTtlMs < 100) {
      throw new StoreException(
          "Invalid " + LEASE_TTL + ": " + ttl + " (a whole number of milliseconds, at least 100)");
    }
    crashAfterSideTables = flag(spark, INJECT_CRASH, false);
    objectStore = flag(spark, DIRECT_WRITE, objectStore);
    return this;
  }

  private static boolean flag(org.apache.spark.SparkConf spark, String key, boolean unset) {
    String v = spark.get(key, Boolean.toString(unset)).strip().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new StoreException("Invalid " + key + ": " + spark.get(key) + " (true or false)");
    }
    return v.equals("true");
  }

  /**
   * Refuses {@code cfg} when a sweep of its name was already run here with another config.
   *
   * @throws StoreException naming both config hashes and what to do
   */
  public void checkConfig(SweepConfig cfg) {
    Path recorded = configFile(cfg.name());
    String text;
    try {
      text = new String(Fs.readAll(fs, recorded), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      return;
    } catch (IOException e) {
      throw new StorageFailure(
          "Cannot read " + recorded + ": " + Fs.reason(e) + " (check the output directory)");
    }
    Matcher m = HASH_LINE.matcher(text);
    String had = m.find() ? m.group(1) : "unknown";
    if (!cfg.hash().equals(had)) {
      throw new StoreException(
          "Sweep '"
              + cfg.name()
              + "' in "
              + display
              + " was run with config hash "
              + had
              + ", this config has "
              + cfg.hash()
              + " (use another --out or sweep.name, or the original config to resume)");
    }
  }

  @Override
  public String display() {
    return display;
  }

  @Override
  public String uri() {
    return root.toString();
  }

  /** The Hadoop configuration the store's files are opened with. */
  public Configuration conf() {
    return conf;
  }

  Path configFile(String sweep) {
    return new Path(new Path(new Path(root, SWEEPS), sweep), CONFIG_FILE);
  }

  @Override
  public void create(SweepConfig cfg) {
    Path file = configFile(cfg.name());
    try {
      fs.mkdirs(new Path(root, FOUNDATIONS));
      if (!fs.exists(file)) {
        fs.mkdirs(file.getParent());
        Fs.publish(fs, file, cfg.render().getBytes(StandardCharsets.UTF_8), objectStore);
      }
    } catch (IOException | FSError e) {
      throw new StorageFailure(
          "Cannot create the output directory "
              + display
              + ": "
              + Fs.reason(e)
              + " (choose a --out on a writable file system with free space)",
          e);
    }
  }

  @Override
  public Lease lock(String sweep) {
    Path file = new Path(new Path(new Path(root, SWEEPS), sweep), LEASE_FILE);
    try {
      return Lease.acquire(fs, file, "Sweep '" + sweep + "' in " + display, leaseTtlMs);
    } catch (IOException | FSError e) {
      throw new StorageFailure(
          "Cannot take the lease " + file + ": " + Fs.reason(e) + WRITE_FIX, e);
    }
  }

  @Override
  public FoundationStore foundations(Broadcast<SerializableConf> broadcastConf) {
    return new FoundationStore(new Path(root, FOUNDATIONS).toString(), objectStore, broadcastConf);
  }

  private Path partition(String table, String sweep) {
    return new Path(new Path(root, table), "sweep=" + sweep);
  }

  @Override
  public Map<String, Boolean> committedCells(String sweep) {
    return Map.copyOf(refresh(sweep).cells);
  }

  /** Reads the runs files of {@code sweep} not read before. */
  private Index refresh(String sweep) {
    Index index = indexes.computeIfAbsent(sweep, s -> new Index());
    Path dir = partition(ResultSchema.RUNS, sweep);
    try {
      for (LocatedFileStatus f : dataFiles(dir)) {
        String name = f.getPath().getName();
        if (index.files.add(name)) {
          readCells(f.getPath(), index.cells);
          String batch = ParquetAppender.batchOf(name);
          if (batch != null) {
            index.batches.add(batch);
          }
        }
      }
    } catch (IOException e) {
      throw new StorageFailure(
          "Cannot read the runs table under "
              + display
              + ": "
              + Fs.reason(e)
              + " (check the output directory and the file system)",
          e);
    }
    return index;
  }

  /** The visible Parquet files under {@code dir}, recursively (none when it does not exist). */
  private List<LocatedFileStatus> dataFiles(Path dir) throws IOException {
    List<LocatedFileStatus> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it;
    try {
      it = fs.listFiles(dir, true);
    } catch (FileNotFoundException e) {
      return files;
    }
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      String name = f.getPath().getName();
      if (!name.startsWith(".") && !name.startsWith("_") && name.endsWith(".parquet")) {
        files.add(f);
      }
    }
    return files;
  }

  /**
   * Adds each (cell_id, status = 'ok') of a runs file to {@code cells}, reading those two columns
   * only.
   */
  private void readCells(Path file, Map<String, Boolean> cells) throws IOException {
    MessageType schema;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      schema = r.getFooter().getFileMetaData().getSchema();
    }
    MessageType projection =
        new MessageType("cells", schema.getType("cell_id"), schema.getType("status"));
    Configuration c = new Configuration(conf);
    c.set(ReadSupport.PARQUET_READ_SCHEMA, projection.toString());
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(c).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        boolean ok = "ok".equals(g.getString("status", 0));
        cells.merge(g.getString("cell_id", 0), ok, Boolean::logicalOr);
      }
    }
  }

  @Override
  public int rollBack(String sweep) {
    Index index = refresh(sweep);
    int removed = 0;
    try {
      for (String table : List.of(ResultSchema.EPOCHS, ResultSchema.NEURONS)) {
        for (LocatedFileStatus f : dataFiles(partition(table, sweep))) {
          String batch = ParquetAppender.batchOf(f.getPath().getName());
          if (batch != null && batch.startsWith("b") && !index.batches.contains(batch)) {
            LOG.warn(
                "Removing {}: its batch {} was never committed (a driver stopped between the side tables and"
                    + " the runs rows)",
                f.getPath(),
                batch);
            fs.delete(f.getPath(), false);
            removed++;
          }
        }
      }
    } catch (IOException e) {
      throw new StorageFailure(
          "Cannot clean up an unfinished batch under " + display + ": " + Fs.reason(e) + WRITE_FIX,
          e);
    }
    return removed;
  }

  /** A new batch id: a kind letter ('b' a cell batch, 'f' foundation epochs) and 16 hex digits. */
  private static String batchId(char kind) {
    return kind + String.format(Locale.ROOT, "%016x", RANDOM.nextLong());
  }

  @Override
  public List<String> commit(String sweep, List<CellRows> batch, boolean retryFailed) {
    Index index = refresh(sweep);
    List<String> dropped = new ArrayList<>();
    List<Row> runs = new ArrayList<>();
    List<Row> epochs = new ArrayList<>();
    List<Row> neurons = new ArrayList<>();
    Set<String> inBatch = new HashSet<>();
    for (CellRows c : batch) {
      Boolean committedOk = index.cells.get(c.cellId());
      boolean again = committedOk != null && (committedOk || !retryFailed);
      if (again || !inBatch.add(c.cellId())) {
        dropped.add(c.cellId());
        continue;
      }
      runs.add(c.run());
      epochs.addAll(c.epochs());
      neurons.addAll(c.neurons());
    }
    if (!dropped.isEmpty()) {
      LOG.warn(
          "Sweep {}: {} cells of this batch were already committed and are not written again: {}",
          sweep,
          dropped.size(),
          dropped);
    }
    if (runs.isEmpty()) {
      return dropped;
    }
    String id = batchId('b');
    List<Path> written = new ArrayList<>();
    try {
      written.addAll(
          append(
              ResultSchema.EPOCHS,
              id,
              ResultSchema.EPOCHS_SCHEMA,
              ResultSchema.EPOCHS_PARTITIONS,
              epochs));
      written.addAll(
          append(
              ResultSchema.NEURONS,
              id,
              ResultSchema.NEURONS_SCHEMA,
              ResultSchema.NEURONS_PARTITIONS,
              neurons));
    } catch (StoreException e) {
      ParquetAppender.deleteAll(fs, written, e);
      throw e;
    }
    if (crashAfterSideTables) {
      throw new IllegalStateException(
          "injected crash after the side tables of batch " + id + " (" + INJECT_CRASH + ")");
    }
    List<Path> runFiles;
    try {
      runFiles =
          append(
              ResultSchema.RUNS, id, ResultSchema.RUNS_SCHEMA, ResultSchema.RUNS_PARTITIONS, runs);
    } catch (StoreException e) {
      ParquetAppender.deleteAll(fs, written, e);
      throw e;
    }
    runFiles.forEach(p -> index.files.add(p.getName()));
    index.batches.add(id);
    for (Row r : runs) {
      index.cells.merge(
          r.getString(ResultSchema.RUNS_SCHEMA.fieldIndex("cell_id")),
          "ok".equals(r.getString(ResultSchema.RUNS_SCHEMA.fieldIndex("status"))),
          Boolean::logicalOr);
    }
    return dropped;
  }

  @Override
  public void appendFoundationEpochs(List<Row> rows) {
    append(
        ResultSchema.EPOCHS,
        batchId('f'),
        ResultSchema.EPOCHS_SCHEMA,
        ResultSchema.EPOCHS_PARTITIONS,
        rows);
  }

  private List<Path> append(
      String table, String batch, StructType schema, List<String> partitions, List<Row> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    try {
      return ParquetAppender.append(
          fs, new Path(root, table), batch, objectStore, schema, partitions, rows);
    } catch (UncheckedIOException e) {
      // ParquetAppender leaves none of this call's files behind.
      throw new StorageFailure(
          "Cannot write the "
              + table
              + " table under "
              + display
              + ": "
              + Fs.reason(e.getCause())
              + WRITE_FIX,
          e);
    }
  }

  @Override
  public String writeToken(String text) {
    Path p = new Path(root, "_preflight-" + java.util.UUID.randomUUID());
    try {
      Fs.publish(fs, p, text.getBytes(StandardCharsets.UTF_8), objectStore);
      return p.toString();
    } catch (IOException | FSError e) {
      throw new StorageFailure(
          "Cannot write under --out " + display + ": " + Fs.reason(e) + WRITE_FIX, e);
    }
  }

  @Override
  public void deleteToken(String uri) {
    Path p = new Path(uri);
    try {
      fs.delete(p, false);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", p, Fs.reason(e));
    }
  }

  /**
   * Copies a report written locally ({@code localReportDir}, holding one directory per sweep) to
   * {@code report/} under the output directory, file by file, each published whole; returns the
   * URIs written.
   */
  public List<String> uploadReport(java.nio.file.Path localReportDir) {
    List<String> written = new ArrayList<>();
    try (var files = java.nio.file.Files.walk(localReportDir)) {
      for (java.nio.file.Path f :
          files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
        String rel =
            localReportDir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
        Path target = new Path(new Path(root, "report"), rel);
        fs.mkdirs(target.getParent());
        Fs.publish(fs, target, java.nio.file.Files.readAllBytes(f), objectStore);
        written.add(target.toString());
      }
    } catch (IOException | FSError e) {
      throw new StorageFailure(
          "Cannot copy the report to "
              + display
              + "/report: "
              + Fs.reason(e)
              + " (give --report-dir LOCAL_DIR to keep it locally)",
          e);
    }
    return written;
  }

  /** Whether {@code out} names a local path (or a {@code file:} URI). */
  public static boolean isLocal(String out) {
    return Fs.isLocal(OutputLocation.rootOf(out));
  }
}
