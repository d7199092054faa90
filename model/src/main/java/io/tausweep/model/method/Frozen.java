package io.tausweep.model.method;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The baseline that trains nothing: the foundation evaluated as it is. It bounds from below what
 * any adaptation must beat.
 */
public record Frozen() implements AdaptationMethod {
  public static final String ID = "frozen";

  @Override
  public String spec() {
    return Spec.of("Frozen").text();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public MultiLayerNetwork prepare(MultiLayerNetwork foundation, Double lambda, long seed) {
    return foundation.clone();
  }

  @Override
  public long trainableParams(MultiLayerNetwork prepared) {
    return 0;
  }

  @Override
  public double learningRate() {
    return 0;
  }

  @Override
  public boolean trains() {
    return false;
  }
}
