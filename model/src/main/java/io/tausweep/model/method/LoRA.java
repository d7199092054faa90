package io.tausweep.model.method;

import io.tausweep.model.arch.LoRADenseLayer;
import io.tausweep.model.arch.Mlp;
import io.tausweep.model.config.ConfigReader;
import io.tausweep.model.rng.Seeds;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LoRA on all three linear layers: {@code W x + b + (alpha/r) B A x} with W and b frozen, A drawn
 * uniform in +-1/sqrt(fan_in) from the cell's seed and B zero (10,448 parameters at r = 8), as in
 * loralib and HF PEFT without dropout.
 */
public record LoRA(double learningRate, int rank, double alpha) implements AdaptationMethod {
  public static final String ID = "lora";

  @Override
  public String spec() {
    return Spec.of("LoRA")
        .with("learningRate", learningRate)
        .with("rank", rank)
        .with("alpha", alpha)
        .text();
  }

  public static final String LEARNING_RATE = "method.lora.learning-rate";
  public static final double LEARNING_RATE_DEFAULT = 5e-4;
  public static final String RANK = "method.lora.rank";
  public static final int RANK_DEFAULT = 8;
  public static final String ALPHA = "method.lora.alpha";
  public static final double ALPHA_DEFAULT = 16.0;

  public LoRA {
    Methods.checkLearningRate(LEARNING_RATE, learningRate);
  }

  /** Reads the method's settings. */
  public static LoRA read(ConfigReader r) {
    return new LoRA(
        Methods.learningRate(r, LEARNING_RATE, LEARNING_RATE_DEFAULT),
        r.intIn(RANK, RANK_DEFAULT, 1, Mlp.CLASSES),
        r.doubleIn(ALPHA, ALPHA_DEFAULT, 1e-6, 1e6, "must be a LoRA alpha within [1e-6, 1e6]"));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public MultiLayerNetwork prepare(MultiLayerNetwork foundation, Double lambda, long seed) {
    NeuralNetConfiguration.ListBuilder b = Mlp.layers(seed, new Adam(learningRate));
    for (int i = 0; i < Mlp.LINEAR_LAYERS; i++) {
      boolean last = i == Mlp.LINEAR_LAYERS - 1;
      b.layer(
          new LoRADenseLayer.Builder()
              .nIn(Mlp.WIDTHS[i])
              .nOut(Mlp.WIDTHS[i + 1])
              .rank(rank)
              .alpha(alpha)
              .activation(last ? Activation.IDENTITY : Activation.RELU)
              .build());
    }
    b.layer(
        new LossLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .activation(Activation.SOFTMAX)
            .build());
    MultiLayerNetwork net = new MultiLayerNetwork(b.build());
    net.init();
    SplittableRandom rng = Seeds.stream(seed, "init/lora");
    for (int i = 0; i < Mlp.LINEAR_LAYERS; i++) {
      net.getParam(i + "_" + LoRADenseLayer.WEIGHT_KEY).assign(Mlp.weights(foundation, i));
      net.getParam(i + "_" + LoRADenseLayer.BIAS_KEY).assign(Mlp.biases(foundation, i));
      Mlp.fillUniform(net.getParam(i + "_" + LoRADenseLayer.LORA_A_KEY), rng, Mlp.WIDTHS[i]);
      net.getParam(i + "_" + LoRADenseLayer.LORA_B_KEY).assign(0);
    }
    return net;
  }

  @Override
  public long trainableParams(MultiLayerNetwork prepared) {
    long n = 0;
    for (int i = 0; i < Mlp.LINEAR_LAYERS; i++) {
      n += prepared.getParam(i + "_" + LoRADenseLayer.LORA_A_KEY).length();
      n += prepared.getParam(i + "_" + LoRADenseLayer.LORA_B_KEY).length();
    }
    return n;
  }
}
