package io.tausweep.model.rng;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Derives independent, reproducible random streams from a cell's seed and a purpose name. Every
 * random draw in tausweep goes through here, so a seed fixes subsets, init and shuffling.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * A stream for {@code purpose} (e.g. "subset", "init", "shuffle/foundation") under {@code seed}.
   */
  public static SplittableRandom stream(long seed, String purpose) {
    long h = 0x9E3779B97F4A7C15L;
    for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
      h = mix64(h ^ (b & 0xFF));
    }
    return new SplittableRandom(mix64(seed * 0xBF58476D1CE4E5B9L ^ h));
  }

  /** The finaliser of SplitMix64: a bijective scramble of 64 bits. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A Fisher-Yates permutation of 0..n-1 drawn from {@code rng}. */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
