package io.tausweep.model.engine;

import io.tausweep.model.arch.LoRADenseLayerImpl;
import io.tausweep.model.arch.TauGateKernel;
import io.tausweep.model.arch.TauGateLayerImpl;
import java.nio.IntBuffer;

/**
 * The element-wise parts of {@link LeanNet}'s forward and backward passes as plain loops over
 * row-major {@link FloatMat}s, a row (or chunk) at a time through small heap arrays (element-wise
 * access to the off-heap buffers compiled to code several times slower): a few microseconds per [64
 * x 128] array, where the same work as ND4J ops costs 20-160 us a call at this size. Each loop runs
 * in one fixed order, so results are the same on every run. The math is the one the DL4J layers
 * compute ({@link TauGateLayerImpl}, {@link LoRADenseLayerImpl}, DL4J's dense, output and MCXENT
 * code); {@code LeanNetTest} checks the two against each other.
 *
 * <p>Row vectors (biases, tau, gamma, their gradients) are [1, n]; matrices are [batch, n] in
 * row-major order.
 */
final class Kernels {
  private Kernels() {}

  /** {@code out[r][c] = in[r][c] + bias[c]}, then {@code max(0, .)} when relu; out may be in. */
  static void addBias(FloatMat in, FloatMat bias, boolean relu, FloatMat out) {
    int cols = in.cols;
    float[] b = row(bias);
    float[] x = new float[cols];
    for (int r = 0; r < in.rows; r++) {
      in.buf.get(r * cols, x, 0, cols);
      // Two simple loops, which the JIT turns into vector code (NaN passes through max, as through
      // ND4J's relu).
      for (int c = 0; c < cols; c++) {
        x[c] += b[c];
      }
      if (relu) {
        for (int c = 0; c < cols; c++) {
          x[c] = Math.max(x[c], 0f);
        }
      }
      out.buf.put(r * cols, x, 0, cols);
    }
  }

  /**
   * {@code delta = eps * 1[act > 0]}: ReLU's derivative, read off the activated output. As
   * integers: an activation {@code max(x, 0)} is positive exactly when its bit pattern is a
   * positive int, and {@link #positiveMask} is then all ones (else 0), which masks eps's bits, with
   * no branch on the float comparison, which is mispredicted for about half of the units (the
   * results are the same bit for bit; only a NaN activation, after which training fails anyway,
   * passes eps where the comparison gave 0).
   */
  static void reluMask(FloatMat act, FloatMat eps, FloatMat delta) {
    int cols = act.cols;
    IntBuffer actBits = act.bits();
    IntBuffer epsBits = eps.bits();
    IntBuffer deltaBits = delta.bits();
    int[] a = new int[cols];
    int[] e = new int[cols];
    for (int r = 0; r < act.rows; r++) {
      actBits.get(r * cols, a, 0, cols);
      epsBits.get(r * cols, e, 0, cols);
      for (int c = 0; c < cols; c++) {
        int ac = a[c];
        e[c] &= positiveMask(ac);
      }
      deltaBits.put(r * cols, e, 0, cols);
    }
  }

  /** {@code sums[c] = sum_r m[r][c]} (rows added in order). */
  static void columnSums(FloatMat m, FloatMat sums) {
    int cols = m.cols;
    float[] s = new float[cols];
    float[] x = new float[cols];
    for (int r = 0; r < m.rows; r++) {
      m.buf.get(r * cols, x, 0, cols);
      for (int c = 0; c < cols; c++) {
        s[c] += x[c];
      }
    }
    sums.buf.put(0, s, 0, cols);
  }

  /** Row-wise softmax in place (the maximum subtracted first, as ND4J does). */
  static void softmax(FloatMat m) {
    int cols = m.cols;
    float[] x = new float[cols];
    for (int r = 0; r < m.rows; r++) {
      m.buf.get(r * cols, x, 0, cols);
      softmaxRow(x);
      m.buf.put(r * cols, x, 0, cols);
    }
  }

