package io.tausweep.model.nn;

import static io.tausweep.model.nn.NnTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.BitFit;
import io.tausweep.model.method.FullFineTune;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
import io.tausweep.model.train.Mlp;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The lean executor is DL4J's own training step, bit for bit: for every network tausweep trains, two copies, one
 * stepped by {@code net.fit(DataSet)} and one by {@link LeanNet#fit}, report identical scores at every step (full
 * and short batches) and end with identical parameters, Adam state, iteration counts and configurations; and
 * {@link LeanNet#output} equals {@code net.output} (soft and hard TauGate gates).
 */
class LeanNetTest {

  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of("foundation", null, null),
        Arguments.of("bitfit", new BitFit(3e-3), null),
        Arguments.of("taugate", new TauGate(3e-3, 5.0, -0.1, 1.0), 0.0),
        Arguments.of("taugate-penalty", new TauGate(3e-2, 5.0, -0.1, 1.0), 0.7),
        Arguments.of("lora", new LoRA(5e-4, 8, 16.0), null),
        Arguments.of("full_ft", new FullFineTune(5e-4), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void trainingStepsAreBitIdenticalToFit(String name, AdaptationMethod method, Double lambda) {
    MultiLayerNetwork foundation = pretrained();
    MultiLayerNetwork dl4j = prepare(foundation, method, lambda);
    MultiLayerNetwork lean = prepare(foundation, method, lambda);
    LeanNet executor = LeanNet.compile(lean).orElseThrow();

    SplittableRandom rng = new SplittableRandom(21);
    int[] batches = {32, 32, 32, 20, 32, 32, 20};
    for (int step = 0; step < batches.length; step++) {
      INDArray x = batch(rng, batches[step]);
      INDArray y = labels(rng, batches[step]);
      dl4j.fit(new DataSet(x, y));
      double score = executor.fit(x, y);
      assertThat(score).as("%s score at step %d", name, step).isEqualTo(dl4j.score());
      assertThat(lean.score()).isEqualTo(score);
    }

    assertThat(values(lean.params())).as(name + " parameters").isEqualTo(values(dl4j.params()));
    assertThat(values(lean.getUpdater().getStateViewArray())).as(name + " updater state")
        .isEqualTo(values(dl4j.getUpdater().getStateViewArray()));
    assertThat(lean.getIterationCount()).isEqualTo(dl4j.getIterationCount()).isEqualTo(batches.length);
    assertThat(lean.getLayerWiseConfigurations().toJson()).isEqualTo(dl4j.getLayerWiseConfigurations().toJson());

    INDArray eval = batch(rng, 50);
    assertThat(values(executor.output(eval))).as(name + " output").isEqualTo(values(dl4j.output(eval, false)));
    if (method instanceof TauGate) {
      TauGates.setHard(lean, true);
      TauGates.setHard(dl4j, true);
      assertThat(values(executor.output(eval))).as("hard-gate output")
          .isEqualTo(values(dl4j.output(eval, false)));
    }
  }

  @Test
  void outputLeavesTheNetworkUntouchedAndReusesNothingAcrossBatchSizes() {
    MultiLayerNetwork net = pretrained();
    float[] before = net.params().dup().toFloatVector();
    int iterations = net.getIterationCount();
    LeanNet executor = LeanNet.compile(net).orElseThrow();
    INDArray a = batch(new SplittableRandom(1), 7);
    INDArray b = batch(new SplittableRandom(2), 9);
    double[] outA = values(executor.output(a));
    double[] outB = values(executor.output(b));
    assertThat(outA).isEqualTo(values(net.output(a, false)));
    assertThat(outB).isEqualTo(values(net.output(b, false)));
    assertThat(net.params().toFloatVector()).isEqualTo(before);
    assertThat(net.getIterationCount()).isEqualTo(iterations);
    Adam adam = new Adam(1e-3);
    MultiLayerNetwork fresh = Mlp.initialised(9, adam, adam);
    LeanNet.compile(fresh).orElseThrow().output(a);
    assertThat(fresh.getGradientsViewArray()).as("inference binds no gradients").isNull();
  }

  @Test
  void unsupportedNetworksAreRefused() {
    MultiLayerNetwork dropout = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .dataType(DataType.FLOAT).updater(new Adam(1e-3)).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(3).dropOut(0.5).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
            .activation(Activation.SOFTMAX).build())
        .build());
    dropout.init();
    assertThat(LeanNet.compile(dropout)).isEmpty();

    MultiLayerNetwork tanh = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .dataType(DataType.FLOAT).updater(new Adam(1e-3)).list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
            .activation(Activation.IDENTITY).build())
        .build());
    tanh.init();
    assertThat(LeanNet.compile(tanh)).isEmpty();
  }

  /** A foundation trained for a few steps, so that gates and activations are not at their initial values. */
  private static MultiLayerNetwork pretrained() {
    Adam adam = new Adam(3e-3);
    MultiLayerNetwork net = Mlp.initialised(5, adam, adam);
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 3; i++) {
      net.fit(new DataSet(batch(rng, 32), labels(rng, 32)));
    }
    return net;
  }

  private static MultiLayerNetwork prepare(MultiLayerNetwork foundation, AdaptationMethod method, Double lambda) {
    if (method == null) {
      Adam adam = new Adam(3e-3);
      return Mlp.initialised(5, adam, adam);
    }
    return method.prepare(foundation, lambda, 5);
  }

  /** Inputs like MNIST pixels: in [0, 1], a third of them exactly 0. */
  private static INDArray batch(SplittableRandom rng, int rows) {
    float[] x = new float[rows * Mlp.INPUTS];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(3) == 0 ? 0f : (float) rng.nextDouble();
    }
    return Nd4j.create(x, new long[] {rows, Mlp.INPUTS}, DataType.FLOAT);
  }

  private static INDArray labels(SplittableRandom rng, int rows) {
    INDArray y = Nd4j.zeros(DataType.FLOAT, rows, Mlp.CLASSES);
    for (int i = 0; i < rows; i++) {
      y.putScalar(i, rng.nextInt(Mlp.CLASSES), 1.0);
    }
    return y;
  }
}
