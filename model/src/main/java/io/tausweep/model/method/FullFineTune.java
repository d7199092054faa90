package io.tausweep.model.method;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.config.ConfigReader;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Full fine-tuning: every parameter of the foundation trains. The upper bound on fit to the new
 * mode, and the method that forgets the old one most.
 */
public record FullFineTune(double learningRate) implements AdaptationMethod {
  public static final String ID = "full_ft";

  @Override
  public String spec() {
    return Spec.of("FullFineTune").with("learningRate", learningRate).text();
  }

  public static final String LEARNING_RATE = "method.full_ft.learning-rate";
  public static final double LEARNING_RATE_DEFAULT = 5e-4;

  public FullFineTune {
    Methods.checkLearningRate(LEARNING_RATE, learningRate);
  }

  /** Reads the method's settings. */
  public static FullFineTune read(ConfigReader r) {
    return new FullFineTune(Methods.learningRate(r, LEARNING_RATE, LEARNING_RATE_DEFAULT));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public MultiLayerNetwork prepare(MultiLayerNetwork foundation, Double lambda, long seed) {
    Adam adam = new Adam(learningRate);
    MultiLayerNetwork net = new MultiLayerNetwork(Mlp.plain(seed, adam, adam));
    net.init(foundation.params().dup(), false);
    return net;
  }

  @Override
  public long trainableParams(MultiLayerNetwork prepared) {
    return prepared.numParams();
  }
}
