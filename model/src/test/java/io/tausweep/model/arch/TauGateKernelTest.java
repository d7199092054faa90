package io.tausweep.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The one TauGate kernel against independent definitions: the paper's formulas evaluated in double
 * precision, and ND4J's own sigmoid and comparison ops over whole arrays.
 */
class TauGateKernelTest {

  @Test
  void sigmoidMatchesTheDefinitionToFloatPrecision() {
    double worst = 0;
    for (float x = -120f; x <= 120f; x += 0.001f) {
      double exact = 1.0 / (1.0 + StrictMath.exp(-(double) x));
      worst = Math.max(worst, Math.abs(TauGateKernel.sigmoid(x) - exact));
    }
    // The double result rounded once to float: within half a float ulp of 1 (2^-24 ~ 6e-8).
    assertThat(worst).isLessThan(6e-8);
    assertThat(TauGateKernel.sigmoid(0f)).isEqualTo(0.5f);
    assertThat(TauGateKernel.sigmoid(-1e9f)).isEqualTo(0f);
    assertThat(TauGateKernel.sigmoid(1e9f)).isEqualTo(1f);
    assertThat(TauGateKernel.sigmoid(Float.NaN)).isNaN();
  }

  /** A row in float against {@code gamma * max(z, 0) * g} with g from the formula in double. */
  @Test
  void forwardRowMatchesTheFormulaInDouble() {
    int cols = 257;
    Units u =
        Units.seeded(
            cols,
            3,
            (c, r) -> c % 9 == 0 ? 0f : (float) (r.nextGaussian() * 2),
            (c, r) -> (float) (r.nextGaussian() * 0.5),
            (c, r) -> (float) (1 + r.nextGaussian() * 0.3));
    float[] z = u.z;
    float[] tau = u.tau;
    float[] gamma = u.gamma;
    float s = 5f;
    for (boolean hard : new boolean[] {false, true}) {
      float[] g = new float[cols];
      float[] out = new float[cols];
      float sum = TauGateKernel.forwardRow(z, tau, gamma, s, hard, true, g, out, cols);
      double expectedSum = 0;
      for (int c = 0; c < cols; c++) {
        double x = (double) s * ((double) z[c] - tau[c]);
        double gate = hard ? (z[c] > tau[c] ? 1 : 0) : 1 / (1 + Math.exp(-x));
        double expected = gamma[c] * Math.max(z[c], 0.0) * gate;
        // Float rounding of z - tau, s * (.), the exponential and two products: a few ulps.
        assertThat((double) g[c]).as("gate %d", c).isCloseTo(gate, within(1e-6 + 1e-5 * gate));
        assertThat((double) out[c])
            .as("output %d", c)
            .isCloseTo(expected, within(1e-5 * (1 + Math.abs(expected))));
        expectedSum += gate;
      }
      assertThat((double) sum).isCloseTo(expectedSum, within(1e-4 * cols));
      if (hard) {
        for (int c = 0; c < cols; c++) {
          assertThat(g[c]).isEqualTo(z[c] > tau[c] ? 1f : 0f);
        }
      }
    }
  }

  @Test
  void arrayFormMatchesNd4jsOwnOpsInFloatAndDouble() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(11);
      INDArray z = Nd4j.randn(type, 33, 17).muli(2);
      INDArray tau = Nd4j.randn(type, 1, 17).muli(0.5);
      INDArray gamma = Nd4j.randn(type, 1, 17).muli(0.2).addi(1);
      double s = 4.0;
      INDArray g = Nd4j.zeros(type, 33, 17);
      INDArray out = Nd4j.zeros(type, 33, 17);
      double sum = TauGateKernel.forward(z, tau, gamma, s, false, g, out);

      INDArray expectedG = Transforms.sigmoid(z.subRowVector(tau).muli(s), true);
      INDArray expectedOut = Transforms.relu(z, true).muli(expectedG).muliRowVector(gamma);
      double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
      assertClose(g, expectedG, tol);
      assertClose(out, expectedOut, tol);
      assertThat(sum).isCloseTo(expectedG.sumNumber().doubleValue(), within(tol * z.length()));

