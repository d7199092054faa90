package io.tausweep.model.engine;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A network gradient whose {@link #gradient()} is the flattened view array itself. */
final class ViewGradient extends DefaultGradient {
  private final INDArray flat;

  ViewGradient(INDArray flat) {
    super(flat);
    this.flat = flat;
  }

  @Override
  public INDArray gradient() {
    return flat;
  }
}
