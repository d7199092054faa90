package io.tausweep.model.arch;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TauGate's gate and gated output, defined once: the soft gate {@code g = sigmoid(s (z - tau))},
 * the hard gate {@code g = 1[z > tau]} and the output {@code out = gamma * relu(z) * g}. Every
 * TauGate forward pass takes its math from here: the DL4J layer ({@link TauGateLayerImpl}, through
 * {@link #forward} and {@link #gates}), the lean engine's training step (through {@link
 * #forwardRow}) and its inference passes ({@link #softInferenceRow} and {@link #hardInferenceMask},
 * which give the same bits as {@link #forwardRow} without keeping the gates).
 *
 * <p>The row functions work on one row of a [batch, n] matrix held in heap arrays, in one fixed
 * order, so the same inputs give the same bits on every run. Floats are the engine's precision; the
 * DL4J layer computes in its network's data type (double in gradient checks).
 */
public final class TauGateKernel {
  private TauGateKernel() {}

  /** The logistic function {@code 1 / (1 + e^-x)} in float (through {@code Math.exp}). */
  public static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }

  /** The logistic function {@code 1 / (1 + e^-x)}. */
  public static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  /** The soft gate {@code sigmoid(s (z - tau))}. */
  public static float softGate(float z, float tau, float sharpness) {
    return sigmoid(sharpness * (z - tau));
  }

  /** The soft gate {@code sigmoid(s (z - tau))}. */
  public static double softGate(double z, double tau, double sharpness) {
    return sigmoid(sharpness * (z - tau));
  }

  /** The hard gate {@code 1[z > tau]} (strictly greater). */
  public static float hardGate(float z, float tau) {
    return z > tau ? 1f : 0f;
  }

  /** The hard gate {@code 1[z > tau]} (strictly greater). */
  public static double hardGate(double z, double tau) {
    return z > tau ? 1.0 : 0.0;
  }

  /** The gated output {@code gamma * relu(z) * g}: {@code (gamma z) g} where z > 0, else 0. */
  public static float output(float z, float gamma, float gate) {
    return z > 0f ? gamma * z * gate : 0f;
  }

  /** The gated output {@code gamma * relu(z) * g}: {@code (gamma z) g} where z > 0, else 0. */
  public static double output(double z, double gamma, double gate) {
    return z > 0.0 ? gamma * z * gate : 0.0;
  }

  /**
   * One row of the forward pass: the gates into {@code g}, the outputs into {@code out}.
   *
   * @param allGates false to skip the soft gate where {@code z <= 0} (0 is stored in g there): the
   *     output does not depend on it, and without a sparsity penalty neither does the backward pass
   * @return the row's sum of the gates computed, accumulated in float from the first unit
   */
  public static float forwardRow(
      float[] z,
      float[] tau,
      float[] gamma,
      float sharpness,
      boolean hard,
      boolean allGates,
      float[] g,
      float[] out,
      int cols) {
    float rowSum = 0f;
    for (int c = 0; c < cols; c++) {
      float v = z[c];
      float gate =
          hard
              ? hardGate(v, tau[c])
              : (allGates || !(v <= 0f) ? softGate(v, tau[c], sharpness) : 0f);
      g[c] = gate;
      out[c] = output(v, gamma[c], gate);
      rowSum += gate;
    }
    return rowSum;
  }

  /** {@link #forwardRow} in double, every gate computed; returns the row's sum of the gates. */
  public static double forwardRow(
      double[] z,
      double[] tau,
      double[] gamma,
      double sharpness,
      boolean hard,
      double[] g,
      double[] out,
      int cols) {
    double rowSum = 0;
    for (int c = 0; c < cols; c++) {
      double v = z[c];
      double gate = hard ? hardGate(v, tau[c]) : softGate(v, tau[c], sharpness);
      g[c] = gate;
      out[c] = output(v, gamma[c], gate);
      rowSum += gate;
    }
    return rowSum;
  }

  /**
   * One row of the soft forward pass for inference: the same bits as {@link #forwardRow} without
   * {@code hard} or {@code allGates}, for every z that is not NaN, without keeping the gates. The
   * row first lists its units with {@code z > 0} (the test on the bit pattern added to the list's
   * length, so no branch), then computes the gates of those units only: the exponential is skipped
   * where the ReLU is off, without a branch taken at random in front of it.
   *
   * @param zBits the bit patterns of z ({@link Float#floatToRawIntBits})
   * @param on scratch of at least {@code cols} ints
   */
  public static void softInferenceRow(
      float[] z,
      int[] zBits,
      float[] tau,
      float[] gamma,
      float sharpness,
      int[] on,
      float[] out,
      int cols) {
    int n = 0;
    for (int c = 0; c < cols; c++) {
      on[n] = c;
      n += positiveMask(zBits[c]) & 1;
    }
    java.util.Arrays.fill(out, 0, cols, 0f);
    for (int k = 0; k < n; k++) {
      int c = on[k];
      float v = z[c];
      out[c] = gamma[c] * v * softGate(v, tau[c], sharpness);
    }
  }

  /**
   * One row of the hard forward pass for inference, as bit masks: given the bits of the products
   * {@code gamma z}, leaves the bits of {@link #forwardRow}'s hard output, for every finite {@code
   * gamma z} and z that is not NaN. {@code (gamma z) * 1} is {@code gamma z} and {@code (gamma z) *
   * 0} is a zero with the product's sign, so the row is {@code bits(gamma z) & positive(z) & (open
   * | sign bit)}, with no branch.
   *
   * @param zBits the bit patterns of z
   * @param tauKeys {@link #thresholdKeys} of tau
   * @param productBits in: the bits of {@code gamma[c] * z[c]}; out: the bits of the output
   */
  public static void hardInferenceMask(int[] zBits, int[] tauKeys, int[] productBits, int cols) {
    for (int c = 0; c < cols; c++) {
      int v = zBits[c];
      productBits[c] &= positiveMask(v) & (lessMask(tauKeys[c], orderKey(v)) | 0x80000000);
    }
  }

  /**
   * One row's open gates as 0 or 1: {@code 1[z > tau]} for every z that is not NaN, on the bit
   * patterns, so a count over rows compiles to branch-free vector code.
   */
  public static int open(int zBits, int tauKey) {
    return lessMask(tauKey, orderKey(zBits)) & 1;
  }

  /** tau's order keys, -0.0 taken as 0.0 first (the two are equal as floats but not as keys). */
  public static int[] thresholdKeys(float[] tau) {
    int[] keys = new int[tau.length];
    for (int c = 0; c < tau.length; c++) {
      keys[c] = orderKey(Float.floatToRawIntBits(tau[c] == 0f ? 0f : tau[c]));
    }
    return keys;
  }

  /**
   * A float's bit pattern turned into an int that orders as the float does: {@code orderKey(a) >
   * orderKey(b)} exactly when {@code a > b}, for a and b not NaN and b not -0.0 (negative floats
   * order backwards as ints, so their magnitude bits are flipped).
   */
  static int orderKey(int bits) {
    return bits ^ ((bits >> 31) & 0x7FFFFFFF);
  }

  /** All ones when the float with these bits is above 0 (a positive int), else 0; not for NaN. */
  static int positiveMask(int bits) {
    return (-bits & ~bits) >> 31;
  }

  /** All ones when {@code x < y} (signed, without overflow), else 0: Hacker's Delight, 2-12. */
  static int lessMask(int x, int y) {
    int d = x - y;
    return (d ^ ((x ^ y) & (d ^ x))) >> 31;
  }

  /**
   * The forward pass of a [batch, n] matrix in its data type: the gates into {@code g}, {@code
   * gamma * relu(z) * g} into {@code out} (both [batch, n], distinct from z).
   *
   * @return the sum of all gates
   */
  public static double forward(
      INDArray z,
      INDArray tau,
      INDArray gamma,
      double sharpness,
      boolean hard,
      INDArray g,
      INDArray out) {
    int rows = (int) z.size(0);
    int cols = (int) z.size(1);
    double sum = 0;
    if (z.dataType() == DataType.FLOAT) {
      float[][] zz = z.toFloatMatrix();
      float[] t = tau.toFloatVector();
      float[] gm = gamma.toFloatVector();
      float[][] gg = new float[rows][cols];
      float[][] o = new float[rows][cols];
      for (int r = 0; r < rows; r++) {
        sum += forwardRow(zz[r], t, gm, (float) sharpness, hard, true, gg[r], o[r], cols);
      }
      g.assign(Nd4j.create(gg));
      out.assign(Nd4j.create(o));
    } else {
      double[][] zz = z.toDoubleMatrix();
      double[] t = tau.toDoubleVector();
      double[] gm = gamma.toDoubleVector();
      double[][] gg = new double[rows][cols];
      double[][] o = new double[rows][cols];
      for (int r = 0; r < rows; r++) {
        sum += forwardRow(zz[r], t, gm, sharpness, hard, gg[r], o[r], cols);
      }
      g.assign(Nd4j.create(gg));
      out.assign(Nd4j.create(o));
    }
    return sum;
  }

  /** The gates of a [batch, n] matrix into {@code g} (same shape, distinct from z). */
  public static void gates(INDArray z, INDArray tau, double sharpness, boolean hard, INDArray g) {
    int cols = (int) z.size(1);
    if (z.dataType() == DataType.FLOAT) {
      float[][] zz = z.toFloatMatrix();
      float[] t = tau.toFloatVector();
      float s = (float) sharpness;
      for (float[] row : zz) {
        for (int c = 0; c < cols; c++) {
          row[c] = hard ? hardGate(row[c], t[c]) : softGate(row[c], t[c], s);
        }
      }
      g.assign(Nd4j.create(zz));
    } else {
      double[][] zz = z.toDoubleMatrix();
      double[] t = tau.toDoubleVector();
      for (double[] row : zz) {
        for (int c = 0; c < cols; c++) {
          row[c] = hard ? hardGate(row[c], t[c]) : softGate(row[c], t[c], sharpness);
        }
      }
      g.assign(Nd4j.create(zz));
    }
  }
}