      INDArray hard = Nd4j.zeros(type, 33, 17);
      TauGateKernel.gates(z, tau, s, true, hard);
      INDArray expectedHard = z.subRowVector(tau).gt(0).castTo(type);
      assertThat(hard.equals(expectedHard)).isTrue();
    }
  }

  /** The inference row variants give the training row's bits, signed zeros included. */
  @Test
  void inferenceRowsAreTheForwardRowBitForBit() {
    int cols = 300;
    Units u =
        Units.seeded(
            cols,
            5,
            (c, r) ->
                switch (c % 7) {
                  case 0 -> 0f;
                  case 1 -> -0f;
                  case 2 -> Float.MIN_VALUE;
                  default -> (float) r.nextGaussian();
                },
            (c, r) -> c % 11 == 0 ? -0f : (float) (r.nextGaussian() * 0.5),
            (c, r) -> (float) (r.nextGaussian()));
    float[] z = u.z;
    float[] tau = u.tau;
    float[] gamma = u.gamma;
    int[] zBits = new int[cols];
    for (int c = 0; c < cols; c++) {
      zBits[c] = Float.floatToRawIntBits(z[c]);
    }
    float[] g = new float[cols];
    float[] soft = new float[cols];
    TauGateKernel.forwardRow(z, tau, gamma, 4f, false, false, g, soft, cols);
    float[] softInference = new float[cols];
    java.util.Arrays.fill(softInference, 99f);
    TauGateKernel.softInferenceRow(z, zBits, tau, gamma, 4f, new int[cols], softInference, cols);
    assertSameBits(softInference, soft);

    float[] hard = new float[cols];
    TauGateKernel.forwardRow(z, tau, gamma, 4f, true, false, g, hard, cols);
    int[] products = new int[cols];
    for (int c = 0; c < cols; c++) {
      products[c] = Float.floatToRawIntBits(gamma[c] * z[c]);
    }
    TauGateKernel.hardInferenceMask(zBits, TauGateKernel.thresholdKeys(tau), products, cols);
    int open = 0;
    for (int c = 0; c < cols; c++) {
      assertThat(products[c]).as("unit %d", c).isEqualTo(Float.floatToRawIntBits(hard[c]));
      assertThat(TauGateKernel.open(zBits[c], TauGateKernel.thresholdKeys(tau)[c]))
          .isEqualTo(z[c] > tau[c] ? 1 : 0);
      open += z[c] > tau[c] ? 1 : 0;
    }
    assertThat(open).isBetween(cols / 5, cols - cols / 5);
  }

  /** One unit's value of a row, drawn (or not) from the row's generator. */
  private interface UnitValue {
    float of(int c, Random r);
  }

  /** A row's inputs z, tau and gamma. */
  private static final class Units {
    final float[] z;
    final float[] tau;
    final float[] gamma;

    private Units(int cols) {
      z = new float[cols];
      tau = new float[cols];
      gamma = new float[cols];
    }

    /** Fills unit by unit, z then tau then gamma, from one {@code new Random(seed)}. */
    static Units seeded(int cols, long seed, UnitValue z, UnitValue tau, UnitValue gamma) {
      Random r = new Random(seed);
      Units u = new Units(cols);
      for (int c = 0; c < cols; c++) {
        u.z[c] = z.of(c, r);
        u.tau[c] = tau.of(c, r);
        u.gamma[c] = gamma.of(c, r);
      }
      return u;
    }
  }

  private static void assertSameBits(float[] actual, float[] expected) {
    for (int c = 0; c < expected.length; c++) {
      assertThat(Float.floatToRawIntBits(actual[c]))
          .as("unit %d", c)
          .isEqualTo(Float.floatToRawIntBits(expected[c]));
    }
  }

  private static void assertClose(INDArray actual, INDArray expected, double tol) {
    double[] a = actual.dup('c').data().asDouble();
    double[] e = expected.dup('c').data().asDouble();
    assertThat(a).hasSameSizeAs(e);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tol * (1 + Math.abs(e[i]))));
    }
  }
}
