package io.tausweep.model.engine;

import java.util.Set;
import org.deeplearning4j.nn.gradient.Gradient;

/**
 * DL4J's LossLayer: no parameters; softmax at inference, the loss gradient passed down in training.
 */
final class LossStep extends Step {
  @Override
  Set<String> trainedParams() {
    return Set.of();
  }

  @Override
  FloatMat forward(FloatMat in, boolean training) {
    this.in = in;
    if (training) {
      this.out = in;
      return in;
    }
    FloatMat probs = buffers.get(0, in.rows, in.cols);
    Kernels.copy(in, probs);
    Kernels.softmax(probs);
    this.out = probs;
    return probs;
  }

  @Override
  FloatMat backward(FloatMat eps, boolean inputGradient) {
    return eps;
  }

  @Override
  void bindGradients(int index, Gradient g) {
    // no parameters
  }
}
