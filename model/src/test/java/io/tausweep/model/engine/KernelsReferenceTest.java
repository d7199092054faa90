package io.tausweep.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each non-trivial kernel of {@link Kernels} against an independent definition written here as
 * plain loops in double precision, on random inputs: the float results must agree to float
 * precision (relative {@value #REL}), so a wrong sign, index, factor or convention fails. Gradients
 * are checked against central differences of the scalar function they claim to differentiate, not
 * against a hand-derived formula. (KernelsTest compares sibling kernels with each other; the gate
 * formulas themselves are in {@code TauGateKernelTest}.)
 */
class KernelsReferenceTest {
  /** Relative tolerance: float rounding of a few operations (and of sums of up to ~100 terms). */
  private static final double REL = 1e-5;

  private final List<FloatMat> owned = new ArrayList<>();

  @AfterEach
  void free() {
    for (FloatMat m : owned) {
      m.array.close();
    }
  }

  // ---------------------------------------------------------------- dense layer and loss kernels

  @Test
  void addBiasIsTheSumThenMaxWithZero() {
    int rows = 37;
    int cols = 53;
    Random rng = new Random(21);
    float[] x = gaussians(rng, rows * cols, 2.0);
    float[] b = gaussians(rng, cols, 1.0);
    x[5] = -b[5]; // an exact zero sum
    for (boolean relu : new boolean[] {false, true}) {
      for (boolean inPlace : new boolean[] {false, true}) {
        FloatMat in = mat(rows, cols, x);
        FloatMat out = inPlace ? in : filled(rows, cols, 99f);
        Kernels.addBias(in, mat(1, cols, b), relu, out);
        float[] got = values(out);
        int clipped = 0;
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            double sum = (double) x[r * cols + c] + b[c];
            double expected = relu ? Math.max(sum, 0.0) : sum;
            clipped += sum < 0 ? 1 : 0;
            // One float addition is correctly rounded: the double result rounded once.
            assertThat(got[r * cols + c])
                .as("relu %s, in place %s, (%d, %d)", relu, inPlace, r, c)
                .isEqualTo((float) expected);
          }
        }
        assertThat(clipped).isBetween(rows * cols / 4, 3 * rows * cols / 4);
      }
    }
  }

  @Test
  void columnSumsAreTheColumnTotals() {
    int rows = 200;
    int cols = 31;
    Random rng = new Random(22);
    float[] x = gaussians(rng, rows * cols, 3.0);
    FloatMat sums = filled(1, cols, 99f);
    Kernels.columnSums(mat(rows, cols, x), sums);
    float[] got = values(sums);
    for (int c = 0; c < cols; c++) {
      double sum = 0;
      double abs = 0;
      for (int r = 0; r < rows; r++) {
        sum += x[r * cols + c];
        abs += Math.abs(x[r * cols + c]);
      }
      assertClose(got[c], sum, REL * abs, "column " + c);
    }
  }

  @Test
  void softmaxIsExpOverTheRowSumOfExp() {
    int rows = 41;
    int cols = 10;
    Random rng = new Random(23);
    float[] z = gaussians(rng, rows * cols, 4.0);
    // A row whose exponentials overflow float: only the maximum's subtraction keeps it finite.
    for (int c = 0; c < cols; c++) {
      z[c] = 90f + c;
    }
    FloatMat m = mat(rows, cols, z);
    Kernels.softmax(m);
    float[] got = values(m);
    for (int r = 0; r < rows; r++) {
      double[] p = softmaxDefinition(z, r, cols);
      double rowSum = 0;
      for (int c = 0; c < cols; c++) {
        assertClose(got[r * cols + c], p[c], REL * p[c], "row " + r + ", col " + c);
        rowSum += got[r * cols + c];
      }
      assertThat(rowSum).as("row %d sums to 1", r).isBetween(1 - 1e-5, 1 + 1e-5);
    }
  }

  /**
   * Without clipping: the loss is {@code -sum_r sum_c y log softmax(z)} summed over the rows (not
   * averaged; LeanNet divides by the batch where DL4J averages), and delta is its gradient in z,
   * taken here by central differences of that definition, not from the formula {@code p - y}.
   */
  @Test
  void crossEntropyWithoutClippingIsTheSummedLossAndItsGradient() {
    int rows = 48;
    int cols = 10;
    Random rng = new Random(24);
    float[] z = gaussians(rng, rows * cols, 3.0);
    float[] y = labels(rng, rows, cols, true);
    FloatMat delta = filled(rows, cols, 99f);
    double loss = Kernels.softmaxCrossEntropy(mat(rows, cols, z), mat(rows, cols, y), 0.0, delta);
    float[] d = values(delta);

    double expectedLoss = 0;
    for (int r = 0; r < rows; r++) {
      expectedLoss += rowCrossEntropy(toDouble(z, r, cols), y, r, cols, 0.0);
    }
    assertClose(loss, expectedLoss, REL * (expectedLoss + rows), "loss");
    assertThat(expectedLoss / rows)
        .as("mean loss of random labels: far from a trivial 0")
        .isGreaterThan(1.0);

    for (int r = 0; r < rows; r++) {
      double[] zr = toDouble(z, r, cols);
      for (int c = 0; c < cols; c++) {
        double h = 1e-6;
        double[] up = zr.clone();
        double[] down = zr.clone();
        up[c] += h;
        down[c] -= h;
        double grad =
            (rowCrossEntropy(up, y, r, cols, 0.0) - rowCrossEntropy(down, y, r, cols, 0.0))
                / (2 * h);
        assertClose(d[r * cols + c], grad, REL * Math.abs(grad) + 1e-6, "dL/dz " + r + "," + c);
      }
    }
  }

  /**
   * With DL4J's clipping: {@code p = softmax(z)} clipped to {@code [eps, 1 - eps]}, the loss {@code
   * -sum y log p} of the clipped p (summed over rows) and delta {@code p - y} of the clipped p (as
   * DL4J's MCXENT computes it, the gradient of the unclipped softmax loss evaluated at the clipped
   * probabilities), for one-hot and smoothed labels, with logits spread wide enough that both ends
   * clip.
   */
  @Test
  void crossEntropyClipsTheProbabilitiesAsDl4jDoes() {
    int rows = 64;
    int cols = 10;
    for (double clip : new double[] {1e-10, 1e-3}) {
      for (boolean smooth : new boolean[] {false, true}) {
        Random rng = new Random(25);
        float[] z = gaussians(rng, rows * cols, 8.0);
        float[] y = labels(rng, rows, cols, smooth);
        FloatMat delta = filled(rows, cols, 99f);
        double loss =
            Kernels.softmaxCrossEntropy(mat(rows, cols, z), mat(rows, cols, y), clip, delta);
        float[] d = values(delta);
        double expectedLoss = 0;
        int clippedLow = 0;
        int clippedHigh = 0;
        for (int r = 0; r < rows; r++) {
          double[] p = softmaxDefinition(z, r, cols);
          for (int c = 0; c < cols; c++) {
            double pc = Math.min(Math.max(p[c], clip), 1 - clip);
            clippedLow += p[c] < clip ? 1 : 0;
            clippedHigh += p[c] > 1 - clip ? 1 : 0;
            expectedLoss -= y[r * cols + c] * Math.log(pc);
            double expected = pc - y[r * cols + c];
            assertClose(
                d[r * cols + c],
                expected,
                REL * Math.abs(expected) + 1e-6,
                "clip " + clip + ", smooth " + smooth + ", delta " + r + "," + c);
          }
        }
        assertClose(loss, expectedLoss, REL * (expectedLoss + rows), "loss, clip " + clip);
        assertThat(clippedLow).as("probabilities below %s", clip).isPositive();
        if (clip == 1e-3) {
          assertThat(clippedHigh).as("probabilities above 1 - %s", clip).isPositive();
        }
      }
    }
  }

  /** How many rows' first arg-max is their label: ties are frequent and the first maximum wins. */
  @Test
  void correctCountsRowsWhoseFirstArgMaxIsTheLabel() {
    int rows = 500;
    int cols = 10;
    int offset = 7;
    Random rng = new Random(26);
    float[] out = new float[rows * cols];
    for (int i = 0; i < out.length; i++) {
      out[i] = rng.nextInt(4) - 1.5f; // four values: many ties for the maximum
    }
    int[] labels = new int[offset + rows];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rng.nextInt(cols);
    }
    long expected = 0;
    int tiedRows = 0;
    for (int r = 0; r < rows; r++) {
      int best = -1;
      double max = Double.NEGATIVE_INFINITY;
      int ties = 0;
      for (int c = 0; c < cols; c++) {
        double v = out[r * cols + c];
        if (v > max) {
          max = v;
          best = c;
          ties = 1;
        } else if (v == max) {
          ties++;
        }
      }
      tiedRows += ties > 1 ? 1 : 0;
      // A label that is one of several maxima but not the first is not correct.
      expected += best == labels[offset + r] ? 1 : 0;
    }
    assertThat(Kernels.correct(mat(rows, cols, out), labels, offset)).isEqualTo(expected);
    assertThat(tiedRows).isGreaterThan(rows / 2);
    assertThat(expected).isBetween(10L, rows - 10L);
  }

  // ---------------------------------------------------------------------------- TauGate kernels

  /**
   * The training forward pass: {@code g = sigmoid(s (z - tau))} (soft) or {@code 1[z > tau]}
   * (hard), {@code out = gamma max(z, 0) g}, and the returned {@code sum(g)}; without {@code
   * allGates} the soft gates of {@code z <= 0} are 0 and left out of the sum.
   */
  @Test
  void tauGateForwardIsTheGateAndGatedReluAndTheGateSum() {
    int rows = 64;
    int cols = 47;
    double s = 4.0;
    Random rng = new Random(31);
    GateInputs in = gateInputs(rng, rows, cols, false);
    for (boolean hard : new boolean[] {false, true}) {
      for (boolean allGates : new boolean[] {true, false}) {
        FloatMat g = filled(rows, cols, 99f);
        FloatMat out = filled(rows, cols, 99f);
        double sum =
            Kernels.tauGateForward(
                mat(rows, cols, in.z),
                mat(1, cols, in.tau),
                mat(1, cols, in.gamma),
                s,
                hard,
                allGates,
                g,
                out);
        float[] gg = values(g);
        float[] oo = values(out);
        double expectedSum = 0;
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            int i = r * cols + c;
            double z = in.z[i];
            double gate = gate(z, in.tau[c], s, hard);
            double expectedGate = hard || allGates || z > 0 ? gate : 0.0;
            String at = "hard " + hard + ", allGates " + allGates + ", (" + r + ", " + c + ")";
            if (hard) {
              assertThat(gg[i]).as("gate " + at).isEqualTo((float) expectedGate);
            } else {
              assertClose(gg[i], expectedGate, REL * expectedGate, "gate " + at);
            }
            double expectedOut = in.gamma[c] * Math.max(z, 0.0) * gate;
            assertClose(oo[i], expectedOut, REL * Math.abs(expectedOut), "out " + at);
            expectedSum += expectedGate;
          }
        }
        assertClose(sum, expectedSum, REL * (expectedSum + 1), "gate sum");
      }
    }
  }

  /**
   * The backward pass is the gradient, summed over the batch, of {@code J = sum eps * out + (lambda
   * / units) * sum g} (the upstream loss through the output, plus the sparsity penalty {@code
   * lambda * mean(g)} per example, which the engine scales by the batch later) with respect to z,
   * tau and gamma: here by central differences of J's definition in double. Hard gates are a step:
   * no gradient through the gate, so none for tau and none from the penalty.
   */
  @Test
  void tauGateBackwardIsTheGradientOfTheGatedOutputAndThePenalty() {
    int rows = 64;
    int cols = 43;
    double s = 4.0;
    double lambda = 0.8;
    Random rng = new Random(32);
    GateInputs in = gateInputs(rng, rows, cols, true);
    float[] eps = gaussians(rng, rows * cols, 1.0);
    for (boolean hard : new boolean[] {false, true}) {
      for (double lam : new double[] {0.0, lambda}) {
        double pg = lam / cols;
        FloatMat z = mat(rows, cols, in.z);
        FloatMat tau = mat(1, cols, in.tau);
        FloatMat gamma = mat(1, cols, in.gamma);
        FloatMat g = mat(rows, cols);
        FloatMat out = mat(rows, cols);
        Kernels.tauGateForward(z, tau, gamma, s, hard, true, g, out);
        FloatMat dz = filled(rows, cols, 99f);
        FloatMat dtau = filled(1, cols, 99f);
        FloatMat dgamma = filled(1, cols, 99f);
        Kernels.tauGateBackward(z, g, mat(rows, cols, eps), gamma, s, hard, pg, dz, dtau, dgamma);
        float[] gotDz = values(dz);
        float[] gotDtau = values(dtau);
        float[] gotDgamma = values(dgamma);
        String what = "hard " + hard + ", lambda " + lam;
        double[] expDtau = new double[cols];
        double[] scaleDtau = new double[cols];
        double[] noiseDtau = new double[cols];
        double[] expDgamma = new double[cols];
        double[] scaleDgamma = new double[cols];
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            int i = r * cols + c;
            double zv = in.z[i];
            double t = in.tau[c];
            double gm = in.gamma[c];
            double e = eps[i];
            // J's two terms for this element, differentiated separately (their sizes set the
            // tolerance where they cancel).
            double outZ = diff(x -> e * gm * Math.max(x, 0) * gate(x, t, s, hard), zv);
            double penZ = diff(x -> pg * gate(x, t, s, hard), zv);
            // The float gate near 1 leaves 1 - g, and so g (1 - g), only an absolute precision of
            // a float ulp of 1 (6e-8): that much of the gate's derivative s g (1 - g) is noise.
            double saturation = hard ? 0 : 1e-7 * s * (Math.abs(e * gm * Math.max(zv, 0)) + pg);
            assertClose(
                gotDz[i],
                outZ + penZ,
                REL * (Math.abs(outZ) + Math.abs(penZ)) + saturation + 1e-9,
                "dz " + what + " (" + r + ", " + c + ")");
            double outTau = diff(x -> e * gm * Math.max(zv, 0) * gate(zv, x, s, hard), t);
            double penTau = diff(x -> pg * gate(zv, x, s, hard), t);
            expDtau[c] += outTau + penTau;
            scaleDtau[c] += Math.abs(outTau) + Math.abs(penTau);
            noiseDtau[c] += saturation;
            double outGamma = diff(x -> e * x * Math.max(zv, 0) * gate(zv, t, s, hard), gm);
            expDgamma[c] += outGamma;
            scaleDgamma[c] += Math.abs(outGamma);
          }
        }
        for (int c = 0; c < cols; c++) {
          assertClose(
              gotDtau[c],
              expDtau[c],
              REL * scaleDtau[c] + noiseDtau[c] + 1e-9,
              "dtau " + what + " " + c);
          assertClose(
              gotDgamma[c], expDgamma[c], REL * scaleDgamma[c] + 1e-9, "dgamma " + what + " " + c);
        }
        if (hard) {
          assertThat(gotDtau).as("hard gates pass no gradient to tau").containsOnly(0f);
        } else {
          assertThat(java.util.Arrays.stream(scaleDtau).min().orElseThrow())
              .as("soft gates do")
              .isGreaterThan(1e-3);
        }
      }
    }
  }

  /** Rows with {@code z > tau} per unit and per (label, unit), added to the counts given. */
  @Test
  void countOpenCountsZAboveTau() {
    int rows = 120;
    int cols = 23;
    int classes = 10;
    int offset = 3;
    Random rng = new Random(33);
    GateInputs in = gateInputs(rng, rows, cols, false);
    int[] labels = new int[offset + rows];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rng.nextInt(classes);
    }
    double[] counts = new double[cols];
    double[] byClass = new double[classes * cols];
    counts[1] = 5;
    byClass[classes * cols - 1] = 4;
    double[] expected = counts.clone();
    double[] expectedByClass = byClass.clone();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if ((double) in.z[r * cols + c] > (double) in.tau[c]) {
          expected[c] += 1;
          expectedByClass[labels[offset + r] * cols + c] += 1;
        }
      }
    }
    Kernels.countOpen(mat(rows, cols, in.z), mat(1, cols, in.tau), labels, offset, counts, byClass);
    assertThat(counts).containsExactly(expected);
    assertThat(byClass).containsExactly(expectedByClass);
  }

  /** Hard inference: {@code gamma z} where {@code z > tau} and {@code z > 0}, else 0. */
  @Test
  void hardInferenceIsGammaZWhereTheGateAndTheReluAreOpen() {
    int rows = 80;
    int cols = 37;
    Random rng = new Random(34);
    GateInputs in = gateInputs(rng, rows, cols, false);
    FloatMat out = filled(rows, cols, 99f);
    Kernels.tauGateHardInference(
        mat(rows, cols, in.z), mat(1, cols, in.tau), mat(1, cols, in.gamma), out);
    float[] got = values(out);
    int open = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double z = in.z[r * cols + c];
        boolean on = z > in.tau[c] && z > 0;
        double expected = on ? in.gamma[c] * z : 0.0;
        open += on ? 1 : 0;
        assertClose(
            got[r * cols + c], expected, REL * Math.abs(expected), "(" + r + ", " + c + ")");
      }
    }
    assertThat(open).isBetween(rows * cols / 10, rows * cols / 2);
  }

  /** Soft inference: {@code gamma max(z, 0) sigmoid(s (z - tau))}. */
  @Test
  void softInferenceIsTheGatedRelu() {
    int rows = 80;
    int cols = 37;
    double s = 6.0;
    Random rng = new Random(35);
    GateInputs in = gateInputs(rng, rows, cols, false);
    FloatMat out = filled(rows, cols, 99f);
    Kernels.tauGateSoftInference(
        mat(rows, cols, in.z), mat(1, cols, in.tau), mat(1, cols, in.gamma), s, out);
    float[] got = values(out);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double z = in.z[r * cols + c];
        double expected =
            in.gamma[c] * Math.max(z, 0.0) / (1.0 + Math.exp(-s * (z - (double) in.tau[c])));
        assertClose(
            got[r * cols + c], expected, REL * Math.abs(expected), "(" + r + ", " + c + ")");
      }
    }
  }

  // ------------------------------------------------------------------------------------- Adam

  /** Kingma and Ba's bias correction as one step size: {@code lr sqrt(1 - b2^t) / (1 - b1^t)}. */
  @Test
  void adamStepSizeIsTheBiasCorrectedRate() {
    double lr = 3e-3;
    double b1 = 0.9;
    double b2 = 0.999;
    for (int iteration : new int[] {0, 1, 2, 9, 99, 999, 99_999}) {
      int t = iteration + 1;
      double expected = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      assertClose(
          Kernels.adamStepSize(lr, b1, b2, 1e-8, iteration),
          expected,
          1e-7 * expected,
          "iteration " + iteration);
    }
    // t = 1: lr sqrt(1 - b2) / (1 - b1) = 3e-3 * sqrt(1e-3) / 0.1.
    assertClose(Kernels.adamStepSize(lr, b1, b2, 1e-8, 0), 9.486833e-4, 1e-9, "first step");
  }

  /**
   * Several Adam steps against Kingma and Ba's Algorithm 1 in double: the batch-summed gradient
   * divided by the minibatch, the two moment estimates, their bias corrections, and {@code theta -=
   * lr mhat / (sqrt(vhat) + epsHat)} with DL4J's epsilon placement: its epsilon is added to {@code
   * sqrt(v)} before the bias correction, i.e. {@code epsHat = epsilon / sqrt(1 - b2^t)}. Gradients
   * of ~1e-8, where epsilon dominates, tell the placements apart; elements past {@code n} are not
   * touched.
   */
  @Test
  void adamIsKingmaAndBaWithDl4jsEpsilon() {
    int len = 2000;
    int n = 1500;
    int mb = 50;
    double lr = 1e-3;
    double b1 = 0.9;
    double b2 = 0.999;
    double epsilon = 1e-8;
    Random rng = new Random(41);
    float[] m = new float[len];
    float[] v = new float[len];
    float[] params = gaussians(rng, len, 1.0);
    double[] refM = new double[len];
    double[] refV = new double[len];
    // m with |g| for g: the size of m's terms, where terms of both signs cancel.
    double[] refMAbs = new double[len];
    float[] untouched = java.util.Arrays.copyOfRange(params, n, len);
    for (int iteration = 0; iteration < 6; iteration++) {
      float[] grad = new float[len];
      for (int i = 0; i < len; i++) {
        double size =
            switch (i % 4) {
              case 0 -> 1e-8; // epsilon-sized: the placement of epsilon matters
              case 1 -> 0.0; // no gradient this step
              default -> 10.0;
            };
        grad[i] = (float) (rng.nextGaussian() * size * mb);
      }
      int t = iteration + 1;
      float alpha = (float) (lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)));
      float[] before = params.clone();
      Kernels.adam(grad, m, v, params, n, alpha, b1, b2, epsilon, (float) (1.0 / mb));
      for (int i = 0; i < n; i++) {
        double gi = grad[i] / (double) mb;
        refM[i] = b1 * refM[i] + (1 - b1) * gi;
        refV[i] = b2 * refV[i] + (1 - b2) * gi * gi;
        refMAbs[i] = b1 * refMAbs[i] + (1 - b1) * Math.abs(gi);
        double mHat = refM[i] / (1 - Math.pow(b1, t));
        double vHat = refV[i] / (1 - Math.pow(b2, t));
        double epsHat = epsilon / Math.sqrt(1 - Math.pow(b2, t));
        double update = lr * mHat / (Math.sqrt(vHat) + epsHat);
        double updateSize = lr * refMAbs[i] / (1 - Math.pow(b1, t)) / (Math.sqrt(vHat) + epsHat);
        String at = "step " + t + ", element " + i;
        assertClose(m[i], refM[i], REL * refMAbs[i], "m " + at);
        assertClose(v[i], refV[i], REL * refV[i], "v " + at);
        // The kernel's step from its own previous value: the update to REL, plus the rounding of
        // the new value to float.
        double expected = before[i] - update;
        assertClose(
            params[i], expected, REL * updateSize + Math.ulp((float) expected), "params " + at);
      }
      assertThat(java.util.Arrays.copyOfRange(params, n, len)).containsExactly(untouched);
      assertThat(java.util.Arrays.copyOfRange(m, n, len)).containsOnly(0f);
    }
  }

  // ----------------------------------------------------------------------------------- helpers

  /** The definition {@code e^z_c / sum_j e^z_j} of row r, in double (no shift by the maximum). */
  private static double[] softmaxDefinition(float[] z, int r, int cols) {
    double[] p = new double[cols];
    double sum = 0;
    for (int c = 0; c < cols; c++) {
      p[c] = Math.exp(z[r * cols + c]);
      sum += p[c];
    }
    for (int c = 0; c < cols; c++) {
      p[c] /= sum;
    }
    return p;
  }

  /** {@code -sum_c y_c log p_c} for row r, p the softmax of z (clipped when clip > 0). */
  private static double rowCrossEntropy(double[] z, float[] y, int r, int cols, double clip) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double loss = 0;
    for (int c = 0; c < cols; c++) {
      double p = Math.exp(z[c] - max) / sum;
      if (clip > 0) {
        p = Math.min(Math.max(p, clip), 1 - clip);
      }
      loss -= y[r * cols + c] * Math.log(p);
    }
    return loss;
  }

  /** TauGate's gate from the paper: {@code sigmoid(s (z - tau))}, or {@code 1[z > tau]} hard. */
  private static double gate(double z, double tau, double s, boolean hard) {
    return hard ? (z > tau ? 1.0 : 0.0) : 1.0 / (1.0 + Math.exp(-s * (z - tau)));
  }

  /** Central difference of f at x. */
  private static double diff(java.util.function.DoubleUnaryOperator f, double x) {
    double h = 1e-6 * Math.max(1.0, Math.abs(x));
    return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
  }

  /** z, tau and gamma of one TauGate layer. */
  private record GateInputs(float[] z, float[] tau, float[] gamma) {}

  /**
   * Random z (with exact zeros and ties z = tau unless smooth), tau around 0 and gamma of both
   * signs. Smooth: every z at least 1e-3 from 0 and from tau, so the ReLU's kink and the hard
   * gate's step lie outside any central difference.
   */
  private static GateInputs gateInputs(Random rng, int rows, int cols, boolean smooth) {
    float[] tau = new float[cols];
    float[] gamma = new float[cols];
    for (int c = 0; c < cols; c++) {
      tau[c] = (float) (rng.nextGaussian() * 0.5);
      gamma[c] = (float) (c % 4 == 0 ? -rng.nextDouble() : 0.2 + rng.nextDouble() * 1.5);
    }
    float[] z = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        float v;
        do {
          v = (float) (rng.nextGaussian() * 1.5);
          if (!smooth && r % 9 == 0) {
            v = tau[c];
          } else if (!smooth && r % 11 == 0) {
            v = 0f;
          }
        } while (smooth && (Math.abs(v) < 1e-3 || Math.abs(v - tau[c]) < 1e-3));
        z[r * cols + c] = v;
      }
    }
    return new GateInputs(z, tau, gamma);
  }

  /** One-hot labels, or smoothed ones (0.9 on the class, the rest spread; rows sum to 1). */
  private static float[] labels(Random rng, int rows, int cols, boolean smooth) {
    float[] y = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      int k = rng.nextInt(cols);
      for (int c = 0; c < cols; c++) {
        y[r * cols + c] = smooth ? (c == k ? 0.91f : 0.01f) : (c == k ? 1f : 0f);
      }
    }
    return y;
  }

  private static float[] gaussians(Random rng, int n, double sd) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rng.nextGaussian() * sd);
    }
    return x;
  }

  private static double[] toDouble(float[] x, int r, int cols) {
    double[] out = new double[cols];
    for (int c = 0; c < cols; c++) {
      out[c] = x[r * cols + c];
    }
    return out;
  }

  private static void assertClose(double actual, double expected, double tol, String what) {
    assertThat(Math.abs(actual - expected))
        .as("%s: got %s, expected %s (tolerance %s)", what, actual, expected, tol)
        .isLessThanOrEqualTo(tol);
  }

  private FloatMat mat(int rows, int cols) {
    FloatMat m = FloatMat.allocate(rows, cols);
    owned.add(m);
    return m;
  }

  private FloatMat mat(int rows, int cols, float[] values) {
    FloatMat m = mat(rows, cols);
    m.buf.put(0, values, 0, rows * cols);
    return m;
  }

  private FloatMat filled(int rows, int cols, float value) {
    float[] v = new float[rows * cols];
    java.util.Arrays.fill(v, value);
    return mat(rows, cols, v);
  }

  private static float[] values(FloatMat m) {
    float[] out = new float[m.length()];
    m.buf.get(0, out, 0, out.length);
    return out;
  }
}
