package io.tausweep.model.method;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.rng.Seeds;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.Trainer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Freezing is proven, not assumed: each method trains for a few steps and exactly its own
 * parameters change, every other parameter stays bit-identical, and the counts are the paper's 0 /
 * 266 / 512 / 10,448 / 118,282. Inputs are dense (uniform in [-1, 1]) so that every trainable
 * parameter receives a gradient; on MNIST the always-black border pixels give some input weights
 * none, which would make "every trainable parameter changed" false for a reason unrelated to
 * freezing.
 */
class FreezeTest {

  static Stream<Arguments> methods() {
    return Stream.of(
        Arguments.of(new Frozen(), 0L, (Predicate<String>) k -> false),
        Arguments.of(new BitFit(3e-3), 266L, (Predicate<String>) k -> k.endsWith("_b")),
        Arguments.of(
            new TauGate(3e-3, 5.0, -0.1, 1.0),
            512L,
            (Predicate<String>) k -> k.endsWith("_tau") || k.endsWith("_gamma")),
        Arguments.of(
            new LoRA(5e-4, 8, 16.0),
            10_448L,
            (Predicate<String>) k -> k.endsWith("_A") || k.endsWith("_B")),
        Arguments.of(new FullFineTune(5e-4), 118_282L, (Predicate<String>) k -> true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void exactlyTheMethodsParametersChange(
      AdaptationMethod method, long expected, Predicate<String> trainable) {
    Adam adam = new Adam(3e-3);
    MultiLayerNetwork foundation = Mlp.initialised(7, adam, adam);
    float[] foundationBefore = flat(foundation.params());
    assertThat(foundation.numParams()).isEqualTo(Mlp.PARAMS);

    MultiLayerNetwork net = method.prepare(foundation, method.usesLambda() ? 0.1 : null, 7);
    Map<String, INDArray> before = copy(net.paramTable());
    if (method.trains()) {
      Trainer.fit(net, denseSplit(256, 11), 2, 32, 256, 1e9, Seeds.stream(7, "test"));
    }

    long trainableCount = 0;
    long changed = 0;
    for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
      float[] was = flat(before.get(e.getKey()));
      float[] now = flat(e.getValue());
      if (trainable.test(e.getKey())) {
        trainableCount += was.length;
        for (int i = 0; i < was.length; i++) {
          changed += Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(was[i]) ? 1 : 0;
        }
      } else {
        assertThat(Arrays.equals(was, now)).as("%s must be bit-identical", e.getKey()).isTrue();
      }
    }
    assertThat(trainableCount).isEqualTo(expected);
    // Every trainable parameter moves unless its unit happens to be dead on every training input
    // (a ReLU never active gives its weights no gradient): allow that for at most 1%.
    assertThat(changed).isBetween((long) Math.ceil(expected * 0.99), expected);
    assertThat(method.trainableParams(net)).isEqualTo(expected);
    assertThat(flat(foundation.params()))
        .as("the foundation itself is never modified")
        .isEqualTo(foundationBefore);
  }

  static Split denseSplit(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[n * Mlp.INPUTS];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(Mlp.CLASSES);
    }
    return new Split(x, y, Mlp.INPUTS);
  }

  static float[] flat(INDArray a) {
    return a.dup('c').reshape(a.length()).toFloatVector();
  }

  private static Map<String, INDArray> copy(Map<String, INDArray> params) {
    Map<String, INDArray> out = new java.util.LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }
}
