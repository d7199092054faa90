package io.tausweep.model.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

class LoRADenseLayerTest {

  private static final String[] KEYS = {
    LoRADenseLayer.WEIGHT_KEY,
    LoRADenseLayer.BIAS_KEY,
    LoRADenseLayer.LORA_A_KEY,
    LoRADenseLayer.LORA_B_KEY
  };

  @RegisterExtension
  final LayerChecks.Nd4jPrecision precision = LayerChecks.Nd4jPrecision.restoredAfterEach();

  /** LoRA(relu) -> LoRA(relu) -> LoRA(identity) -> softmax/MCXENT loss layer. */
  private static MultiLayerConfiguration loraConf(
      DataType type, IUpdater updater, int[] widths, int rank, double alpha, double weightDecay) {
    NeuralNetConfiguration.Builder b =
        new NeuralNetConfiguration.Builder().dataType(type).seed(123).updater(updater);
    if (weightDecay > 0) {
      b.weightDecay(weightDecay);
    }
    return b.list()
        .layer(loraLayer(widths[1], rank, alpha, Activation.RELU))
        .layer(loraLayer(widths[2], rank, alpha, Activation.RELU))
        .layer(loraLayer(widths[3], rank, alpha, Activation.IDENTITY))
        .layer(new LossLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.feedForward(widths[0]))
        .build();
  }

  private static LoRADenseLayer loraLayer(int nOut, int rank, double alpha, Activation activation) {
    return new LoRADenseLayer.Builder()
        .nOut(nOut)
        .rank(rank)
        .alpha(alpha)
        .activation(activation)
        .build();
  }

  private static MultiLayerNetwork net(MultiLayerConfiguration conf) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * Gives every B a seeded non-zero value (with B = 0 the gradient of A is 0 and checks nothing).
   */
  private static void randomiseB(MultiLayerNetwork net, DataType type) {
    for (int i = 0; i < 3; i++) {
      INDArray b = net.getParam(i + "_" + LoRADenseLayer.LORA_B_KEY);
      net.setParam(
          i + "_" + LoRADenseLayer.LORA_B_KEY,
          NnTestSupport.uniform(100 + i, type, b.rows(), b.columns(), -0.5, 0.5));
    }
  }

