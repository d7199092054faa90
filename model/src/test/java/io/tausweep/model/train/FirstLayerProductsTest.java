package io.tausweep.model.train;

import static org.assertj.core.api.Assertions.assertThat;

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
      assertThat(product).hasSize(40 * Mlp.HIDDEN);
      assertThat(FirstLayerProducts.of(taugate, split))
          .as("TauGate on the same foundation")
          .isSameAs(product);
      assertThat(FirstLayerProducts.of(lora, split))
          .as("LoRA on the same foundation")
          .isSameAs(product);
      float[] otherProduct = FirstLayerProducts.of(otherBitfit, split);
      assertThat(otherProduct)
          .as("another foundation's W")
          .isNotSameAs(product)
          .isNotEqualTo(product);
      assertThat(FirstLayerProducts.of(bitfit, split(40, 4)))
          .as("another split")
          .isNotSameAs(product);
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

  private static LeanNet lean(MultiLayerNetwork net) {
    return LeanNet.compile(net).orElseThrow();
  }

  private static Split split(int n, long seed) {
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
