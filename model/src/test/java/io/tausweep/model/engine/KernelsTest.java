package io.tausweep.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The element-wise kernels against their definitions. */
class KernelsTest {

  /**
   * Skipping the gates of units whose ReLU is off changes no output, and with no sparsity penalty
   * no gradient: bit for bit, including signed zeros, over values with many z <= 0 (and exact
   * zeros).
   */
  @Test
  void skippedGatesChangeNoOutputAndNoUnpenalisedGradient() {
    int rows = 37;
    int cols = 29;
    Random r = new Random(7);
    try (Mats m = new Mats(rows, cols)) {
      for (int i = 0; i < rows * cols; i++) {
        m.z.buf.put(i, r.nextInt(10) == 0 ? 0f : (float) r.nextGaussian());
        m.eps.buf.put(i, (float) r.nextGaussian());
      }
      for (int c = 0; c < cols; c++) {
        m.tau.buf.put(c, (float) r.nextGaussian() * 0.5f);
        m.gamma.buf.put(c, (float) (1 + r.nextGaussian() * 0.2));
      }
      Kernels.tauGateForward(m.z, m.tau, m.gamma, 4.0, false, true, m.gAll, m.outAll);
      Kernels.tauGateForward(m.z, m.tau, m.gamma, 4.0, false, false, m.gSkip, m.outSkip);
      int skipped = 0;
      for (int i = 0; i < rows * cols; i++) {
        assertThat(Float.floatToRawIntBits(m.outSkip.buf.get(i)))
            .isEqualTo(Float.floatToRawIntBits(m.outAll.buf.get(i)));
        if (m.z.buf.get(i) <= 0f) {
          assertThat(m.gSkip.buf.get(i)).isZero();
          assertThat(m.gAll.buf.get(i)).isPositive();
          skipped++;
        } else {
          assertThat(m.gSkip.buf.get(i)).isEqualTo(m.gAll.buf.get(i));
        }
      }
      assertThat(skipped).isGreaterThan(rows * cols / 3);

      Kernels.tauGateBackward(
          m.z, m.gAll, m.eps, m.gamma, 4.0, false, 0.0, m.dzAll, m.dtAll, m.dgAll);
      Kernels.tauGateBackward(
          m.z, m.gSkip, m.eps, m.gamma, 4.0, false, 0.0, m.dzSkip, m.dtSkip, m.dgSkip);
      assertBits(m.dzSkip, m.dzAll);
      assertBits(m.dtSkip, m.dtAll);
      assertBits(m.dgSkip, m.dgAll);
      // With a penalty the skipped gates matter: the training pass computes them all.
      Kernels.tauGateBackward(
          m.z, m.gAll, m.eps, m.gamma, 4.0, false, 0.1, m.dzAll, m.dtAll, m.dgAll);
      Kernels.tauGateBackward(
          m.z, m.gSkip, m.eps, m.gamma, 4.0, false, 0.1, m.dzSkip, m.dtSkip, m.dgSkip);
      assertThat(m.dtSkip.buf.get(0)).isNotEqualTo(m.dtAll.buf.get(0));
    }
  }

