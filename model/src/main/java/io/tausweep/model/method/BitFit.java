package io.tausweep.model.method;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.config.ConfigReader;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * BitFit: only the biases train (all 266 of the MLP). Weights get {@code Sgd(0)}, which leaves them
 * bit-identical; DL4J's {@code NoOp} would instead apply the raw gradient.
 */
public record BitFit(double learningRate) implements AdaptationMethod {
  public static final String ID = "bitfit";

  @Override
  public String spec() {
    return Spec.of("BitFit").with("learningRate", learningRate).text();
  }

  public static final String LEARNING_RATE = "method.bitfit.learning-rate";
  public static final double LEARNING_RATE_DEFAULT = 3e-3;

  public BitFit {
    Methods.checkLearningRate(LEARNING_RATE, learningRate);
  }

  /** Reads the method's settings. */
  public static BitFit read(ConfigReader r) {
    return new BitFit(Methods.learningRate(r, LEARNING_RATE, LEARNING_RATE_DEFAULT));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public MultiLayerNetwork prepare(MultiLayerNetwork foundation, Double lambda, long seed) {
    MultiLayerNetwork net =
        new MultiLayerNetwork(Mlp.plain(seed, new Sgd(0.0), new Adam(learningRate)));
    net.init(foundation.params().dup(), false);
    return net;
  }

  @Override
  public long trainableParams(MultiLayerNetwork prepared) {
    long n = 0;
    for (int l = 0; l < Mlp.LINEAR_LAYERS; l++) {
      n += Mlp.biases(prepared, l).length();
    }
    return n;
  }
}
