package io.tausweep.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class TauGateLayerTest {

  private static final double S = 5.0;
  private static final double[] TAU = {-0.1, 0.2, 0.5, -0.3};
  private static final double[] GAMMA = {1.0, 2.0, 0.5, -1.5};

  /**
   * Row 0 has z == tau in columns 1 and 2 (hard gate closed: strict >) and tau < z < 0 in column 3.
   */
  private static final double[][] Z = {{0.3, 0.2, 0.5, -0.2}, {1.0, -0.4, 0.7, 0.4}};

  @RegisterExtension
  final LayerChecks.Nd4jPrecision precision = LayerChecks.Nd4jPrecision.doubleInEachTest();

  private static double sigmoid(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  private static double softGate(double z, double tau) {
    return sigmoid(S * (z - tau));
  }

  private static double hardGate(double z, double tau) {
    return z > tau ? 1.0 : 0.0;
  }

  /** A single TauGate (4 units) followed by an identity MSE loss layer, with TAU and GAMMA set. */
  private static MultiLayerNetwork singleGateNet() {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.DOUBLE)
            .seed(1)
            .updater(new NoOp())
            .list()
            .layer(new TauGateLayer.Builder().units(4).sharpness(S).build())
            .layer(new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.setParam("0_" + TauGateLayer.TAU_KEY, Nd4j.createFromArray(new double[][] {TAU}));
    net.setParam("0_" + TauGateLayer.GAMMA_KEY, Nd4j.createFromArray(new double[][] {GAMMA}));
    return net;
  }

  /** A softmax output layer of {@code classes} units with the cross-entropy (MCXENT) loss. */
  private static OutputLayer softmaxOutput(int classes) {
    return new OutputLayer.Builder(LossFunction.MCXENT)
        .nOut(classes)
        .activation(Activation.SOFTMAX)
        .build();
  }

  /** Dense(identity) -> TauGate -> Dense(identity) -> TauGate -> softmax output, widths 6-4-5-3. */
  private static MultiLayerConfiguration twoGateConf(double lambda, boolean noOp) {
    return new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE)
        .seed(42)
        .weightInit(WeightInit.XAVIER)
        .updater(noOp ? new NoOp() : new Adam(1e-2))
        .list()
        .layer(new DenseLayer.Builder().nIn(6).nOut(4).activation(Activation.IDENTITY).build())
        .layer(new TauGateLayer.Builder().lambda(lambda).gatedUnits(9).build())
        .layer(new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build())
        .layer(new TauGateLayer.Builder().lambda(lambda).gatedUnits(9).build())
        .layer(softmaxOutput(3))
        .setInputType(InputType.feedForward(6))
        .build();
  }

  /**
   * The two-gate network with non-default tau and gamma (seeded), so every gradient is non-trivial.
   */
  private static MultiLayerNetwork twoGateNet(double lambda, boolean noOp) {
    MultiLayerNetwork net = new MultiLayerNetwork(twoGateConf(lambda, noOp));
    net.init();
    net.setParam("1_tau", NnTestSupport.uniform(7, DataType.DOUBLE, 1, 4, -0.4, 0.2));
    net.setParam("1_gamma", NnTestSupport.uniform(8, DataType.DOUBLE, 1, 4, 0.5, 1.5));
    net.setParam("3_tau", NnTestSupport.uniform(9, DataType.DOUBLE, 1, 5, -0.4, 0.2));
    net.setParam("3_gamma", NnTestSupport.uniform(10, DataType.DOUBLE, 1, 5, 0.5, 1.5));
    return net;
  }

  /** Seeded inputs for the two-gate network's gradient checks: 7 rows of 6. */
  private static INDArray checkInput() {
    return NnTestSupport.uniform(11, DataType.DOUBLE, 7, 6, -1, 1);
  }

  /** One-hot labels for {@link #checkInput()} over the network's 3 classes. */
  private static INDArray checkLabels() {
    return NnTestSupport.oneHot(DataType.DOUBLE, 7, 3);
  }

  @Test
  void softForwardMatchesHandComputation() {
    MultiLayerNetwork net = singleGateNet();
    INDArray out = net.output(Nd4j.createFromArray(Z));

    for (int b = 0; b < Z.length; b++) {
      for (int j = 0; j < TAU.length; j++) {
        double expected = GAMMA[j] * Math.max(Z[b][j], 0.0) * softGate(Z[b][j], TAU[j]);
        assertThat(out.getDouble(b, j)).as("h[%d][%d]", b, j).isCloseTo(expected, within(1e-12));
      }
    }
    assertThat(out.getDouble(0, 3)).isZero(); // tau < z < 0: gate open, relu closed
  }

  @Test
  void hardForwardMatchesHandComputationAndSwitchesBack() {
    MultiLayerNetwork net = singleGateNet();
    INDArray z = Nd4j.createFromArray(Z);
    INDArray soft = net.output(z);

    assertThat(TauGates.setHard(net, true)).isEqualTo(1);
    INDArray hard = net.output(z);
    for (int b = 0; b < Z.length; b++) {
      for (int j = 0; j < TAU.length; j++) {
        double expected = GAMMA[j] * Math.max(Z[b][j], 0.0) * hardGate(Z[b][j], TAU[j]);
        assertThat(hard.getDouble(b, j)).as("h[%d][%d]", b, j).isEqualTo(expected);
      }
    }
    assertThat(hard.getDouble(0, 2)).as("z == tau is closed").isZero();
    assertThat(((TauGateLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).isHardGate())
        .isTrue();

    assertThat(TauGates.setHard(net, false)).isEqualTo(1);
    assertThat(NnTestSupport.values(net.output(z))).containsExactly(NnTestSupport.values(soft));
  }

  @Test
  void worksInAComputationGraphAndSwitchesThere() {
    ComputationGraph graph =
        new ComputationGraph(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .graphBuilder()
                .addInputs("z")
                .addLayer("gate", new TauGateLayer.Builder().units(4).sharpness(S).build(), "z")
                .addLayer(
                    "loss",
                    new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build(),
                    "gate")
                .setOutputs("loss")
                .build());
    graph.init();
    graph.setParam("gate_" + TauGateLayer.TAU_KEY, Nd4j.createFromArray(new double[][] {TAU}));
    graph.setParam("gate_" + TauGateLayer.GAMMA_KEY, Nd4j.createFromArray(new double[][] {GAMMA}));
    MultiLayerNetwork net = singleGateNet();
    INDArray z = Nd4j.createFromArray(Z);

    assertThat(NnTestSupport.values(graph.outputSingle(z)))
        .containsExactly(NnTestSupport.values(net.output(z)));
    assertThat(TauGates.setHard(graph, true)).isEqualTo(1);
    TauGates.setHard(net, true);
    assertThat(NnTestSupport.values(graph.outputSingle(z)))
        .containsExactly(NnTestSupport.values(net.output(z)));
  }

  @Test
  void gateHelpersMatchHandComputation() {
    MultiLayerNetwork net = singleGateNet();
    INDArray z = Nd4j.createFromArray(Z);
    INDArray tau = net.getParam("0_" + TauGateLayer.TAU_KEY);
    TauGateLayerImpl layer = TauGates.layers(net).get(0);

    INDArray soft = TauGates.softGate(z, tau, S);
    INDArray layerGate = layer.gate(z);
    INDArray hard = TauGates.hardGate(z, tau);
    int open = 0;
    for (int b = 0; b < Z.length; b++) {
      for (int j = 0; j < TAU.length; j++) {
        assertThat(soft.getDouble(b, j)).isCloseTo(softGate(Z[b][j], TAU[j]), within(1e-12));
        assertThat(layerGate.getDouble(b, j)).isEqualTo(soft.getDouble(b, j));
        assertThat(hard.getDouble(b, j)).isEqualTo(hardGate(Z[b][j], TAU[j]));
        open += Z[b][j] > TAU[j] ? 1 : 0;
      }
    }
    assertThat(open).isEqualTo(5);
    assertThat(TauGates.highActivationFraction(z, tau)).isEqualTo(5.0 / 8.0);

    TauGates.setHard(net, true);
    assertThat(NnTestSupport.values(layer.gate(z))).containsExactly(NnTestSupport.values(hard));
  }

  @Test
  void penaltyInScoreIsLambdaTimesMeanGate() {
    double lambda = 0.3;
    MultiLayerNetwork plain = twoGateNet(0.0, true);
    MultiLayerNetwork penalised = new MultiLayerNetwork(twoGateConf(lambda, true));
    penalised.init(plain.params().dup(), false);

    INDArray x = NnTestSupport.uniform(3, DataType.DOUBLE, 8, 6, -1, 1);
    DataSet ds = new DataSet(x, NnTestSupport.oneHot(DataType.DOUBLE, 8, 3));
    List<INDArray> acts = plain.feedForward(x, false);
    double gateSum = 0;
    for (int layer : new int[] {1, 3}) {
      INDArray z = acts.get(layer); // input of layer i is activation i (0 = network input)
      INDArray tau = plain.getParam(layer + "_tau");
      for (int b = 0; b < z.rows(); b++) {
        for (int j = 0; j < z.columns(); j++) {
          gateSum += sigmoid(S * (z.getDouble(b, j) - tau.getDouble(0, j)));
        }
      }
    }
    double expectedPenalty = lambda * gateSum / (8 * 9);

    double diff = penalised.score(ds) - plain.score(ds);
    assertThat(expectedPenalty).isGreaterThan(0.01);
    assertThat(diff).isCloseTo(expectedPenalty, within(1e-12));
    double layerPenalties =
        TauGates.layers(penalised).stream().mapToDouble(TauGateLayerImpl::lastPenalty).sum();
    assertThat(layerPenalties).isCloseTo(expectedPenalty, within(1e-12));
  }

  @ParameterizedTest(name = "lambda = {0}")
  @ValueSource(doubles = {0.0, 0.5})
  void gradientCheckPasses(double lambda) {
    MultiLayerNetwork net = twoGateNet(lambda, true);

    boolean ok =
        GradientCheckUtil.checkGradients(
            LayerChecks.gradientCheck(net, checkInput(), checkLabels()).exitOnFirstError(false));

    assertThat(ok).isTrue();
    INDArray grad = net.getGradientsViewArray(); // the last backprop's gradient
    assertThat(grad.norm2Number().doubleValue()).isGreaterThan(0.0);
  }

  @Test
  void gradientCheckPassesWithHardGate() {
    MultiLayerNetwork net = twoGateNet(0.5, true);
    TauGates.setHard(net, true);

    boolean ok =
        GradientCheckUtil.checkGradients(
            LayerChecks.gradientCheck(net, checkInput(), checkLabels()));

    assertThat(ok).isTrue();
    assertThat(net.gradient().getGradientFor("1_tau").amaxNumber().doubleValue()).isZero();
    assertThat(net.gradient().getGradientFor("1_gamma").amaxNumber().doubleValue()).isPositive();
  }

  @Test
  void penaltyGradientPushesGatesClosed() {
    MultiLayerNetwork plain = twoGateNet(0.0, true);
    MultiLayerNetwork penalised = new MultiLayerNetwork(twoGateConf(0.5, true));
    penalised.init(plain.params().dup(), false);
    INDArray x = checkInput();
    INDArray y = checkLabels();
    for (MultiLayerNetwork n : List.of(plain, penalised)) {
      n.setInput(x);
      n.setLabels(y);
      n.computeGradientAndScore();
    }
    // In the last gate layer (nothing penalised downstream) the penalty adds -lambda/gatedUnits *
    // sum_b s*g*(1-g) < 0 to the tau gradient (raising tau closes gates) and nothing to the gamma
    // gradient.
    INDArray z = plain.feedForward(x, true).get(3);
    INDArray g = TauGates.softGate(z, plain.getParam("3_tau"), S);
    INDArray expected = g.mul(g.rsub(1.0)).muli(-0.5 / 9 * S).sum(0).reshape(1, 5);
    INDArray dTau =
        penalised.gradient().getGradientFor("3_tau").sub(plain.gradient().getGradientFor("3_tau"));
    assertThat(dTau.maxNumber().doubleValue()).isLessThan(0.0);
    assertThat(dTau.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-12);
    INDArray dGamma =
        penalised
            .gradient()
            .getGradientFor("3_gamma")
            .sub(plain.gradient().getGradientFor("3_gamma"));
    assertThat(dGamma.amaxNumber().doubleValue()).isZero();
  }

  @Test
  void trainsTauAndGammaAndRoundTripsThroughSaveAndLoad(@TempDir File dir) throws Exception {
    MultiLayerNetwork net = twoGateNet(0.25, false);
    INDArray x = NnTestSupport.uniform(12, DataType.DOUBLE, 10, 6, -1, 1);
    INDArray y = NnTestSupport.oneHot(DataType.DOUBLE, 10, 3);
    INDArray tauBefore = net.getParam("1_tau").dup();
    for (int i = 0; i < 3; i++) {
      net.fit(x, y);
    }
    assertThat(NnTestSupport.values(net.getParam("1_tau")))
        .isNotEqualTo(NnTestSupport.values(tauBefore));

    LayerChecks.assertRoundTripsThroughSaveAndLoad(net, dir, 1, TauGateLayerImpl.class, x);
  }

  @Test
  void configurationRoundTripsThroughJson() {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .list()
            .layer(
                new TauGateLayer.Builder()
                    .units(128)
                    .tauInit(-0.2)
                    .gammaInit(1.5)
                    .sharpness(3.0)
                    .lambda(0.01)
                    .gatedUnits(256)
                    .hardGate(true)
                    .name("gate1")
                    .build())
            .layer(new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
            .build();

    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());

    assertThat(back).isEqualTo(conf);
    TauGateLayer l = (TauGateLayer) back.getConf(0).getLayer();
    assertSettings(l, 128, -0.2, 1.5, 3.0, 0.01, true);
    assertThat(l.getGatedUnits()).isEqualTo(256);
    assertThat(l.getLayerName()).isEqualTo("gate1");
    l.setHardGate(false);
    assertThat(back).isNotEqualTo(conf);
  }

  @Test
  void defaultsAndParameterCountOn128Units() {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.DOUBLE)
            .list()
            .layer(
                new DenseLayer.Builder().nIn(784).nOut(128).activation(Activation.IDENTITY).build())
            .layer(new TauGateLayer.Builder().build())
            .layer(softmaxOutput(10))
            .setInputType(InputType.feedForward(784))
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();

    TauGateLayer l = (TauGateLayer) conf.getConf(1).getLayer();
    assertSettings(l, 128, -0.1, 1.0, 5.0, 0.0, false);
    assertThat(l.effectiveGatedUnits()).isEqualTo(128);
    assertThat(net.getLayer(1).numParams()).isEqualTo(256);
    assertThat(l.initializer().numParams(l)).isEqualTo(256);
    assertThat(net.getParam("1_tau").shape()).containsExactly(1, 128);
    assertThat(net.getParam("1_gamma").shape()).containsExactly(1, 128);
    assertThat(net.getParam("1_tau").minNumber().doubleValue()).isEqualTo(-0.1);
    assertThat(net.getParam("1_tau").maxNumber().doubleValue()).isEqualTo(-0.1);
    assertThat(net.getParam("1_gamma").minNumber().doubleValue()).isEqualTo(1.0);
    assertThat(net.getParam("1_gamma").maxNumber().doubleValue()).isEqualTo(1.0);
  }

  /** Asserts a gate layer's width (nIn and nOut), initial values and gate settings. */
  private static void assertSettings(
      TauGateLayer l,
      int units,
      double tauInit,
      double gammaInit,
      double sharpness,
      double lambda,
      boolean hardGate) {
    assertThat(l.getNIn()).isEqualTo(units);
    assertThat(l.getNOut()).isEqualTo(units);
    assertThat(l.getTauInit()).isEqualTo(tauInit);
    assertThat(l.getGammaInit()).isEqualTo(gammaInit);
    assertThat(l.getSharpness()).isEqualTo(sharpness);
    assertThat(l.getLambda()).isEqualTo(lambda);
    assertThat(l.isHardGate()).isEqualTo(hardGate);
  }

  @Test
  void rejectsInvalidHyperparameters() {
    assertThatThrownBy(() -> new TauGateLayer.Builder().units(4).lambda(-0.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid TauGateLayer lambda: -0.5 (the sparsity weight must be finite and >= 0; "
                + "use 0 to switch the penalty off)");
    assertThatThrownBy(() -> new TauGateLayer.Builder().units(4).sharpness(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid TauGateLayer sharpness: 0.0 (must be finite and > 0; the default is 5.0)");
    assertThatThrownBy(() -> new TauGateLayer.Builder().units(128).gatedUnits(100).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid TauGateLayer gatedUnits: 100 (");
    assertThatThrownBy(
            () -> new TauGateLayer.Builder().units(4).activation(Activation.RELU).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid TauGateLayer activation: relu (");

    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .list()
            .layer(new TauGateLayer.Builder().nIn(4).nOut(5).build())
            .layer(new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
            .build();
    assertThatThrownBy(() -> new MultiLayerNetwork(conf).init())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid TauGateLayer (layer 0, \"layer0\") nIn/nOut: 4/5 (a TauGate gates its input "
                + "unit-wise, so nIn must equal nOut)");
  }
}
