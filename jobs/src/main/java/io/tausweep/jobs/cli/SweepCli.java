package io.tausweep.jobs.cli;

import io.tausweep.analysis.ResultViews;
import io.tausweep.analysis.Table1;
import io.tausweep.jobs.driver.SparkSessions;
import io.tausweep.jobs.driver.SweepJob;
import io.tausweep.jobs.driver.UsageException;
import io.tausweep.jobs.store.DataDir;
import io.tausweep.jobs.store.HadoopSweepStore;
import io.tausweep.jobs.store.Lease;
import io.tausweep.jobs.store.SerializableConf;
import io.tausweep.jobs.store.StorageFailure;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.sweep.SweepConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code sweep} command line: {@code run} a sweep config on Spark and print Table 1, or run
 * {@code sql} over a result directory. Usage:
 *
 * <pre>
 *   sweep run conf/paper.conf --out /tmp/x [--master URL] [--conf key=value]...
 *   sweep sql --out /tmp/x [--csv] "SELECT method, count(*) FROM runs GROUP BY method"
 *   spark-submit --class io.tausweep.jobs.cli.SweepCli tausweep-jobs.jar run conf/paper.conf --out DIR
 * </pre>
 *
 * <p>Exit status ({@link ExitStatus}):
 *
 * <ul>
 *   <li>0: success (for {@code run}: every cell of the sweep is ok);
 *   <li>1: an internal error: one line on the console, {@code error: internal error: REASON (stack
 *       trace in LOG)}, and the stack trace in the log file (bin/sweep: {@code logs/tausweep.log});
 *   <li>2: bad input (a config value, a command-line value, missing or corrupt data, an output path
 *       to change), found before anything is written;
 *   <li>3: the sweep finished, but some cells failed;
 *   <li>4: another driver holds the sweep;
 *   <li>5: reading or writing the output directory failed while the command ran (a full disk, an
 *       exceeded quota): committed cells are kept, a rerun goes on from there.
 * </ul>
 *
 * Every status but 0 and 3 prints one line starting {@code error: }, naming the value or path and
 * the fix.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    versionProvider = SweepCli.Version.class,
    subcommands = {SweepCli.Run.class, SweepCli.Sql.class, SweepCli.ReportCommand.class},
    description =
        "Distributed, reproducible TauGate/PEFT sweeps on Spark, with SQL over the results.")
