package io.tausweep.model.engine;

import static io.tausweep.model.arch.NnTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.arch.TauGates;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.BitFit;
import io.tausweep.model.method.FullFineTune;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
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
 * The lean executor computes DL4J's own training step: for every network tausweep trains, copies
 * stepped by {@code net.fit(DataSet)} and by {@link LeanNet#fit} report the same scores at every
 * step (full and short batches) and end with the same parameters, Adam state, iteration counts and
 * configurations, to float rounding; a second lean copy repeats the first bit for bit; and {@link
 * LeanNet#output} equals {@code net.output} (soft and hard TauGate gates) to rounding.
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
  void trainingStepsMatchFitAndRepeatBitForBit(
      String name, AdaptationMethod method, Double lambda) {
    MultiLayerNetwork foundation = pretrained();
    MultiLayerNetwork dl4j = prepare(foundation, method, lambda);
    MultiLayerNetwork lean = prepare(foundation, method, lambda);
    MultiLayerNetwork again = prepare(foundation, method, lambda);
    MultiLayerNetwork fromProduct = prepare(foundation, method, lambda);
    LeanNet executor = LeanNet.compile(lean).orElseThrow();
    LeanNet second = LeanNet.compile(again).orElseThrow();
    LeanNet third = LeanNet.compile(fromProduct).orElseThrow();
    // Networks that keep the first layer's W can train from the product x W given per batch
    // (Trainer does).
    boolean keepsW = !third.trainsFirstLayerWeights() && third.firstLayerWeights().isPresent();
    assertThat(keepsW).as(name).isEqualTo(method != null && !(method instanceof FullFineTune));
    // Only LoRA's first layer reads the images beside their product; the others get NaN images
    // below.
    boolean readsImages = third.readsInputWithProduct();
    assertThat(readsImages).as(name).isEqualTo(!keepsW || method instanceof LoRA);
    INDArray start = lean.params().dup();

    SplittableRandom rng = new SplittableRandom(21);
    int[] batches = {32, 32, 32, 20, 32, 32, 20};
    for (int step = 0; step < batches.length; step++) {
      INDArray x = batch(rng, batches[step]);
      INDArray y = labels(rng, batches[step]);
      dl4j.fit(new DataSet(x, y));
      double score = executor.fit(x, y);
      // Same arithmetic in another order of float operations: equal to rounding, not bit for bit.
      assertThat(score)
          .as("%s score at step %d", name, step)
          .isCloseTo(dl4j.score(), within(1e-5 * score));
      assertThat(lean.score()).isEqualTo(score);
      assertThat(second.fit(x, y)).as("%s rerun score at step %d", name, step).isEqualTo(score);
      if (keepsW) {
        INDArray xw =
            Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.rows(), Mlp.HIDDEN}, 'c');
        third.firstLayerProduct(x, java.util.stream.IntStream.range(0, Mlp.INPUTS).toArray(), xw);
        INDArray images = readsImages ? x : Nd4j.valueArrayOf(x.shape(), Float.NaN, DataType.FLOAT);
        assertThat(third.fit(images, xw, y))
            .as("%s score from the product at step %d", name, step)
            .isCloseTo(dl4j.score(), within(1e-5 * score));
      } else {
        assertThatThrownBy(() -> third.fit(x, x, y))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not train");
      }
    }
    if (keepsW) {
      assertThat(maxAbsDiff(fromProduct.params(), dl4j.params()))
          .as(name + " parameters from the product")
          .isLessThan(1e-4);
    }

    // Parameters moved by up to lr per step; the two paths end within float rounding of each other
    // (measured: at most 3e-5 after these 7 Adam steps, for TauGate with lr 3e-2).
    assertThat(maxAbsDiff(lean.params(), start))
        .as(name + " training moved the parameters")
        .isGreaterThan(1e-4);
    assertThat(maxAbsDiff(lean.params(), dl4j.params())).as(name + " parameters").isLessThan(1e-4);
    executor.flushUpdaterState();
    assertThat(
            maxAbsDiff(
                lean.getUpdater().getStateViewArray(), dl4j.getUpdater().getStateViewArray()))
        .as(name + " updater state")
        .isLessThan(1e-6);
    assertThat(values(again.params()))
        .as(name + " rerun parameters")
        .isEqualTo(values(lean.params()));
    assertThat(lean.getIterationCount())
        .isEqualTo(dl4j.getIterationCount())
        .isEqualTo(batches.length);
    assertThat(lean.getLayerWiseConfigurations().toJson())
        .isEqualTo(dl4j.getLayerWiseConfigurations().toJson());

    INDArray eval = batch(rng, 50);
    assertThat(maxAbsDiff(executor.output(eval), dl4j.output(eval, false)))
        .as(name + " output")
        .isLessThan(1e-6);
    if (method instanceof TauGate) {
      TauGates.setHard(lean, true);
      TauGates.setHard(dl4j, true);
      assertThat(maxAbsDiff(executor.output(eval), dl4j.output(eval, false)))
          .as("hard-gate output")
          .isLessThan(1e-6);
    }
  }

  /**
   * A cell's work arrays come from the previous cell's ({@link WorkArrays}) with whatever that cell
   * left in them: the same training and outputs, bit for bit, on arrays freshly allocated and on
   * reused ones filled with NaN.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void reusedWorkArraysChangeNothing(String name, AdaptationMethod method, Double lambda) {
    MultiLayerNetwork foundation = pretrained();
    WorkArrays.clear();
    float[][] fresh = trainAndEvaluate(foundation, method, lambda);
    long kept = WorkArrays.keptBytes();
    assertThat(kept).as(name + ": the closed executor kept its arrays").isGreaterThan(0);
    WorkArrays.fillKept(Float.NaN);
    float[][] reused = trainAndEvaluate(foundation, method, lambda);
    assertThat(reused[0]).as(name + " parameters").isEqualTo(fresh[0]);
    assertThat(reused[1]).as(name + " output").isEqualTo(fresh[1]);
    assertThat(WorkArrays.keptBytes())
        .as(name + ": the second executor reused the kept arrays")
        .isEqualTo(kept);
    WorkArrays.clear();
    assertThat(WorkArrays.keptBytes()).isZero();
  }

  /**
   * Five steps (full and short batches) and an output through a LeanNet that is then closed:
   * parameters, output.
   */
  private static float[][] trainAndEvaluate(
      MultiLayerNetwork foundation, AdaptationMethod method, Double lambda) {
    MultiLayerNetwork net = prepare(foundation, method, lambda);
    SplittableRandom rng = new SplittableRandom(8);
    float[] out;
    try (LeanNet executor = LeanNet.compile(net).orElseThrow()) {
      for (int b : new int[] {32, 32, 20, 32, 20}) {
        executor.fit(batch(rng, b), labels(rng, b));
      }
      out = executor.output(batch(rng, 50)).dup().reshape(50L * Mlp.CLASSES).toFloatVector();
    }
    return new float[][] {net.params().toFloatVector(), out};
  }

  static double maxAbsDiff(INDArray a, INDArray b) {
    double[] x = values(a);
    double[] y = values(b);
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

  @Test
  void outputLeavesTheNetworkUntouchedAndReusesNothingAcrossBatchSizes() {
    MultiLayerNetwork net = pretrained();
    float[] before = net.params().dup().toFloatVector();
    int iterations = net.getIterationCount();
    LeanNet executor = LeanNet.compile(net).orElseThrow();
    INDArray a = batch(new SplittableRandom(1), 7);
    INDArray b = batch(new SplittableRandom(2), 9);
    INDArray outA = executor.output(a).dup();
    INDArray outB = executor.output(b);
    assertThat(maxAbsDiff(outA, net.output(a, false))).isLessThan(1e-6);
    assertThat(maxAbsDiff(outB, net.output(b, false))).isLessThan(1e-6);
    assertThat(outB.rows()).isEqualTo(9);
    assertThat(net.params().toFloatVector()).isEqualTo(before);
    assertThat(net.getIterationCount()).isEqualTo(iterations);
    Adam adam = new Adam(1e-3);
    MultiLayerNetwork fresh = Mlp.initialised(9, adam, adam);
    LeanNet.compile(fresh).orElseThrow().output(a);
    assertThat(fresh.getGradientsViewArray()).as("inference binds no gradients").isNull();
  }

  @Test
  void unsupportedNetworksAreRefused() {
    MultiLayerNetwork dropout =
        floatAdamNet(
            new DenseLayer.Builder().nIn(4).nOut(3).dropOut(0.5).activation(Activation.RELU),
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .activation(Activation.SOFTMAX));
    assertThat(LeanNet.compile(dropout)).isEmpty();

    MultiLayerNetwork tanh =
        floatAdamNet(
            new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH),
            new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY));
    assertThat(LeanNet.compile(tanh)).isEmpty();
  }

  /**
   * An initialised float network with Adam(1e-3): {@code hidden}, then {@code output} reading its 3
   * units into 2.
   */
  private static MultiLayerNetwork floatAdamNet(
      DenseLayer.Builder hidden, OutputLayer.Builder output) {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .list()
                .layer(hidden.build())
                .layer(output.nIn(3).nOut(2).build())
                .build());
    net.init();
    return net;
  }

  /**
   * A foundation trained for a few steps, so that gates and activations are not at their initial
   * values.
   */
  private static MultiLayerNetwork pretrained() {
    Adam adam = new Adam(3e-3);
    MultiLayerNetwork net = Mlp.initialised(5, adam, adam);
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 3; i++) {
      net.fit(new DataSet(batch(rng, 32), labels(rng, 32)));
    }
    return net;
  }

  private static MultiLayerNetwork prepare(
      MultiLayerNetwork foundation, AdaptationMethod method, Double lambda) {
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

  @Test
  void theEnginePropertySwitchesTheLeanPathOff() {
    MultiLayerNetwork net = Mlp.initialised(5, new Adam(1e-3), new Adam(1e-3));
    String before = System.getProperty(LeanNet.ENGINE_PROPERTY);
    try {
      System.setProperty(LeanNet.ENGINE_PROPERTY, "dl4j");
      assertThat(LeanNet.compile(net)).isEmpty();
      System.setProperty(LeanNet.ENGINE_PROPERTY, "lean");
      assertThat(LeanNet.compile(net)).isPresent();
      System.setProperty(LeanNet.ENGINE_PROPERTY, "fast");
      assertThatThrownBy(() -> LeanNet.compile(net)).hasMessageContaining("-Dtausweep.engine=fast");
    } finally {
      if (before == null) {
        System.clearProperty(LeanNet.ENGINE_PROPERTY);
      } else {
        System.setProperty(LeanNet.ENGINE_PROPERTY, before);
      }
    }
  }
}
