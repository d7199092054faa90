package io.tausweep.model.nn;

import java.nio.FloatBuffer;

/**
 * The element-wise parts of {@link LeanNet}'s forward and backward passes as plain loops over row-major
 * {@link FloatMat}s: a few microseconds per [64 x 128] array, where the same work as ND4J ops costs 20-160 us a call
 * at this size (BENCHMARKS.md). Each loop runs in one fixed order, so results are the same on every run. The math
 * is the one the DL4J layers compute ({@link TauGateLayerImpl}, {@link LoRADenseLayerImpl}, DL4J's dense, output
 * and MCXENT code); {@code LeanNetTest} checks the two against each other.
 *
 * <p>Row vectors (biases, tau, gamma, their gradients) are [1, n]; matrices are [batch, n] in row-major order.
 */
final class Kernels {
  private Kernels() {}

  /** {@code out[r][c] = in[r][c] + bias[c]}, then {@code max(0, .)} when relu; out may be in. */
  static void addBias(FloatMat in, FloatMat bias, boolean relu, FloatMat out) {
    FloatBuffer x = in.buf;
    FloatBuffer b = bias.buf;
    FloatBuffer o = out.buf;
    int cols = in.cols;
    for (int r = 0, i = 0; r < in.rows; r++) {
      for (int c = 0; c < cols; c++, i++) {
        float v = x.get(i) + b.get(c);
        o.put(i, relu && !(v > 0f) ? 0f : v);
      }
    }
  }

  /** {@code delta = eps * 1[act > 0]}: ReLU's derivative, read off the activated output. */
  static void reluMask(FloatMat act, FloatMat eps, FloatMat delta) {
    FloatBuffer a = act.buf;
    FloatBuffer e = eps.buf;
    FloatBuffer d = delta.buf;
    for (int i = 0, n = act.length(); i < n; i++) {
      d.put(i, a.get(i) > 0f ? e.get(i) : 0f);
    }
  }

  /** {@code sums[c] = sum_r m[r][c]} (rows added in order). */
  static void columnSums(FloatMat m, FloatMat sums) {
    FloatBuffer x = m.buf;
    FloatBuffer s = sums.buf;
    int cols = m.cols;
    for (int c = 0; c < cols; c++) {
      s.put(c, 0f);
    }
    for (int r = 0, i = 0; r < m.rows; r++) {
      for (int c = 0; c < cols; c++, i++) {
        s.put(c, s.get(c) + x.get(i));
      }
    }
  }

  /** Row-wise softmax in place (the maximum subtracted first, as ND4J does). */
  static void softmax(FloatMat m) {
    FloatBuffer x = m.buf;
    int cols = m.cols;
    for (int r = 0; r < m.rows; r++) {
      int base = r * cols;
      float max = x.get(base);
      for (int c = 1; c < cols; c++) {
        max = Math.max(max, x.get(base + c));
      }
      float sum = 0f;
      for (int c = 0; c < cols; c++) {
        float e = (float) Math.exp(x.get(base + c) - max);
        x.put(base + c, e);
        sum += e;
      }
      for (int c = 0; c < cols; c++) {
        x.put(base + c, x.get(base + c) / sum);
      }
    }
  }

  /**
   * DL4J's MCXENT loss with a softmax output, from the pre-activation: {@code p = softmax(z)} clipped to
   * {@code [eps, 1 - eps]}, writes {@code dL/dz = p - y} into delta and returns {@code -sum y log p} (summed over
   * the batch, not averaged).
   */
  static double softmaxCrossEntropy(FloatMat z, FloatMat y, double clipEps, FloatMat delta) {
    FloatBuffer d = delta.buf;
    FloatBuffer t = y.buf;
    FloatBuffer x = z.buf;
    for (int i = 0, n = z.length(); i < n; i++) {
      d.put(i, x.get(i));
    }
    softmax(delta);
    float lo = (float) clipEps;
    float hi = (float) (1.0 - clipEps);
    double score = 0;
    for (int i = 0, n = z.length(); i < n; i++) {
      float p = d.get(i);
      if (clipEps > 0) {
        p = p < lo ? lo : (p > hi ? hi : p);
      }
      float label = t.get(i);
      if (label != 0f) {
        score -= (double) label * Math.log(p);
      }
      d.put(i, p - label);
    }
    return score;
  }

