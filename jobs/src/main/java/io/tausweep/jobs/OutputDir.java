package io.tausweep.jobs;

import io.tausweep.analysis.ResultSchema;
import io.tausweep.model.config.SweepConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A sweep output directory and its layout: {@code runs/} and {@code epochs/} (Hive-partitioned
 * Parquet), {@code foundations/<id>.zip} (cached DL4J models) and {@code sweeps/<name>/config.conf}
 * (the resolved config each sweep ran with). Validated before anything is created.
 */
public final class OutputDir {
  static final String FOUNDATIONS = "foundations";
  static final String SWEEPS = "sweeps";
  static final String CONFIG_FILE = "config.conf";
  /** The fix a failed write of results names: nothing committed is lost, a rerun goes on from there. */
  static final String WRITE_FIX =
      " (free disk space or make --out writable, then rerun the same command: committed cells are kept)";
  private static final Pattern HASH_LINE = Pattern.compile("config hash ([0-9a-f]+)");

  private final Path root;

  private OutputDir(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /**
   * Checks that {@code dir} can hold this sweep: a directory or creatable as one, writable, and
   * not holding the same sweep name run with a different config. Creates nothing.
   */
  public static OutputDir validate(Path dir, SweepConfig cfg) {
    Path root = dir.toAbsolutePath().normalize();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new UsageException("Invalid --out: " + dir + " is a file (give a directory path; it is created if missing)");
    }
    Path existing = root;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new UsageException("Invalid --out: " + dir + " (" + existing + " is not a directory; choose a path under a"
          + " writable directory)");
    }
    if (!Files.isWritable(existing)) {
      throw new UsageException("Invalid --out: " + dir + " (" + existing + " is not writable; choose a writable"
          + " directory)");
    }
    OutputDir out = new OutputDir(root);
    Path recorded = out.configFile(cfg.name());
    if (Files.isRegularFile(recorded)) {
      String had = recordedHash(recorded);
      if (!cfg.hash().equals(had)) {
        throw new UsageException("Sweep '" + cfg.name() + "' in " + root + " was run with config hash " + had
            + ", this config has " + cfg.hash() + " (use another --out or sweep.name, or the original config to resume)");
      }
    }
    return out;
  }

  /** Opens an existing output directory for reading. */
  public static OutputDir existing(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve(ResultSchema.RUNS))) {
      throw new UsageException("No results in " + dir + " (run 'bin/sweep run CONF --out " + dir
          + "' first, or fix --out)");
    }
    return new OutputDir(root);
  }

  /**
   * Creates the layout and records the config (once per sweep name).
   *
   * @throws UsageException when the directory cannot be written (a file system that {@link #validate} could not
   *     foresee, e.g. read-only or full), naming the directory and the cause
   */
  void create(SweepConfig cfg) {
    Path file = configFile(cfg.name());
    Path tmp = null;
    try {
      Files.createDirectories(root.resolve(FOUNDATIONS));
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        tmp = Files.createTempFile(file.getParent(), ".config", ".tmp");
        Files.writeString(tmp, cfg.render(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      if (tmp != null) {
        ParquetAppender.deleteAll(List.of(tmp), e);
      }
      throw new UsageException("Cannot create the output directory " + root + ": " + cause(e)
          + " (choose a --out on a writable file system with free space)");
    }
  }

  /** A file system error in a few words: the OS's reason where it gives one (e.g. "No space left on device"). */
  static String cause(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f) {
      String what = e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
          : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      return f.getFile() == null ? what : what + " (" + f.getFile() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  Path configFile(String sweep) {
    return root.resolve(SWEEPS).resolve(sweep).resolve(CONFIG_FILE);
  }

  String foundationsUri() {
    String uri = root.resolve(FOUNDATIONS).toUri().toString();
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  /** The cells of {@code sweep} in the runs table: id to whether any of its rows is {@code ok}. */
  Map<String, Boolean> committedCells(SparkSession spark, String sweep) {
    Map<String, Boolean> cells = new HashMap<>();
    Path part = root.resolve(ResultSchema.RUNS).resolve("sweep=" + sweep);
    if (!Files.isDirectory(part)) {
      return cells;
    }
    spark.read().schema(ResultSchema.RUNS_SCHEMA).option("basePath", root.resolve(ResultSchema.RUNS).toString())
        .parquet(part.toString()).groupBy("cell_id")
        .agg(org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.expr("status = 'ok'")))
        .toLocalIterator().forEachRemaining(r -> cells.put(r.getString(0), r.getBoolean(1)));
    return cells;
  }

  /**
   * Commits one batch of cells: the side tables first, then the runs table, the commit record (a batch whose runs
   * rows exist is complete). If a file cannot be written, the files this commit already wrote are deleted, so the
   * batch leaves no rows behind and a rerun runs its cells again.
   *
   * @throws UsageException naming the table, the directory and the cause
   */
  void commit(List<Row> epochs, List<Row> neurons, List<Row> runs) {
    List<Path> written = new ArrayList<>();
    try {
      written.addAll(append(epochs, ResultSchema.EPOCHS, ResultSchema.EPOCHS_SCHEMA, ResultSchema.EPOCHS_PARTITIONS));
      written.addAll(append(neurons, ResultSchema.NEURONS, ResultSchema.NEURONS_SCHEMA,
          ResultSchema.NEURONS_PARTITIONS));
      written.addAll(append(runs, ResultSchema.RUNS, ResultSchema.RUNS_SCHEMA, ResultSchema.RUNS_PARTITIONS));
    } catch (UsageException e) {
      ParquetAppender.deleteAll(written, e);
      throw e;
    }
  }

  /** Appends a foundation's epochs (no runs rows: foundations are committed as their model files). */
  void appendEpochs(List<Row> rows) {
    append(rows, ResultSchema.EPOCHS, ResultSchema.EPOCHS_SCHEMA, ResultSchema.EPOCHS_PARTITIONS);
  }

  /** Appends rows to a table from the driver, one new file per partition ({@link ParquetAppender}). */
  private List<Path> append(List<Row> rows, String table, org.apache.spark.sql.types.StructType schema,
      List<String> partitions) {
    if (rows.isEmpty()) {
      return List.of();
    }
    try {
      return ParquetAppender.append(root.resolve(table), schema, partitions, rows);
    } catch (java.io.UncheckedIOException e) {
      // ParquetAppender leaves none of this call's files behind.
      throw new UsageException("Cannot write the " + table + " table under " + root + ": " + cause(e.getCause())
          + WRITE_FIX);
    }
  }

  private static String recordedHash(Path file) {
    try {
      Matcher m = HASH_LINE.matcher(Files.readString(file, StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : "unknown";
    } catch (IOException e) {
      throw new UsageException("Cannot read " + file + ": " + e.getMessage() + " (check the output directory)");
    }
  }
}