  /**
   * ReLU's derivative as an integer mask gives what the float comparison {@code act > 0 ? eps : 0}
   * gives, bit for bit: signed zeros, subnormals, infinities and NaNs in eps, and every kind of
   * activation a ReLU can output (and negative ones, which it cannot).
   */
  @Test
  void reluMaskIsTheComparisonBitForBit() {
    float[] acts = {
      0f,
      -0f,
      Float.MIN_VALUE,
      1e-30f,
      0.5f,
      3f,
      Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      -1f,
      -Float.MIN_VALUE,
      Float.NEGATIVE_INFINITY
    };
    float[] epss = {
      1.25f,
      -2f,
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.NaN,
      7e-20f
    };
    int rows = acts.length;
    int cols = epss.length;
    FloatMat act = FloatMat.allocate(rows, cols);
    FloatMat eps = FloatMat.allocate(rows, cols);
    FloatMat delta = FloatMat.allocate(rows, cols);
    try {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          act.buf.put(r * cols + c, acts[r]);
          eps.buf.put(r * cols + c, epss[(r + c) % cols]);
          delta.buf.put(r * cols + c, 99f);
        }
      }
      Kernels.reluMask(act, eps, delta);
      for (int i = 0; i < rows * cols; i++) {
        float expected = act.buf.get(i) > 0f ? eps.buf.get(i) : 0f;
        assertThat(Float.floatToRawIntBits(delta.buf.get(i)))
            .as("act %s, eps %s", act.buf.get(i), eps.buf.get(i))
            .isEqualTo(Float.floatToRawIntBits(expected));
      }
    } finally {
      act.array.close();
      eps.array.close();
      delta.array.close();
    }
  }

  /**
   * Values where a comparison by bit patterns could go wrong: both zeros, ties with tau, signs,
   * extremes.
   */
  private static final float[] EDGES = {
    0f,
    -0f,
    0.25f,
    -0.25f,
    1f,
    -1f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    1e-30f,
    -1e-30f
  };

  private static final int GATE_ROWS = 300;
  private static final int GATE_COLS = 40;

  /**
   * Work arrays whose z, tau and gamma hold random values and every pair of edge values (z is NaN
   * nowhere: a diverged network's).
   */
  private static Mats gateMats(long seed) {
    Mats m = new Mats(GATE_ROWS, GATE_COLS);
    fillGateInputs(m.z, m.tau, m.gamma, new Random(seed));
    return m;
  }

  private static void fillGateInputs(FloatMat z, FloatMat tau, FloatMat gamma, Random rng) {
    int cols = z.cols;
    for (int c = 0; c < cols; c++) {
      tau.buf.put(c, c < EDGES.length ? EDGES[c] : (float) (rng.nextGaussian() * 0.5));
      gamma.buf.put(c, c % 3 == 0 ? -(float) rng.nextDouble() : (float) (rng.nextDouble() * 2));
    }
    for (int r = 0; r < z.rows; r++) {
      for (int c = 0; c < cols; c++) {
        float v;
        if (r < EDGES.length) {
          v = EDGES[r];
        } else if (r % 7 == 0) {
          v = tau.buf.get(c);
        } else {
          v = (float) rng.nextGaussian();
        }
        z.buf.put(r * cols + c, v);
      }
    }
  }

  @Test
  void countOpenCountsZAboveTauForEveryPairOfEdgeValues() {
    int rows = GATE_ROWS;
    int cols = GATE_COLS;
    int classes = 10;
    Random rng = new Random(111);
    try (Mats m = gateMats(11)) {
      int[] labels = new int[rows + 5];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = rng.nextInt(classes);
      }
      double[] counts = new double[cols];
      double[] byClass = new double[classes * cols];
      counts[3] = 7; // counts add to what is there
      byClass[0] = 2;
      Kernels.countOpen(m.z, m.tau, labels, 5, counts, byClass);
      double[] expected = new double[cols];
      double[] expectedByClass = new double[classes * cols];
      expected[3] = 7;
      expectedByClass[0] = 2;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          if (m.z.buf.get(r * cols + c) > m.tau.buf.get(c)) {
            expected[c]++;
            expectedByClass[labels[5 + r] * cols + c]++;
          }
        }
      }
      assertThat(counts).containsExactly(expected);
      assertThat(byClass).containsExactly(expectedByClass);
      assertThat(expected[cols - 1]).isBetween(1.0, rows - 1.0);
    }
  }

  @Test
  void hardInferenceIsTheHardForwardPassBitForBit() {
    int n = GATE_ROWS * GATE_COLS;
    try (Mats m = gateMats(12)) {
      // gamma * z must stay finite (an infinite product times a closed gate is NaN in the float
      // pass).
      for (int i = 0; i < n; i++) {
        float v = m.z.buf.get(i);
        if (Math.abs(v) > 1e30f) {
          m.z.buf.put(i, Math.copySign(1e30f, v));
        }
      }
      Kernels.tauGateForward(m.z, m.tau, m.gamma, 4.0, true, false, m.gAll, m.outAll);
      Kernels.tauGateHardInference(m.z, m.tau, m.gamma, m.outSkip);
      assertBits(m.outSkip, m.outAll);
      int negativeZeros = 0;
      for (int i = 0; i < n; i++) {
        negativeZeros += Float.floatToRawIntBits(m.outAll.buf.get(i)) == 0x80000000 ? 1 : 0;
      }
      assertThat(negativeZeros).as("closed gates of positive z with negative gamma").isPositive();
    }
  }

  @Test
  void softInferenceIsTheSoftForwardPassBitForBit() {
    try (Mats m = gateMats(13)) {
      for (int i = 0; i < GATE_ROWS * GATE_COLS; i++) {
        m.outSkip.buf.put(i, 99f); // every element is written, the zeros too
      }
      Kernels.tauGateForward(m.z, m.tau, m.gamma, 4.0, false, false, m.gAll, m.outAll);
      Kernels.tauGateSoftInference(m.z, m.tau, m.gamma, 4.0, m.outSkip);
      assertBits(m.outSkip, m.outAll);
    }
  }

  private static void assertBits(FloatMat actual, FloatMat expected) {
    for (int i = 0; i < expected.length(); i++) {
      assertThat(Float.floatToRawIntBits(actual.buf.get(i)))
          .as("element %d", i)
          .isEqualTo(Float.floatToRawIntBits(expected.buf.get(i)));
    }
  }

  /** Work arrays of one TauGate layer's forward and backward passes, freed on close. */
  private static final class Mats implements AutoCloseable {
    final FloatMat z;
    final FloatMat eps;
    final FloatMat tau;
    final FloatMat gamma;
    final FloatMat gAll;
    final FloatMat gSkip;
    final FloatMat outAll;
    final FloatMat outSkip;
    final FloatMat dzAll;
    final FloatMat dzSkip;
    final FloatMat dtAll;
    final FloatMat dtSkip;
    final FloatMat dgAll;
    final FloatMat dgSkip;

    Mats(int rows, int cols) {
      z = FloatMat.allocate(rows, cols);
      eps = FloatMat.allocate(rows, cols);
      tau = FloatMat.allocate(1, cols);
      gamma = FloatMat.allocate(1, cols);
      gAll = FloatMat.allocate(rows, cols);
      gSkip = FloatMat.allocate(rows, cols);
      outAll = FloatMat.allocate(rows, cols);
      outSkip = FloatMat.allocate(rows, cols);
      dzAll = FloatMat.allocate(rows, cols);
      dzSkip = FloatMat.allocate(rows, cols);
      dtAll = FloatMat.allocate(1, cols);
      dtSkip = FloatMat.allocate(1, cols);
      dgAll = FloatMat.allocate(1, cols);
      dgSkip = FloatMat.allocate(1, cols);
    }

    @Override
    public void close() {
      for (FloatMat f :
          new FloatMat[] {
            z, eps, tau, gamma, gAll, gSkip, outAll, outSkip, dzAll, dzSkip, dtAll, dtSkip, dgAll,
            dgSkip
          }) {
        INDArray a = f.array;
        a.close();
      }
    }
  }
}
