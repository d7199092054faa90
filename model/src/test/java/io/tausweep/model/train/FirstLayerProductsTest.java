package io.tausweep.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.engine.LeanNet;
import io.tausweep.model.method.BitFit;
import io.tausweep.model.method.FullFineTune;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The first-layer product of a split is computed once per foundation W and shared by the cells that
 * keep W (BitFit, TauGate, LoRA: their W lies in memory the same way), never across different W or
 * with a network that has trained its W.
 */
class FirstLayerProductsTest {

  @Test
  void cellsOfOneFoundationShareTheProductAndOtherWeightsDoNot() {
    Split split = split(40, 3);
    MultiLayerNetwork foundation = Mlp.initialised(1, new Adam(1e-3), new Adam(1e-3));
    MultiLayerNetwork other = Mlp.initialised(2, new Adam(1e-3), new Adam(1e-3));
    FirstLayerProducts.clear();
    try (LeanNet bitfit = lean(new BitFit(3e-3).prepare(foundation, null, 5));
        LeanNet taugate = lean(new TauGate(3e-3, 5.0, -0.1, 1.0).prepare(foundation, 0.0, 6));
        LeanNet lora = lean(new LoRA(5e-4, 8, 16.0).prepare(foundation, null, 7));
        LeanNet otherBitfit = lean(new BitFit(3e-3).prepare(other, null, 5));
        LeanNet fullFt = lean(new FullFineTune(5e-4).prepare(foundation, null, 8))) {
      float[] product = FirstLayerProducts.of(bitfit, split);
      assertIsXTimesW(product, split, foundation, "the foundation's product");
      assertThat(FirstLayerProducts.of(taugate, split))
          .as("TauGate on the same foundation")
          .isSameAs(product);
      assertThat(FirstLayerProducts.of(lora, split))
          .as("LoRA on the same foundation")
          .isSameAs(product);
      // Not merely a different array (null would be one): the product of the other W or split.
      float[] otherProduct = FirstLayerProducts.of(otherBitfit, split);
      assertThat(otherProduct)
          .as("another foundation's W")
          .isNotNull()
          .isNotSameAs(product)
          .isNotEqualTo(product);
      assertIsXTimesW(otherProduct, split, other, "another foundation's W");
      Split otherSplit = split(40, 4);
      float[] otherSplitProduct = FirstLayerProducts.of(bitfit, otherSplit);
      assertThat(otherSplitProduct)
          .as("another split")
          .isNotNull()
          .isNotSameAs(product)
          .isNotEqualTo(product);
      assertIsXTimesW(otherSplitProduct, otherSplit, foundation, "another split");
      assertThat(FirstLayerProducts.of(taugate, otherSplit))
          .as("another split, shared in turn")
          .isSameAs(otherSplitProduct);
      // Full FT's W is the foundation's until its first step, and its own after.
      assertThat(FirstLayerProducts.of(fullFt, split))
          .as("Full FT before training")
          .isSameAs(product);
      INDArray y = Nd4j.zeros(DataType.FLOAT, 8, Mlp.CLASSES);
      for (int i = 0; i < 8; i++) {
        y.putScalar(i, split.y()[i], 1f);
      }
      fullFt.fit(Evaluator.rows(split, 0, 8), y);
      assertThat(FirstLayerProducts.of(fullFt, split)).as("Full FT after a step").isNull();
    } finally {
      FirstLayerProducts.clear();
    }
  }

  /**
   * {@code X W} for the split's images and the network's first-layer W, [n x HIDDEN] row-major,
   * against the product written out in double.
   */
  private static void assertIsXTimesW(
      float[] product, Split split, MultiLayerNetwork net, String what) {
    double[][] w = net.getParam("0_" + Mlp.W).castTo(DataType.DOUBLE).toDoubleMatrix();
    assertThat(w.length).isEqualTo(Mlp.INPUTS);
    assertThat(product).as(what).hasSize(split.size() * Mlp.HIDDEN);
    for (int r = 0; r < split.size(); r++) {
      for (int j = 0; j < Mlp.HIDDEN; j++) {
        double sum = 0;
        double abs = 0;
        for (int i = 0; i < Mlp.INPUTS; i++) {
          double term = split.x()[r * Mlp.INPUTS + i] * w[i][j];
          sum += term;
          abs += Math.abs(term);
        }
        assertThat((double) product[r * Mlp.HIDDEN + j])
            .as("%s (%d, %d)", what, r, j)
            .isCloseTo(sum, within(1e-5 * abs + 1e-7));
      }
    }
  }

  private static LeanNet lean(MultiLayerNetwork net) {
    return LeanNet.compile(net).orElseThrow();
  }

  /** n random images (a third of the pixels blank) with random labels. */
  static Split split(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * Mlp.INPUTS];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(3) == 0 ? 0f : (float) rng.nextDouble();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(Mlp.CLASSES);
    }
    return new Split(x, y, Mlp.INPUTS);
  }
}