  /**
   * TauGate's forward pass: {@code g = sigmoid(s (z - tau))}, or {@code 1[z > tau]} when hard, and
   * {@code out = gamma * relu(z) * g}.
   *
   * @return {@code sum(g)}, for the sparsity penalty
   */
  static double tauGateForward(FloatMat z, FloatMat tau, FloatMat gamma, double sharpness, boolean hard,
      FloatMat g, FloatMat out) {
    FloatBuffer zz = z.buf;
    FloatBuffer t = tau.buf;
    FloatBuffer gm = gamma.buf;
    FloatBuffer gg = g.buf;
    FloatBuffer o = out.buf;
    float s = (float) sharpness;
    int cols = z.cols;
    double sum = 0;
    for (int r = 0, i = 0; r < z.rows; r++) {
      float rowSum = 0f;
      for (int c = 0; c < cols; c++, i++) {
        float v = zz.get(i);
        float gate = hard ? (v > t.get(c) ? 1f : 0f) : sigmoid(s * (v - t.get(c)));
        gg.put(i, gate);
        o.put(i, v > 0f ? gm.get(c) * v * gate : 0f);
        rowSum += gate;
      }
      sum += rowSum;
    }
    return sum;
  }

  /**
   * TauGate's backward pass (gradients summed over the batch): {@code dL/dz} into epsOut, {@code dL/dgamma} and
   * {@code dL/dtau}. Soft: {@code dL/dz = gamma 1[z>0] g eps + t} and {@code dL/dtau = -sum t} with
   * {@code t = (eps gamma relu(z) + lambda / gatedUnits) s g (1 - g)}. Hard: the step gate has no derivative, so
   * {@code t = 0} and tau's gradient is 0.
   *
   * @param penaltyGrad {@code lambda / gatedUnits}, the sparsity penalty's derivative per gate value
   */
  static void tauGateBackward(FloatMat z, FloatMat g, FloatMat eps, FloatMat gamma, double sharpness, boolean hard,
      double penaltyGrad, FloatMat epsOut, FloatMat tauGrad, FloatMat gammaGrad) {
    FloatBuffer zz = z.buf;
    FloatBuffer gg = g.buf;
    FloatBuffer e = eps.buf;
    FloatBuffer gm = gamma.buf;
    FloatBuffer o = epsOut.buf;
    FloatBuffer dt = tauGrad.buf;
    FloatBuffer dg = gammaGrad.buf;
    float s = (float) sharpness;
    float pg = (float) penaltyGrad;
    int cols = z.cols;
    for (int c = 0; c < cols; c++) {
      dt.put(c, 0f);
      dg.put(c, 0f);
    }
    for (int r = 0, i = 0; r < z.rows; r++) {
      for (int c = 0; c < cols; c++, i++) {
        float v = zz.get(i);
        float gate = gg.get(i);
        float ev = e.get(i);
        float m = v > 0f ? ev : 0f;
        float dz = gm.get(c) * m * gate;
        dg.put(c, dg.get(c) + m * v * gate);
        if (!hard) {
          float t = (m * v * gm.get(c) + pg) * (gate * (1f - gate)) * s;
          dt.put(c, dt.get(c) - t);
          dz += t;
        }
        o.put(i, dz);
      }
    }
  }

  /** Counts, per unit, the rows with {@code z > tau} into counts[unit], and per (label, unit) into byClass. */
  static void countOpen(FloatMat z, FloatMat tau, int[] labels, int labelOffset, double[] counts,
      double[] byClass) {
    FloatBuffer zz = z.buf;
    FloatBuffer t = tau.buf;
    int cols = z.cols;
    for (int r = 0, i = 0; r < z.rows; r++) {
      int base = labels[labelOffset + r] * cols;
      for (int c = 0; c < cols; c++, i++) {
        if (zz.get(i) > t.get(c)) {
          counts[c]++;
          byClass[base + c]++;
        }
      }
    }
  }

  /** How many rows' arg-max (first maximum) equals their label. */
  static long correct(FloatMat out, int[] labels, int labelOffset) {
    FloatBuffer x = out.buf;
    int cols = out.cols;
    long correct = 0;
    for (int r = 0; r < out.rows; r++) {
      int base = r * cols;
      int best = 0;
      for (int c = 1; c < cols; c++) {
        if (x.get(base + c) > x.get(base + best)) {
          best = c;
        }
      }
      if (best == labels[labelOffset + r]) {
        correct++;
      }
    }
    return correct;
  }

  private static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }
}
