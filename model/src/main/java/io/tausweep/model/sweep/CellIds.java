package io.tausweep.model.sweep;

import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Dataset;
import io.tausweep.model.method.AdaptationMethod;

/**
 * Deterministic ids of foundations and cells: a SHA-256 prefix of everything that decides the
 * result (dataset, seed, angle, budget, method and its hyperparameters, lambda, and the version of
 * the training algorithm). Equal ids mean interchangeable results, across runs and machines.
 *
 * <p>The hashed text is a canonical encoding with explicit names: {@code v<version>;<dataset>;
 * arch=784-128-128-10;seed=<s>;angle=<a>;<foundation budget>} for a foundation and {@code
 * v<version>;<foundation id>;<method spec>;lambda=<l>;<specialization budget>;eval=<n>} for a cell
 * ({@link Dataset#identity()}, {@link AdaptationMethod#spec()}, {@link Budget#foundationKey()},
 * {@link Budget#specializeKey()}). {@code CellIdsTest} pins the ids of conf/paper.conf: a change to
 * any part of the encoding must bump {@link #ALGORITHM_VERSION}, since resume treats a new id as a
 * new cell.
 */
public final class CellIds {
  /** Bump when a change to training or evaluation changes results for the same settings. */
  public static final String ALGORITHM_VERSION = "1";

  private CellIds() {}

  /** Id of the foundation for a data set, seed and angle under a budget. */
  public static String foundationId(Dataset dataset, long seed, double angleDeg, Budget budget) {
    return "f"
        + SweepConfig.sha256(
                "v"
                    + ALGORITHM_VERSION
                    + ";"
                    + dataset.identity()
                    + ";arch=784-128-128-10;seed="
                    + seed
                    + ";angle="
                    + angleDeg
                    + ";"
                    + budget.foundationKey())
            .substring(0, 15);
  }

  /** Id of a cell with the default validation images. */
  public static String cellId(
      Dataset dataset,
      AdaptationMethod method,
      long seed,
      double angleDeg,
      Double lambda,
      Budget budget) {
    return cellId(
        dataset, method, seed, angleDeg, lambda, budget, SweepConfig.VALIDATION_IMAGES_DEFAULT);
  }

  /**
   * Id of a cell; the validation image count is encoded ({@code ;val=<n>}) only when it is not the
   * default, so that the ids of sweeps made before it existed stay the same.
   */
  public static String cellId(
      Dataset dataset,
      AdaptationMethod method,
      long seed,
      double angleDeg,
      Double lambda,
      Budget budget,
      int validationImages) {
    return "c"
        + SweepConfig.sha256(
                "v"
                    + ALGORITHM_VERSION
                    + ";"
                    + foundationId(dataset, seed, angleDeg, budget)
                    + ";"
                    + method.spec()
                    + ";lambda="
                    + lambda
                    + ";"
                    + budget.specializeKey()
                    + ";eval="
                    + budget.testImages()
                    + (validationImages == SweepConfig.VALIDATION_IMAGES_DEFAULT
                        ? ""
                        : ";val=" + validationImages))
            .substring(0, 15);
  }
}