  private static void softmaxRow(float[] x) {
    float max = x[0];
    for (int c = 1; c < x.length; c++) {
      max = Math.max(max, x[c]);
    }
    float sum = 0f;
    for (int c = 0; c < x.length; c++) {
      float e = (float) Math.exp(x[c] - max);
      x[c] = e;
      sum += e;
    }
    for (int c = 0; c < x.length; c++) {
      x[c] = x[c] / sum;
    }
  }

  /**
   * DL4J's MCXENT loss with a softmax output, from the pre-activation: {@code p = softmax(z)}
   * clipped to {@code [eps, 1 - eps]}, writes {@code dL/dz = p - y} into delta and returns {@code
   * -sum y log p} (summed over the batch, not averaged).
   */
  static double softmaxCrossEntropy(FloatMat z, FloatMat y, double clipEps, FloatMat delta) {
    int cols = z.cols;
    float[] p = new float[cols];
    float[] t = new float[cols];
    float lo = (float) clipEps;
    float hi = (float) (1.0 - clipEps);
    double score = 0;
    for (int r = 0; r < z.rows; r++) {
      z.buf.get(r * cols, p, 0, cols);
      y.buf.get(r * cols, t, 0, cols);
      softmaxRow(p);
      for (int c = 0; c < cols; c++) {
        float pc = p[c];
        if (clipEps > 0) {
          pc = pc < lo ? lo : (pc > hi ? hi : pc);
        }
        if (t[c] != 0f) {
          score -= (double) t[c] * Math.log(pc);
        }
        p[c] = pc - t[c];
      }
      delta.buf.put(r * cols, p, 0, cols);
    }
    return score;
  }

  /**
   * TauGate's forward pass ({@link TauGateKernel#forwardRow}, a row at a time): the gates into g,
   * {@code gamma * relu(z) * g} into out.
   *
   * @param allGates false to skip the soft gate where {@code z <= 0} (0 is stored in g there): out
   *     does not depend on it, and with no sparsity penalty neither does {@link #tauGateBackward}
   * @return {@code sum(g)}, for the sparsity penalty (over the gates computed)
   */
  static double tauGateForward(
      FloatMat z,
      FloatMat tau,
      FloatMat gamma,
      double sharpness,
      boolean hard,
      boolean allGates,
      FloatMat g,
      FloatMat out) {
    int cols = z.cols;
    float[] t = row(tau);
    float[] gm = row(gamma);
    float[] zz = new float[cols];
    float[] gg = new float[cols];
    float[] o = new float[cols];
    float s = (float) sharpness;
    double sum = 0;
    for (int r = 0; r < z.rows; r++) {
      z.buf.get(r * cols, zz, 0, cols);
      sum += TauGateKernel.forwardRow(zz, t, gm, s, hard, allGates, gg, o, cols);
      g.buf.put(r * cols, gg, 0, cols);
      out.buf.put(r * cols, o, 0, cols);
    }
    return sum;
  }

  /**
   * TauGate's backward pass (gradients summed over the batch): {@code dL/dz} into epsOut, {@code
   * dL/dgamma} and {@code dL/dtau}. Soft: {@code dL/dz = gamma 1[z>0] g eps + t} and {@code dL/dtau
   * = -sum t} with {@code t = (eps gamma relu(z) + lambda / gatedUnits) s g (1 - g)}. Hard: the
   * step gate has no derivative, so {@code t = 0} and tau's gradient is 0.
   *
   * @param penaltyGrad {@code lambda / gatedUnits}, the sparsity penalty's derivative per gate
   *     value
   */
  static void tauGateBackward(
      FloatMat z,
      FloatMat g,
      FloatMat eps,
      FloatMat gamma,
      double sharpness,
      boolean hard,
      double penaltyGrad,
      FloatMat epsOut,
      FloatMat tauGrad,
      FloatMat gammaGrad) {
    int cols = z.cols;
    float[] gm = row(gamma);
    float[] zz = new float[cols];
    float[] gg = new float[cols];
    float[] e = new float[cols];
    float[] dt = new float[cols];
    float[] dg = new float[cols];
    float s = (float) sharpness;
    float pg = (float) penaltyGrad;
    for (int r = 0; r < z.rows; r++) {
      z.buf.get(r * cols, zz, 0, cols);
      g.buf.get(r * cols, gg, 0, cols);
      eps.buf.get(r * cols, e, 0, cols);
      for (int c = 0; c < cols; c++) {
        float v = zz[c];
        float gate = gg[c];
        float m = v > 0f ? e[c] : 0f;
        float dz = gm[c] * m * gate;
        dg[c] += m * v * gate;
        if (!hard) {
          float t = (m * v * gm[c] + pg) * (gate * (1f - gate)) * s;
          dt[c] -= t;
          dz += t;
        }
        e[c] = dz;
      }
      epsOut.buf.put(r * cols, e, 0, cols);
    }
    tauGrad.buf.put(0, dt, 0, cols);
    gammaGrad.buf.put(0, dg, 0, cols);
  }

