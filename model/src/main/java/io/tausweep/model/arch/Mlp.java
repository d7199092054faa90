package io.tausweep.model.arch;

import io.tausweep.model.rng.Seeds;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The paper's MLP, 784-128-128-10 with ReLU hidden layers and a softmax output (118,282
 * parameters), and the parameter plumbing every method shares. Weights are initialised like
 * PyTorch's {@code nn.Linear} (uniform in +-1/sqrt(fan_in), biases too) from the cell's seed, since
 * the paper ran PyTorch.
 */
public final class Mlp {
  public static final int INPUTS = 784;
  public static final int HIDDEN = 128;
  public static final int CLASSES = 10;

  /** Dense layer widths, input to output. */
  public static final int[] WIDTHS = {INPUTS, HIDDEN, HIDDEN, CLASSES};

  /** Number of linear layers. */
  public static final int LINEAR_LAYERS = WIDTHS.length - 1;

  /** Total parameters of the plain MLP. */
  public static final long PARAMS = 118_282;

  public static final String W = "W";
  public static final String B = "b";

  private Mlp() {}

  /**
   * The configuration every network here starts from (float32, zero init since parameters are
   * always set explicitly, one updater), ready for its layers.
   */
  public static NeuralNetConfiguration.ListBuilder layers(long seed, IUpdater updater) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(updater)
        .weightInit(WeightInit.ZERO)
        .list();
  }

  /**
   * The plain MLP configuration, weights updated by {@code weights} and biases by {@code biases}.
   */
  public static MultiLayerConfiguration plain(long seed, IUpdater weights, IUpdater biases) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(weights)
        .biasUpdater(biases)
        .weightInit(WeightInit.ZERO)
        .list()
        .layer(
            new DenseLayer.Builder().nIn(INPUTS).nOut(HIDDEN).activation(Activation.RELU).build())
        .layer(
            new DenseLayer.Builder().nIn(HIDDEN).nOut(HIDDEN).activation(Activation.RELU).build())
        .layer(
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(HIDDEN)
                .nOut(CLASSES)
                .activation(Activation.SOFTMAX)
                .build())
        .build();
  }

  /** A new plain MLP with PyTorch-style initial weights drawn from {@code seed}. */
  public static MultiLayerNetwork initialised(long seed, IUpdater weights, IUpdater biases) {
    MultiLayerNetwork net = new MultiLayerNetwork(plain(seed, weights, biases));
    net.init();
    SplittableRandom rng = Seeds.stream(seed, "init/foundation");
    for (int l = 0; l < LINEAR_LAYERS; l++) {
      fillUniform(net.getLayer(l).getParam(W), rng, WIDTHS[l]);
      fillUniform(net.getLayer(l).getParam(B), rng, WIDTHS[l]);
    }
    return net;
  }

  /** Fills {@code arr} in place with U(-1/sqrt(fanIn), 1/sqrt(fanIn)) in C order. */
  public static void fillUniform(INDArray arr, SplittableRandom rng, int fanIn) {
    double bound = 1.0 / Math.sqrt(fanIn);
    float[] v = new float[(int) arr.length()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * bound);
    }
    arr.assign(org.nd4j.linalg.factory.Nd4j.create(v, arr.shape(), 'c'));
  }

  /** The weights of linear layer {@code l} (0..2) of a plain MLP. */
  public static INDArray weights(MultiLayerNetwork plain, int l) {
    return plain.getLayer(l).getParam(W);
  }

  /** The biases of linear layer {@code l} (0..2) of a plain MLP. */
  public static INDArray biases(MultiLayerNetwork plain, int l) {
    return plain.getLayer(l).getParam(B);
  }
}
