package io.tausweep.model.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import io.tausweep.model.config.Budget;
import io.tausweep.model.config.ConfigError;
import io.tausweep.model.config.ConfigReader;
import io.tausweep.model.data.Dataset;
import io.tausweep.model.data.FashionMnistPackage;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Methods;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A sweep: its name, the grid of methods x seeds x angles x lambdas, and its hyperparameter axes
 * ({@link Axes}: any sweepable key given as a list, or a range for random search), expanded into
 * {@link Setting}s. Parsed from a HOCON file and validated whole before anything runs.
 *
 * @param name sweep name; a safe directory name, so it cannot escape the output directory
 * @param methods configured methods, in the order given, at the first setting
 * @param seeds seeds, distinct
 * @param anglesDeg target-mode rotations in degrees, distinct, within [-360, 360]
 * @param lambdas TauGate sparsity weights, distinct, non-negative
 * @param dataset the data set every cell trains and is evaluated on
 * @param dataDir where the MNIST IDX files are, or are fetched to
 * @param fashionMnistDir where the Fashion-MNIST .gz IDX files are, or are installed to
 * @param validationImages V: per seed, the last V images of its permutation of the training set,
 *     evaluated at 0 deg and at the angle ({@code acc_val_0}, {@code acc_val_theta}) to select
 *     settings on; 0 for none
 * @param budget data and training budget at the first setting
 * @param settings the points of the hyperparameter axes (one, with no values, without axes)
 * @param axisKeys the swept keys, in key order
 * @param reportSeparately axes that the tuned view keeps apart instead of tuning over ({@code
 *     lambda} or swept keys)
 * @param axesText the axes as the config gave them, for the hash and the recorded config
 * @param hash SHA-256 prefix of the canonical resolved settings
 */
