package io.tausweep.model.train;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.data.Rotation;
import io.tausweep.model.rng.Seeds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The seeded data splits of the experiment, rotated once and kept in memory for reuse by every cell
 * of the same (seed, angle) or angle. Each seed permutes MNIST's training images once: the first
 * {@code F} are the foundation's 0-deg images, the next {@code F} its rotated images, the next
 * {@code S} the specialization's, so the three never overlap; the last {@code V} are the validation
 * images, the same for every budget of the seed and disjoint from all of the above while {@code 2F
 * + S + V} fits in the training set.
 */
public final class SplitCache {
  /** Entries kept per kind; a 10,000-image test split is 31 MB. */
  private static final int MAX_ENTRIES = 16;

  private final Mnist mnist;
  private final Budget budget;
  private final int validationImages;
  private final Map<String, Split> cache;

  public SplitCache(Mnist mnist, Budget budget) {
    this(mnist, budget, 0, newStore());
  }

  /**
   * A store of splits that the caches of several budgets over the same images may share: its keys
   * name every setting a split depends on, so a sweep over budgets rotates its test and validation
   * images once, not once per budget.
   */
  public static Map<String, Split> newStore() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Split> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }

  /**
   * @param validationImages V, the validation images per seed (0: none)
   * @param store where the splits are kept ({@link #newStore}), shared or not
   */
  public SplitCache(Mnist mnist, Budget budget, int validationImages, Map<String, Split> store) {
    if (validationImages > 0
        && 2L * budget.foundationImagesPerMode() + budget.specializeImages() + validationImages
            > mnist.train().size()) {
      throw new IllegalArgumentException(
          "Foundation, specialization and validation images overlap: 2 x "
              + budget.foundationImagesPerMode()
              + " + "
              + budget.specializeImages()
              + " + "
              + validationImages
              + " > "
              + mnist.train().size());
    }
    this.mnist = mnist;
    this.budget = budget;
    this.validationImages = validationImages;
    this.cache = store;
  }

  /** V, the validation images per seed. */
  public int validationImages() {
    return validationImages;
  }

  public Budget budget() {
    return budget;
  }

  /**
   * The foundation's images: F at 0 deg, then F other images at the angle (not cached: used once).
   */
  public Split foundation(long seed, double angleDeg) {
    int f = budget.foundationImagesPerMode();
    int[] perm = permutation(seed);
    int[] zero = java.util.Arrays.copyOfRange(perm, 0, f);
    int[] rotated = java.util.Arrays.copyOfRange(perm, f, 2 * f);
    return Split.concat(train(zero, 0.0), train(rotated, angleDeg));
  }

  /** The specialization's images at the angle, disjoint from the foundation's. */
  public Split specialize(long seed, double angleDeg) {
    return cached(
        "specialize/"
            + budget.foundationImagesPerMode()
            + "/"
            + budget.specializeImages()
            + "/"
            + seed
            + "/"
            + angleDeg,
        () -> {
          int f = budget.foundationImagesPerMode();
          int[] idx =
              java.util.Arrays.copyOfRange(
                  permutation(seed), 2 * f, 2 * f + budget.specializeImages());
          return train(idx, angleDeg);
        });
  }

  /**
   * The seed's validation images rotated by the angle: the last V of its permutation, disjoint from
   * its foundation and specialization images; null when V is 0.
   */
  public Split validation(long seed, double angleDeg) {
    if (validationImages == 0) {
      return null;
    }
    return cached(
        "validation/" + validationImages + "/" + seed + "/" + angleDeg,
        () -> {
          int[] perm = permutation(seed);
          return train(
              java.util.Arrays.copyOfRange(perm, perm.length - validationImages, perm.length),
              angleDeg);
        });
  }

  /** The first {@code testImages} MNIST test images rotated by the angle. */
  public Split test(double angleDeg) {
    return cached(
        "test/" + budget.testImages() + "/" + angleDeg,
        () -> {
          int[] idx = new int[budget.testImages()];
          for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
          }
          return new Split(
              Rotation.rotateAll(mnist.test(), idx, angleDeg),
              mnist.test().labels(idx),
              Mlp.INPUTS);
        });
  }

  private Split train(int[] idx, double angleDeg) {
    return new Split(
        Rotation.rotateAll(mnist.train(), idx, angleDeg), mnist.train().labels(idx), Mlp.INPUTS);
  }

  private int[] permutation(long seed) {
    SplittableRandom rng = Seeds.stream(seed, "subset");
    return Seeds.permutation(mnist.train().size(), rng);
  }

  private Split cached(String key, Supplier<Split> make) {
    synchronized (cache) {
      Split s = cache.get(key);
      if (s != null) {
        return s;
      }
    }
    Split s = make.get();
    synchronized (cache) {
      cache.putIfAbsent(key, s);
      return cache.get(key);
    }
  }
}