  /** A row vector's values on the heap. */
  private static float[] row(FloatMat v) {
    float[] out = new float[v.length()];
    v.buf.get(0, out, 0, out.length);
    return out;
  }

  /**
   * Counts, per unit, the rows with {@code z > tau} into counts[unit], and per (label, unit) into
   * byClass. The comparison runs on the bit patterns ({@link TauGateKernel#open}), so the loop has
   * no branch and compiles to vector code (as a float comparison it was a branch taken at random,
   * about half the time); the counts are those of {@code z > tau} for every z that is not NaN,
   * added up as ints and then to the doubles (exact: they stay far below 2^53).
   */
  static void countOpen(
      FloatMat z, FloatMat tau, int[] labels, int labelOffset, double[] counts, double[] byClass) {
    int cols = z.cols;
    int[] tk = TauGateKernel.thresholdKeys(row(tau));
    IntBuffer zBits = z.bits();
    int[] zk = new int[cols];
    int[] open = new int[cols];
    int[] openByClass = new int[byClass.length];
    for (int r = 0; r < z.rows; r++) {
      zBits.get(r * cols, zk, 0, cols);
      int base = labels[labelOffset + r] * cols;
      for (int c = 0; c < cols; c++) {
        int o = TauGateKernel.open(zk[c], tk[c]);
        open[c] += o;
        openByClass[base + c] += o;
      }
    }
    for (int c = 0; c < cols; c++) {
      counts[c] += open[c];
    }
    for (int i = 0; i < openByClass.length; i++) {
      byClass[i] += openByClass[i];
    }
  }

  /**
   * TauGate's forward pass with hard gates, for inference (no gates kept for a backward pass): the
   * same bits as {@link #tauGateForward} with {@code hard}. The products {@code gamma z} go through
   * out's memory once as floats and come back as bits for {@link TauGateKernel#hardInferenceMask}.
   */
  static void tauGateHardInference(FloatMat z, FloatMat tau, FloatMat gamma, FloatMat out) {
    int cols = z.cols;
    int[] tk = TauGateKernel.thresholdKeys(row(tau));
    float[] gm = row(gamma);
    IntBuffer zBits = z.bits();
    IntBuffer outBits = out.bits();
    float[] zf = new float[cols];
    int[] zi = new int[cols];
    float[] p = new float[cols];
    int[] pi = new int[cols];
    for (int r = 0; r < z.rows; r++) {
      z.buf.get(r * cols, zf, 0, cols);
      zBits.get(r * cols, zi, 0, cols);
      for (int c = 0; c < cols; c++) {
        p[c] = gm[c] * zf[c];
      }
      out.buf.put(r * cols, p, 0, cols);
      outBits.get(r * cols, pi, 0, cols);
      TauGateKernel.hardInferenceMask(zi, tk, pi, cols);
      outBits.put(r * cols, pi, 0, cols);
    }
  }

