package io.tausweep.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.engine.LeanNet;
import io.tausweep.model.method.TauGate;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The training engines: the lean one where it applies, DL4J's own fit (the reference) when the JVM
 * asks for it; the two train the same network to the same losses, accuracies and parameters up to
 * float rounding.
 */
class TrainingEngineTest {
  @Test
  void theLeanEngineIsTheDefaultAndThePropertySelectsDl4jFit() {
    MultiLayerNetwork net = Mlp.initialised(3, new Adam(1e-3), new Adam(1e-3));
    try (TrainingEngine e = withEngine(null, () -> TrainingEngine.of(net))) {
      assertThat(e).isInstanceOf(TrainingEngine.Lean.class);
    }
    try (TrainingEngine e = withEngine("dl4j", () -> TrainingEngine.of(net))) {
      assertThat(e).isInstanceOf(TrainingEngine.Dl4jFit.class);
      assertThat(e.firstLayerProduct(FirstLayerProductsTest.split(8, 1))).isNull();
    }
  }

  @Test
  void bothEnginesTrainAFullNetworkAlike() {
    compare(() -> Mlp.initialised(11, new Adam(1e-3), new Adam(1e-3)));
  }

  @Test
  void bothEnginesTrainATauGateNetworkAlike() {
    // A network that keeps its first layer's W: the lean engine trains it from the split's product.
    compare(
        () ->
            new TauGate(3e-2, 5.0, -0.1, 1.0)
                .prepare(Mlp.initialised(12, new Adam(1e-3), new Adam(1e-3)), 0.01, 12));
  }

  private static void compare(java.util.function.Supplier<MultiLayerNetwork> build) {
    Split data = FirstLayerProductsTest.split(150, 5);
    MultiLayerNetwork lean = build.get();
    MultiLayerNetwork dl4j = build.get();
    List<EpochStats> a = withEngine(null, () -> fit(lean, data));
    List<EpochStats> b = withEngine("dl4j", () -> fit(dl4j, data));
    assertThat(a).hasSize(2);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).loss()).isCloseTo(b.get(i).loss(), within(1e-4));
      assertThat(a.get(i).trainAccuracy()).isCloseTo(b.get(i).trainAccuracy(), within(1.0 / 150));
    }
    assertThat(a.get(1).loss()).isNotEqualTo(a.get(0).loss());
    double diff = lean.params().sub(dl4j.params()).amaxNumber().doubleValue();
    assertThat(diff).isLessThan(1e-4);
  }

  private static List<EpochStats> fit(MultiLayerNetwork net, Split data) {
    return Trainer.fit(net, data, 2, 32, 64, 1e6, new SplittableRandom(9));
  }

  private static <T> T withEngine(String engine, java.util.function.Supplier<T> body) {
    String before = System.getProperty(LeanNet.ENGINE_PROPERTY);
    try {
      if (engine == null) {
        System.clearProperty(LeanNet.ENGINE_PROPERTY);
      } else {
        System.setProperty(LeanNet.ENGINE_PROPERTY, engine);
      }
      return body.get();
    } finally {
      if (before == null) {
        System.clearProperty(LeanNet.ENGINE_PROPERTY);
      } else {
        System.setProperty(LeanNet.ENGINE_PROPERTY, before);
      }
    }
  }
}