public record SweepConfig(
    String name,
    List<AdaptationMethod> methods,
    List<Long> seeds,
    List<Double> anglesDeg,
    List<Double> lambdas,
    Dataset dataset,
    String dataDir,
    int validationImages,
    String fashionMnistDir,
    Budget budget,
    List<Setting> settings,
    List<String> axisKeys,
    List<String> reportSeparately,
    String axesText,
    String hash)
    implements Serializable {

  public static final String NAME = "sweep.name";
  public static final String NAME_DEFAULT = "sweep";
  public static final String METHODS = "sweep.methods";
  public static final String SEEDS = "sweep.seeds";
  public static final List<Long> SEEDS_DEFAULT = List.of(0L);
  public static final String ANGLES_DEG = "sweep.angles-deg";
  public static final List<Double> ANGLES_DEG_DEFAULT = List.of(45.0);
  public static final String LAMBDAS = "sweep.lambdas";
  public static final List<Double> LAMBDAS_DEFAULT = List.of(0.0);
  public static final String DATA_DIR = "data.dir";
  public static final String DATA_DIR_DEFAULT = "data/mnist";
  public static final String VALIDATION_IMAGES = "data.validation-images";
  public static final int VALIDATION_IMAGES_DEFAULT = 1000;
  public static final String DATASET = "data.dataset";
  public static final Dataset DATASET_DEFAULT = Dataset.MNIST;
  public static final String FASHION_MNIST_DIR = "data.fashion-mnist-dir";
  public static final String FASHION_MNIST_DIR_DEFAULT = FashionMnistPackage.PACKAGE_DIR;

  /** Largest accepted seed. */
  public static final long SEED_MAX = Integer.MAX_VALUE;

  /** Largest accepted sparsity weight. */
  public static final double LAMBDA_MAX = 1e4;

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public SweepConfig {
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw ConfigError.invalid(
          NAME,
          "\"" + name + "\"",
          "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    Objects.requireNonNull(dataset, "dataset");
    methods = List.copyOf(methods);
    seeds = List.copyOf(seeds);
    anglesDeg = List.copyOf(anglesDeg);
    lambdas = List.copyOf(lambdas);
    settings = List.copyOf(settings);
    axisKeys = List.copyOf(axisKeys);
    reportSeparately = List.copyOf(reportSeparately);
  }

  public static final String REPORT_SEPARATELY = "sweep.report-separately";

  /** Whether the sweep varies any hyperparameter (beyond methods, seeds, angles, lambdas). */
  public boolean hasAxes() {
    return !axisKeys.isEmpty();
  }

  /** Reads and validates a config file; every problem is a one-line {@link ConfigError}. */
  public static SweepConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigError(
          "Config file not found: "
              + file
              + " (give the path of a .conf file, e.g. conf/paper.conf)");
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return parse(text, file.toString());
    } catch (java.io.IOException e) {
      throw new ConfigError("Cannot read config file " + file + ": " + e.getMessage());
    }
  }

  /** Parses config text; {@code origin} names it in messages. */
  public static SweepConfig parse(String text, String origin) {
    Config config;
    try {
      config =
          ConfigFactory.parseString(
                  text,
                  ConfigParseOptions.defaults()
                      .setOriginDescription(origin)
                      .setSyntax(ConfigSyntax.CONF))
              .resolve();
    } catch (ConfigException e) {
      throw new ConfigError(
          "Config syntax error in " + oneLine(e.getMessage()) + " (fix the file's HOCON syntax)");
    }
    return read(new ConfigReader(config), config);
  }

  private static SweepConfig read(ConfigReader base, Config config) {
    try {
      List<String> methodIds =
          base.strings(METHODS, Methods.ids(), "a list of methods from " + Methods.ids());
      int samples = base.intIn(Axes.SAMPLES, 0, 1, Axes.SAMPLES_MAX);
      int sampleSeed = base.intIn(Axes.SAMPLE_SEED, 0, 0, Integer.MAX_VALUE);
      Axes axes = Axes.of(config, methodIds, Methods.ids(), samples, sampleSeed);
      List<Map<String, Object>> points = axes.points();
      List<Setting> settings = new java.util.ArrayList<>();
      for (Map<String, Object> point : points.subList(1, points.size())) {
        ConfigReader p = new ConfigReader(Axes.at(config, point));
        settings.add(new Setting(point, Budget.read(p), Methods.read(p, METHODS, methodIds)));
      }
      // The first point's reader reads every key, so that it can reject unknown ones.
      ConfigReader r = new ConfigReader(Axes.at(config, points.get(0)));
      r.strings(METHODS, Methods.ids(), "a list of methods from " + Methods.ids());
      r.intIn(Axes.SAMPLES, 0, 1, Axes.SAMPLES_MAX);
      r.intIn(Axes.SAMPLE_SEED, 0, 0, Integer.MAX_VALUE);
      String name = r.string(NAME, NAME_DEFAULT);
      List<AdaptationMethod> methods = Methods.read(r, METHODS, methodIds);
      List<Long> seeds =
          r.longs(
              SEEDS,
              SEEDS_DEFAULT,
              0,
              SEED_MAX,
              "a non-empty list of distinct integer seeds within [0, " + SEED_MAX + "]");
      List<Double> angles =
          r.doubles(
              ANGLES_DEG,
              ANGLES_DEG_DEFAULT,
              -360,
              360,
              "each angle must be a number within [-360, 360], listed once");
      List<Double> lambdas =
          r.doubles(
              LAMBDAS,
              LAMBDAS_DEFAULT,
              0,
              LAMBDA_MAX,
              "each lambda must be a number within [0, " + (long) LAMBDA_MAX + "], listed once");
      Dataset dataset = readDataset(r);
      String dataDir = r.string(DATA_DIR, DATA_DIR_DEFAULT);
      int validation =
          r.intIn(VALIDATION_IMAGES, VALIDATION_IMAGES_DEFAULT, 0, Budget.TRAIN_POOL / 2);
      String fashionMnistDir = r.string(FASHION_MNIST_DIR, FASHION_MNIST_DIR_DEFAULT);
      Budget budget = Budget.read(r);
      settings.add(0, new Setting(points.get(0), budget, methods));
      for (Setting s : settings) {
        Budget b = s.budget();
        if (2L * b.foundationImagesPerMode() + b.specializeImages() + validation
            > Budget.TRAIN_POOL) {
          throw ConfigError.invalid(
              VALIDATION_IMAGES,
              validation,
              "2 x "
                  + b.foundationImagesPerMode()
                  + " foundation + "
                  + b.specializeImages()
                  + " specialization + "
                  + validation
                  + " validation images > "
                  + Budget.TRAIN_POOL
                  + ": they are disjoint and must fit in the training set; lower one of them");
        }
      }
      List<String> separately =
          r.isSet(REPORT_SEPARATELY)
              ? r.strings(REPORT_SEPARATELY, List.of(), "lambda or swept keys")
              : List.of();
      for (String k : separately) {
        if (!k.equals("lambda") && !axes.keys().contains(k)) {
          throw ConfigError.invalid(
              REPORT_SEPARATELY,
              separately,
              "'"
                  + k
                  + "' is not an axis: name lambda or swept keys"
                  + (axes.isEmpty() ? "" : " (" + String.join(", ", axes.keys()) + ")"));
        }
      }
      r.rejectUnknownKeys();
      String canonical =
          "name="
              + name
              + ";methods="
              + methods
              + ";seeds="
              + seeds
              + ";angles="
              + angles
              + ";lambdas="
              + lambdas
              + ";budget="
              + budget
              + (axes.isEmpty() ? "" : ";axes=" + axes.text() + ";separately=" + separately)
              + (validation == VALIDATION_IMAGES_DEFAULT ? "" : ";validation=" + validation)
              // MNIST adds nothing, so that the hashes of sweeps run before there was a choice
              // of data set stay as they were.
              + (dataset == Dataset.MNIST ? "" : ";dataset=" + dataset.id());
      return new SweepConfig(
          name,
          methods,
          seeds,
          angles,
          lambdas,
          dataset,
          dataDir,
          validation,
          fashionMnistDir,
          budget,
          settings,
          axes.keys(),
          separately,
          axes.text(),
          sha256(canonical).substring(0, 16));
    } catch (ConfigException e) {
      throw ConfigReader.wrap(e);
    }
  }

  /** {@value #DATASET}: one of {@link Dataset#ids()}. */
  static Dataset readDataset(ConfigReader r) {
    String id = r.string(DATASET, DATASET_DEFAULT.id());
    return Dataset.byId(id)
        .orElseThrow(
            () -> ConfigError.invalid(DATASET, "\"" + id + "\"", "one of " + Dataset.ids()));
  }

  /**
   * @param d a data set
   * @return the configured directory of {@code d}: {@link #dataDir()} or {@link #fashionMnistDir()}
   */
  public String dataDirOf(Dataset d) {
    return switch (d) {
      case MNIST -> dataDir;
      case FASHION_MNIST -> fashionMnistDir;
    };
  }

  /** The resolved settings as HOCON, as recorded next to a sweep's results. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# resolved settings of sweep ")
        .append(name)
        .append(", config hash ")
        .append(hash)
        .append('\n');
    Map<String, Object> flat = new java.util.LinkedHashMap<>();
    flat.put(NAME, name);
    flat.put(METHODS, methods.stream().map(AdaptationMethod::id).toList());
    flat.put(SEEDS, seeds);
    flat.put(ANGLES_DEG, anglesDeg);
    flat.put(LAMBDAS, lambdas);
    flat.put(DATASET, dataset.id());
    flat.put(DATA_DIR, dataDir);
    flat.put(VALIDATION_IMAGES, validationImages);
    flat.put(FASHION_MNIST_DIR, fashionMnistDir);
    Config c = ConfigFactory.parseMap(flat);
    sb.append(c.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false)));
    sb.append("\n# budget: ").append(budget).append('\n');
    if (hasAxes()) {
      sb.append("# axes: ")
          .append(axesText)
          .append(" (")
          .append(settings.size())
          .append(" points)\n");
      sb.append("# report separately: ").append(reportSeparately).append('\n');
    }
    for (AdaptationMethod m : methods) {
      sb.append("# method: ").append(m).append('\n');
    }
    return sb.toString();
  }

  /** Lowercase hex SHA-256 of a string. */
  public static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').trim();
  }
}
