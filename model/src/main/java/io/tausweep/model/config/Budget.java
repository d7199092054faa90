package io.tausweep.model.config;

import java.io.Serializable;

/**
 * The data and training budget shared by every cell of a sweep: how many images the foundation and
 * the specialization see, for how many epochs, in which batches. The defaults are the paper's
 * data-limited regime (see shared PAPER-NOTES and conf/paper.conf).
 *
 * @param foundationImagesPerMode foundation images at 0 deg, and as many others at the angle
 * @param foundationEpochs passes over the foundation's images
 * @param foundationBatchSize foundation minibatch size
 * @param foundationLearningRate Adam learning rate of the foundation
 * @param specializeImages images at the angle for specialization, disjoint from the foundation's
 * @param specializeEpochs passes over the specialization images
 * @param specializeBatchSize specialization minibatch size
 * @param testImages test images evaluated at 0 deg and at the angle (the first N of t10k)
 * @param evalBatchSize rows per forward pass at evaluation (does not change results)
 * @param maxLoss a minibatch loss above this (or not finite) fails the cell as diverged
 */
public record Budget(
    int foundationImagesPerMode,
    int foundationEpochs,
    int foundationBatchSize,
    double foundationLearningRate,
    int specializeImages,
    int specializeEpochs,
    int specializeBatchSize,
    int testImages,
    int evalBatchSize,
    double maxLoss)
    implements Serializable {

  public static final String FOUNDATION_IMAGES_PER_MODE = "foundation.images-per-mode";
  public static final int FOUNDATION_IMAGES_PER_MODE_DEFAULT = 1000;
  public static final String FOUNDATION_EPOCHS = "foundation.epochs";
  public static final int FOUNDATION_EPOCHS_DEFAULT = 3;
  public static final String FOUNDATION_BATCH_SIZE = "foundation.batch-size";
  public static final int FOUNDATION_BATCH_SIZE_DEFAULT = 64;
  public static final String FOUNDATION_LEARNING_RATE = "foundation.learning-rate";
  public static final double FOUNDATION_LEARNING_RATE_DEFAULT = 3e-3;
  public static final String SPECIALIZE_IMAGES = "specialize.images";
  public static final int SPECIALIZE_IMAGES_DEFAULT = 1000;
  public static final String SPECIALIZE_EPOCHS = "specialize.epochs";
  public static final int SPECIALIZE_EPOCHS_DEFAULT = 5;
  public static final String SPECIALIZE_BATCH_SIZE = "specialize.batch-size";
  public static final int SPECIALIZE_BATCH_SIZE_DEFAULT = 64;
  public static final String TEST_IMAGES = "data.test-images";
  public static final int TEST_IMAGES_DEFAULT = 10_000;
  public static final String EVAL_BATCH_SIZE = "eval.batch-size";
  public static final int EVAL_BATCH_SIZE_DEFAULT = 2_000;

  /**
   * Cross-entropy this high means the right class gets e^-10 probability on average: divergence.
   */
  public static final String MAX_LOSS = "train.max-loss";

  public static final double MAX_LOSS_DEFAULT = 10.0;

  /**
   * The keys a sweep may vary as axes: those that decide a foundation or a cell (and so its id).
   * The evaluation batch size and the divergence bound change no result worth comparing.
   */
  public static final java.util.List<String> SWEEPABLE =
      java.util.List.of(
          FOUNDATION_IMAGES_PER_MODE,
          FOUNDATION_EPOCHS,
          FOUNDATION_BATCH_SIZE,
          FOUNDATION_LEARNING_RATE,
          SPECIALIZE_IMAGES,
          SPECIALIZE_EPOCHS,
          SPECIALIZE_BATCH_SIZE,
          TEST_IMAGES);

  /** MNIST's training set size: foundation and specialization images must fit in it together. */
  public static final int TRAIN_POOL = 60_000;

  /** MNIST's test set size. */
  public static final int TEST_POOL = 10_000;

  public Budget {
    if (2L * foundationImagesPerMode + specializeImages > TRAIN_POOL) {
      throw new ConfigError(
          "Invalid "
              + FOUNDATION_IMAGES_PER_MODE
              + " and "
              + SPECIALIZE_IMAGES
              + ": 2 x "
              + foundationImagesPerMode
              + " + "
              + specializeImages
              + " > "
              + TRAIN_POOL
              + " (foundation and specialization images are disjoint and must fit in MNIST's 60,000 training images)");
    }
  }

  /** The paper's budget. */
  public static Budget defaults() {
    return new Budget(
        FOUNDATION_IMAGES_PER_MODE_DEFAULT,
        FOUNDATION_EPOCHS_DEFAULT,
        FOUNDATION_BATCH_SIZE_DEFAULT,
        FOUNDATION_LEARNING_RATE_DEFAULT,
        SPECIALIZE_IMAGES_DEFAULT,
        SPECIALIZE_EPOCHS_DEFAULT,
        SPECIALIZE_BATCH_SIZE_DEFAULT,
        TEST_IMAGES_DEFAULT,
        EVAL_BATCH_SIZE_DEFAULT,
        MAX_LOSS_DEFAULT);
  }

  /** Reads every budget key, each validated against its range. */
  public static Budget read(ConfigReader r) {
    return new Budget(
        r.intIn(FOUNDATION_IMAGES_PER_MODE, FOUNDATION_IMAGES_PER_MODE_DEFAULT, 1, TRAIN_POOL / 2),
        r.intIn(FOUNDATION_EPOCHS, FOUNDATION_EPOCHS_DEFAULT, 1, 1000),
        r.intIn(FOUNDATION_BATCH_SIZE, FOUNDATION_BATCH_SIZE_DEFAULT, 1, 65_536),
        r.doubleIn(
            FOUNDATION_LEARNING_RATE,
            FOUNDATION_LEARNING_RATE_DEFAULT,
            1e-8,
            1e4,
            "must be a learning rate within [1e-8, 1e4]"),
        r.intIn(SPECIALIZE_IMAGES, SPECIALIZE_IMAGES_DEFAULT, 1, TRAIN_POOL),
        r.intIn(SPECIALIZE_EPOCHS, SPECIALIZE_EPOCHS_DEFAULT, 1, 1000),
        r.intIn(SPECIALIZE_BATCH_SIZE, SPECIALIZE_BATCH_SIZE_DEFAULT, 1, 65_536),
        r.intIn(TEST_IMAGES, TEST_IMAGES_DEFAULT, 1, TEST_POOL),
        r.intIn(EVAL_BATCH_SIZE, EVAL_BATCH_SIZE_DEFAULT, 1, 65_536),
        r.doubleIn(
            MAX_LOSS, MAX_LOSS_DEFAULT, 1e-3, 1e30, "must be a loss bound within [1e-3, 1e30]"));
  }

  /** The settings that decide a foundation, in a stable text form for hashing. */
  public String foundationKey() {
    return "images-per-mode="
        + foundationImagesPerMode
        + ",epochs="
        + foundationEpochs
        + ",batch="
        + foundationBatchSize
        + ",lr="
        + foundationLearningRate;
  }

  /** The settings that decide a specialization and its evaluation, in a stable text form. */
  public String specializeKey() {
    return "images="
        + specializeImages
        + ",epochs="
        + specializeEpochs
        + ",batch="
        + specializeBatchSize
        + ",test="
        + testImages;
  }
}