  /**
   * TauGate's forward pass with soft gates, for inference (no gates kept): the same bits as {@link
   * #tauGateForward} without {@code hard} and {@code allGates}, a row at a time through {@link
   * TauGateKernel#softInferenceRow}.
   */
  static void tauGateSoftInference(
      FloatMat z, FloatMat tau, FloatMat gamma, double sharpness, FloatMat out) {
    int cols = z.cols;
    float[] t = row(tau);
    float[] gm = row(gamma);
    IntBuffer zBits = z.bits();
    float[] zf = new float[cols];
    int[] zi = new int[cols];
    int[] on = new int[cols];
    float[] o = new float[cols];
    float s = (float) sharpness;
    for (int r = 0; r < z.rows; r++) {
      z.buf.get(r * cols, zf, 0, cols);
      zBits.get(r * cols, zi, 0, cols);
      TauGateKernel.softInferenceRow(zf, zi, t, gm, s, on, o, cols);
      out.buf.put(r * cols, o, 0, cols);
    }
  }

  /** How many rows' arg-max (first maximum) equals their label. */
  static long correct(FloatMat out, int[] labels, int labelOffset) {
    int cols = out.cols;
    float[] x = new float[cols];
    long correct = 0;
    for (int r = 0; r < out.rows; r++) {
      out.buf.get(r * cols, x, 0, cols);
      int best = 0;
      for (int c = 1; c < cols; c++) {
        if (x[c] > x[best]) {
          best = c;
        }
      }
      if (best == labels[labelOffset + r]) {
        correct++;
      }
    }
    return correct;
  }

  /** Copies all elements of {@code from} into {@code to} (same length). */
  static void copy(FloatMat from, FloatMat to) {
    to.buf.put(0, from.buf, 0, from.length());
  }

  /** Parameters per block of {@link #adam}: its four arrays (16 KB) stay in the L1 cache. */
  static final int ADAM_BLOCK = 1024;

  /**
   * Adam's step size {@code lr sqrt(1 - b2^t) / (1 - b1^t)} with {@code t = iteration + 1}, as
   * libnd4j computes it (in double, then float; {@code epsilon} where that is not a finite non-zero
   * number).
   */
  static float adamStepSize(double lr, double beta1, double beta2, double epsilon, int iteration) {
    double t = iteration + 1.0;
    double stepSize = lr * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t));
    if (!Double.isFinite(stepSize) || stepSize == 0.0) {
      stepSize = epsilon; // as libnd4j does
    }
    return (float) stepSize;
  }

  /**
   * One Adam step over the first {@code n} elements of a block of parameters, on heap copies of its
   * gradient, moments and values (LeanNet's), as DL4J's Adam updater op computes it (float state),
   * fused with the division of the batch-summed gradient by the minibatch size and with {@code
   * params -= update}: {@code g = grad * scale}, {@code m = b1 m + (1 - b1) g}, {@code v = b2 v +
   * (1 - b2) g^2}, {@code params -= m * alpha / (sqrt(v) + eps)} with alpha from {@link
   * #adamStepSize}.
   */
  static void adam(
      float[] grad,
      float[] m,
      float[] v,
      float[] params,
      int n,
      float alpha,
      double beta1,
      double beta2,
      double epsilon,
      float scale) {
    if (grad.length < n || m.length < n || v.length < n || params.length < n) {
      throw new IllegalArgumentException(
          "adam: "
              + n
              + " elements, arrays of "
              + grad.length
              + ", "
              + m.length
              + ", "
              + v.length
              + " and "
              + params.length);
    }
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float mb1 = (float) (1.0 - beta1);
    float mb2 = (float) (1.0 - beta2);
    float eps = (float) epsilon;
    // One simple loop over heap arrays, which the JIT turns into vector code.
    for (int i = 0; i < n; i++) {
      float gi = grad[i] * scale;
      float mi = b1 * m[i] + mb1 * gi;
      float vi = b2 * v[i] + mb2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      params[i] = params[i] - mi * alpha / ((float) Math.sqrt(vi) + eps);
    }
  }

  /** All ones when the float with these bits is above 0 (a positive int), else 0; not for NaN. */
  private static int positiveMask(int bits) {
    return (-bits & ~bits) >> 31;
  }
}