public final class SweepCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final PrintStream out;

  private SweepCli(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(execute(System.out, System.err, args));
  }

  /** Runs the command line; returns the exit status instead of exiting (for tests). */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new SweepCli(out));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> FailureReport.report(e, err, args));
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println(
              "error: "
                  + e.getMessage()
                  + " (see 'sweep "
                  + (e.getCommandLine().getCommandName().equals("sweep")
                      ? ""
                      : e.getCommandLine().getCommandName() + " ")
                  + "--help')");
          return ExitStatus.BAD_INPUT.code();
        });
    try {
      return cli.execute(args);
    } catch (Throwable e) {
      // An Error (a missing class, no memory left) passes picocli's handler.
      return FailureReport.report(e, err, args);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Spark connection options shared by the subcommands, named as in spark-submit. */
  static final class SparkOptions {
    @Option(
        names = "--master",
        paramLabel = "URL",
        description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Spark setting, repeatable")
    List<String> conf = new ArrayList<>();

    @Option(
        names = "--properties-file",
        paramLabel = "FILE",
        description = "Spark settings file (key value per line)")
    Path propertiesFile;

    /** The settings the user gave: --properties-file, then --conf, then --master. */
    private final java.util.Map<String, String> requested = new java.util.LinkedHashMap<>();

    /** The settings of the session these options make (read before the session starts). */
    SparkConf sparkConf(String app) {
      java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
      if (propertiesFile != null) {
        settings.putAll(readProperties(propertiesFile));
      }
      settings.putAll(SparkSessions.parseSettings(conf));
      requested.clear();
      requested.putAll(settings);
      if (master != null) {
        requested.put("spark.master", master);
      }
      return SparkSessions.conf(app, master, settings);
    }

    /** The command's session of {@code conf} (from {@link #sparkConf}): see SparkSessions.open. */
    SparkSessions.Scoped open(SparkConf conf) {
      return SparkSessions.open(conf, requested);
    }

    private static java.util.Map<String, String> readProperties(Path file) {
      java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String s = line.strip();
          if (s.isEmpty() || s.startsWith("#")) {
            continue;
          }
          String[] kv = s.split("[\\s=]+", 2);
          out.put(kv[0], kv.length > 1 ? kv[1].strip() : "");
        }
      } catch (IOException e) {
        throw new UsageException(
            "Invalid --properties-file: " + file + " (" + e.getMessage() + ")");
      }
      return out;
    }
  }

  /** {@code sweep run}: train every cell of a config and print Table 1. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run a sweep config on Spark, commit results to Parquet under --out, print Table 1.")
  static final class Run implements Callable<Integer> {
    @Parameters(
        index = "0",
        paramLabel = "CONF",
        description = "sweep config, e.g. conf/paper.conf")
    Path config;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description =
            "output directory: a local path or a Hadoop URI such as hdfs://HOST:PORT/DIR (created if missing)")
    String out;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "directory of the config's data set, a local path or a Hadoop URI (overrides data.dir,"
                + " or data.fashion-mnist-dir when data.dataset = fashion-mnist)")
    String dataDir;

    @Option(
        names = "--retry-failed",
        description = "rerun only the cells whose committed rows all failed")
    boolean retryFailed;

    @Option(
        names = "--cell-attempts",
        paramLabel = "N",
        defaultValue = "1",
        description =
            "tries per cell before it is recorded as failed (default 1; divergence is never retried)")
    int cellAttempts;

    @CommandLine.Mixin SparkOptions spark = new SparkOptions();

    @CommandLine.ParentCommand SweepCli parent;

    @Override
    public Integer call() throws IOException {
      PrintStream console = parent.out;
      // Everything that can be wrong with the input fails here, before output is created.
      SweepJob.Options options = new SweepJob.Options(retryFailed, cellAttempts);
      SweepConfig cfg = SweepConfig.load(config);
      SparkConf sparkConf = spark.sparkConf("tausweep " + cfg.name());
      HadoopSweepStore dir =
          HadoopSweepStore.forWriting(out, SerializableConf.fromSpark(sparkConf))
              .withSettings(sparkConf);
      dir.checkConfig(cfg);
      Mnist mnist =
          DataDir.load(
              cfg.dataset(), dataDir != null ? dataDir : cfg.dataDirOf(cfg.dataset()), dir.conf());
      // One driver per sweep: a second one refuses here, before Spark starts.
      boolean done = false;
      try (Lease lease = dir.lock(cfg.name())) {
        SparkSessions.Scoped scoped = spark.open(sparkConf);
        SparkSession session = scoped.session();
        try {
          SweepJob.Summary s = new SweepJob(session, cfg, dir, lease, console, options).run(mnist);
          ResultViews.register(session, dir.uri());
          console.println();
          if (cfg.hasAxes()) {
            // One row per setting would bury the comparison: the tuned table, selected on
            // validation; every setting is in the summary view.
            console.printf(
                Locale.ROOT,
                "Tuned Table 1, sweep %s (%s): per method the setting with the best mean"
                    + " validation accuracy at the angle, its test accuracies mean±std over seeds"
                    + " (every setting: SELECT * FROM summary):%n",
                cfg.name(),
                dir.display());
            console.print(
                io.tausweep.analysis.TunedTable.format(
                    io.tausweep.analysis.TunedTable.query(session, cfg.name())));
          } else {
            console.printf(
                Locale.ROOT,
                "Table 1, sweep %s (%s), mean±std over seeds, status ok only:%n",
                cfg.name(),
                dir.display());
            console.print(Table1.format(Table1.query(session, cfg.name())));
          }
          console.printf(
              Locale.ROOT,
              "%n[%s] %d cells: %d ran now, %d already committed, %d failed now; %.1f s%n",
              cfg.name(),
              s.total(),
              s.ran(),
              s.skipped(),
              s.failed(),
              s.wallSeconds());
          if (s.retriedTasks() > 0 || s.killedTasks() > 0) {
            console.printf(
                Locale.ROOT,
                "[%s] Spark retried %d failed task attempts and killed %d speculative copies;"
                    + " each cell was committed once%n",
                cfg.name(),
                s.retriedTasks(),
                s.killedTasks());
          }
          done = true;
          return (s.failed() > 0 ? ExitStatus.FAILED_CELLS : ExitStatus.OK).code();
        } finally {
          scoped.close();
        }
      } finally {
        if (!done) {
          dir.discardIfEmpty();
        }
      }
    }
  }

  /** The {@code --out} option of the commands that read a result directory. */
  static final class ResultDir {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "result directory of 'sweep run' (a local path or a Hadoop URI)")
    String out;
  }

  /** {@code sweep sql}: any SQL over the result views. */
  @Command(
      name = "sql",
      mixinStandardHelpOptions = true,
      description =
          "Run SQL over the views of a result directory (runs, epochs, neurons, cells, summary, paired) and print the rows.")
  static final class Sql implements Callable<Integer> {
    @CommandLine.Mixin ResultDir results;

    @Option(names = "--csv", description = "print plain CSV with a header")
    boolean csv;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "read the query from a .sql file")
    Path file;

    @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY", description = "the SQL query")
    String query;

    @Option(
        names = "--max-rows",
        paramLabel = "N",
        defaultValue = "1000",
        description = "rows printed as a table")
    int maxRows;

    @CommandLine.Mixin SparkOptions spark = new SparkOptions();

    @CommandLine.ParentCommand SweepCli parent;

    @Override
    public Integer call() throws IOException {
      if ((query == null) == (file == null)) {
        throw new UsageException(
            "Give exactly one of QUERY or -f FILE (e.g. sweep sql --out DIR \"SELECT * FROM runs\")");
      }
      if (maxRows < 0) {
        throw new UsageException("Invalid --max-rows: " + maxRows + " (must be 0 or more)");
      }
      String sql = query != null ? query : readQuery(file);
      SparkConf sparkConf = spark.sparkConf("tausweep sql");
      HadoopSweepStore dir =
          HadoopSweepStore.existing(results.out, SerializableConf.fromSpark(sparkConf));
      SparkSessions.Scoped scoped = spark.open(sparkConf);
      SparkSession session = scoped.session();
      try {
        ResultViews.register(session, dir.uri());
        Dataset<Row> df;
        try {
          df = session.sql(sql);
        } catch (Exception e) {
          if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
          }
          throw new UsageException(
              "Invalid query: "
                  + e.getMessage().lines().findFirst().orElse("")
                  + " (views: "
                  + String.join(", ", io.tausweep.analysis.ResultViews.VIEWS)
                  + ")");
        }
        PrintStream w = parent.out;
        if (csv) {
          printCsv(df, w);
        } else {
          w.print(TextTable.render(df.columns(), df.limit(maxRows + 1).collectAsList(), maxRows));
        }
        w.flush();
        return ExitStatus.OK.code();
      } finally {
        scoped.close();
      }
    }

    private static String readQuery(Path f) {
      try {
        return Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UsageException("Invalid -f: " + f + " (" + e.getMessage() + ")");
      }
    }

    private static void printCsv(Dataset<Row> df, PrintStream w) throws IOException {
      CSVPrinter p =
          new CSVPrinter(
              w,
              CSVFormat.DEFAULT.builder().setHeader(df.columns()).setRecordSeparator("\n").get());
      for (java.util.Iterator<Row> it = df.toLocalIterator(); it.hasNext(); ) {
        Row r = it.next();
        Object[] v = new Object[r.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = r.isNullAt(i) ? "" : TextTable.value(r.get(i));
        }
        p.printRecord(v);
      }
      p.flush();
    }
  }

  /** {@code sweep report}: Table 1 with CIs, paired comparisons and plots as Markdown and HTML. */
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description =
          "Write report.md and report.html (Table 1, paired comparisons, plots) under DIR/report/SWEEP/.")
  static final class ReportCommand implements Callable<Integer> {
    @CommandLine.Mixin ResultDir results;

    @Option(
        names = "--sweep",
        paramLabel = "NAME",
        description = "one sweep (default: every sweep in DIR)")
    String sweep;

    @Option(
        names = "--report-dir",
        paramLabel = "LOCAL_DIR",
        description =
            "local directory the report goes under (default: DIR itself when DIR is local; else the"
                + " report is also copied to DIR/report/)")
    Path reportDir;

    @CommandLine.Mixin SparkOptions spark = new SparkOptions();

    @CommandLine.ParentCommand SweepCli parent;

    @Override
    public Integer call() throws IOException {
      SparkConf sparkConf = spark.sparkConf("tausweep report");
      HadoopSweepStore dir =
          HadoopSweepStore.existing(results.out, SerializableConf.fromSpark(sparkConf));
      boolean local = HadoopSweepStore.isLocal(results.out);
      Path root = reportDir != null ? reportDir : local ? Path.of(dir.display()) : null;
      Path staging = null;
      if (root == null) {
        staging = Files.createTempDirectory("tausweep-report");
        root = staging;
      }
      SparkSessions.Scoped scoped = spark.open(sparkConf);
      SparkSession session = scoped.session();
      try {
        checkSweeps(session, dir, sweep);
        List<Path> written;
        try {
          written =
              io.tausweep.analysis.Report.write(session, dir.uri(), dir.display(), root, sweep);
        } catch (java.io.UncheckedIOException e) {
          throw new StorageFailure(
              e.getMessage() + " (free space there, or give another --report-dir)", e);
        }
        for (Path p : written) {
          parent.out.println("wrote " + p);
        }
        if (!local && reportDir == null) {
          for (String uri :
              dir.uploadReport(root.resolve(io.tausweep.analysis.Report.REPORT_DIR))) {
            parent.out.println("wrote " + uri);
          }
        }
        return ExitStatus.OK.code();
      } finally {
        scoped.close();
        if (staging != null) {
          deleteTree(staging);
        }
      }
    }
  }

  /**
   * Refuses a result directory without rows, or a {@code --sweep} it does not hold, naming the
   * sweeps it does.
   */
  private static void checkSweeps(SparkSession session, HadoopSweepStore dir, String sweep) {
    ResultViews.register(session, dir.uri());
    List<String> sweeps =
        session.sql("SELECT DISTINCT sweep FROM runs ORDER BY sweep").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList();
    if (sweeps.isEmpty()) {
      throw new UsageException(
          "No results in "
              + dir.display()
              + ": the runs table is empty (run 'bin/sweep run CONF --out "
              + dir.display()
              + "' first)");
    }
    if (sweep != null && !sweeps.contains(sweep)) {
      throw new UsageException(
          "Invalid --sweep: "
              + sweep
              + " (no such sweep in "
              + dir.display()
              + "; sweeps there: "
              + String.join(", ", sweeps)
              + ")");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Prints tausweep's, DL4J's and Spark's versions. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "tausweep " + io.tausweep.model.BuildInfo.codeVersion(),
        "Deeplearning4j " + io.tausweep.model.BuildInfo.dl4jVersion(),
        "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
      };
    }
  }
}