  /**
   * The small 6-5-4-3 rank-2 network in double precision (ND4J's defaults too, restored after each
   * test), with no updater and seeded non-zero B.
   */
  private static MultiLayerNetwork smallDoubleNetWithRandomB(double alpha) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    MultiLayerNetwork net =
        net(loraConf(DataType.DOUBLE, new NoOp(), new int[] {6, 5, 4, 3}, 2, alpha, 0));
    randomiseB(net, DataType.DOUBLE);
    return net;
  }

  @Test
  void parameterCountsOnTheMnistMlp() {
    MultiLayerNetwork net =
        net(loraConf(DataType.FLOAT, new Adam(1e-3), new int[] {784, 128, 128, 10}, 8, 16, 0));

    long[] expectedTrainable = {7_296, 2_048, 1_104};
    long trainable = 0;
    for (int i = 0; i < 3; i++) {
      LoRADenseLayer conf = (LoRADenseLayer) net.getLayerWiseConfigurations().getConf(i).getLayer();
      assertThat(conf.numTrainableParams()).isEqualTo(expectedTrainable[i]);
      assertThat(net.getParam(i + "_A").length() + net.getParam(i + "_B").length())
          .isEqualTo(expectedTrainable[i]);
      trainable += conf.numTrainableParams();
    }
    assertThat(trainable).isEqualTo(10_448);
    assertThat(net.numParams()).isEqualTo(118_282 + 10_448);
    assertThat(net.getParam("0_W").shape()).containsExactly(784, 128);
    assertThat(net.getParam("0_b").shape()).containsExactly(1, 128);
    assertThat(net.getParam("0_A").shape()).containsExactly(784, 8);
    assertThat(net.getParam("0_B").shape()).containsExactly(8, 128);
    // Adam keeps two state values per trainable parameter only: W and b have the stateless NoOp
    // updater.
    assertThat(net.getUpdater().getStateViewArray().length()).isEqualTo(2 * 10_448);
  }

  @Test
  void initialisationFollowsLoraAndPytorchLinear() {
    MultiLayerNetwork net =
        net(loraConf(DataType.FLOAT, new Adam(1e-3), new int[] {784, 128, 128, 10}, 8, 16, 0));
    double bound = 1 / Math.sqrt(784);
    for (String key : new String[] {"0_W", "0_b", "0_A"}) {
      INDArray p = net.getParam(key);
      assertThat(Transforms.abs(p).maxNumber().doubleValue()).as(key).isLessThanOrEqualTo(bound);
      assertThat(p.stdNumber().doubleValue()).as(key).isGreaterThan(bound / 3);
    }
    assertThat(net.getParam("0_B").amaxNumber().doubleValue()).isZero();
    assertThat(((LoRADenseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).scaling())
        .isEqualTo(2.0);
  }

  @Test
  void withZeroBItEqualsItsBaseDenseLayers() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    int[] widths = {6, 5, 4, 3};
    MultiLayerNetwork lora = net(loraConf(DataType.DOUBLE, new NoOp(), widths, 2, 4, 0));
    MultiLayerNetwork dense =
        net(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(9)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.RELU).build())
                .layer(
                    new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.IDENTITY).build())
                .layer(
                    new LossLayer.Builder(LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    for (int i = 0; i < 3; i++) {
      lora.setParam(i + "_W", dense.getParam(i + "_W"));
      lora.setParam(i + "_b", dense.getParam(i + "_b"));
    }
    INDArray x = NnTestSupport.uniform(5, DataType.DOUBLE, 9, 6, -1, 1);

    INDArray expected = dense.output(x);
    assertThat(lora.output(x).equalsWithEps(expected, 1e-12)).isTrue();
  }

  @Test
  void forwardMatchesHandComputation() {
    MultiLayerNetwork net = smallDoubleNetWithRandomB(3);
    INDArray x = NnTestSupport.uniform(5, DataType.DOUBLE, 9, 6, -1, 1);

    INDArray h = x;
    for (int i = 0; i < 3; i++) {
      INDArray z =
          h.mmul(net.getParam(i + "_W"))
              .addRowVector(net.getParam(i + "_b"))
              .add(h.mmul(net.getParam(i + "_A")).mmul(net.getParam(i + "_B")).mul(3.0 / 2));
      h = i < 2 ? Transforms.relu(z, true) : z;
    }
    INDArray expected = Transforms.softmax(h, true);

    INDArray out = net.output(x);
    assertThat(out.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-12);
    assertThat(net.feedForward(x, false).get(3).sub(h).amaxNumber().doubleValue())
        .isLessThan(1e-12);
  }

  @Test
  void gradientCheckPassesForAAndB() {
    MultiLayerNetwork net = smallDoubleNetWithRandomB(4);
    INDArray x = NnTestSupport.uniform(21, DataType.DOUBLE, 8, 6, -1, 1);
    INDArray y = NnTestSupport.oneHot(DataType.DOUBLE, 8, 3);
    Set<String> frozen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      frozen.add(i + "_" + LoRADenseLayer.WEIGHT_KEY);
      frozen.add(i + "_" + LoRADenseLayer.BIAS_KEY);
    }

    boolean ok =
        GradientCheckUtil.checkGradients(
            LayerChecks.gradientCheck(net, x, y).excludeParams(frozen));

    assertThat(ok).isTrue();
    net.setInput(x);
    net.setLabels(y);
    net.computeGradientAndScore();
    for (int i = 0; i < 3; i++) {
      assertThat(net.gradient().getGradientFor(i + "_W").amaxNumber().doubleValue()).isZero();
      assertThat(net.gradient().getGradientFor(i + "_b").amaxNumber().doubleValue()).isZero();
      assertThat(net.gradient().getGradientFor(i + "_A").amaxNumber().doubleValue()).isPositive();
      assertThat(net.gradient().getGradientFor(i + "_B").amaxNumber().doubleValue()).isPositive();
    }
  }

  @Test
  void trainingWithAdamAndWeightDecayLeavesWAndBBitIdentical() {
    MultiLayerNetwork net =
        net(loraConf(DataType.FLOAT, new Adam(1e-2), new int[] {20, 16, 12, 4}, 4, 8, 1e-2));
    Map<String, double[]> before = new HashMap<>();
    Map<String, INDArray> beforeArrays = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      for (String k : KEYS) {
        before.put(i + "_" + k, NnTestSupport.values(net.getParam(i + "_" + k)));
        beforeArrays.put(i + "_" + k, net.getParam(i + "_" + k).dup());
      }
    }
    INDArray x = NnTestSupport.uniform(31, DataType.FLOAT, 32, 20, -1, 1);
    INDArray y = NnTestSupport.oneHot(DataType.FLOAT, 32, 4);
    double scoreBefore = net.score(new org.nd4j.linalg.dataset.DataSet(x, y));

    for (int step = 0; step < 5; step++) {
      net.fit(x, y);
    }

    for (int i = 0; i < 3; i++) {
      for (String k : new String[] {LoRADenseLayer.WEIGHT_KEY, LoRADenseLayer.BIAS_KEY}) {
        String key = i + "_" + k;
        assertThat(net.getParam(key)).as(key).isEqualTo(beforeArrays.get(key));
        assertThat(NnTestSupport.values(net.getParam(key)))
            .as(key)
            .containsExactly(before.get(key));
      }
      for (String k : new String[] {LoRADenseLayer.LORA_A_KEY, LoRADenseLayer.LORA_B_KEY}) {
        String key = i + "_" + k;
        assertThat(net.getParam(key)).as(key).isNotEqualTo(beforeArrays.get(key));
      }
    }
    assertThat(net.score(new org.nd4j.linalg.dataset.DataSet(x, y))).isLessThan(scoreBefore);
  }

  @Test
  void roundTripsThroughSaveAndLoad(@TempDir File dir) throws Exception {
    MultiLayerNetwork net =
        net(loraConf(DataType.FLOAT, new Adam(1e-2), new int[] {20, 16, 12, 4}, 4, 8, 0));
    INDArray x = NnTestSupport.uniform(41, DataType.FLOAT, 16, 20, -1, 1);
    INDArray y = NnTestSupport.oneHot(DataType.FLOAT, 16, 4);
    for (int step = 0; step < 3; step++) {
      net.fit(x, y);
    }

    LayerChecks.assertRoundTripsThroughSaveAndLoad(net, dir, 0, LoRADenseLayerImpl.class, x);
  }

  @Test
  void configurationRoundTripsThroughJson() {
    MultiLayerConfiguration conf =
        loraConf(DataType.FLOAT, new Adam(1e-3), new int[] {784, 128, 128, 10}, 4, 32, 0);

    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());

    assertThat(back).isEqualTo(conf);
    LoRADenseLayer l = (LoRADenseLayer) back.getConf(1).getLayer();
    assertThat(l.getNIn()).isEqualTo(128);
    assertThat(l.getNOut()).isEqualTo(128);
    assertThat(l.getRank()).isEqualTo(4);
    assertThat(l.getAlpha()).isEqualTo(32.0);
    assertThat(l.getActivationFn().toString()).isEqualTo("relu");
    l.setRank(8);
    assertThat(back).isNotEqualTo(conf);
  }

  @Test
  void defaultsAndValidation() {
    LoRADenseLayer l = new LoRADenseLayer.Builder().nIn(10).nOut(5).build();
    assertThat(l.getRank()).isEqualTo(8);
    assertThat(l.getAlpha()).isEqualTo(16.0);
    assertThat(l.scaling()).isEqualTo(2.0);
    assertThat(l.getUpdaterByParam(LoRADenseLayer.WEIGHT_KEY)).isInstanceOf(NoOp.class);
    assertThat(l.getUpdaterByParam(LoRADenseLayer.BIAS_KEY)).isInstanceOf(NoOp.class);

    assertThatThrownBy(() -> new LoRADenseLayer.Builder().nIn(10).nOut(5).rank(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid LoRADenseLayer rank: 0 (must be >= 1; the default is 8)");
    assertThatThrownBy(() -> new LoRADenseLayer.Builder().nIn(10).nOut(5).alpha(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid LoRADenseLayer alpha: -1.0 (must be finite and > 0; the update is scaled by "
                + "alpha / rank, default 16.0)");
  }
}
