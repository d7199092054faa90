package io.tausweep.model.engine;

import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One layer's forward and backward pass. */
abstract class Step {
  final Buffers buffers = new Buffers();

  /** The input and output of the last forward pass. */
  FloatMat in;

  FloatMat out;

  /** The keys of the parameters whose gradients this step computes. */
  abstract Set<String> trainedParams();

  /** The layer's output (for the last layer in training: the pre-activation the loss takes). */
  abstract FloatMat forward(FloatMat in, boolean training);

  /**
   * Writes this layer's parameter gradients (sums over the batch) into the network's gradient view.
   *
   * @return dL/d(input), or null when {@code inputGradient} is false
   */
  abstract FloatMat backward(FloatMat eps, boolean inputGradient);

  /**
   * Looks up this layer's gradient views (zeroing those never computed) and adds them to the
   * network gradient, keyed as DL4J keys them.
   */
  abstract void bindGradients(int index, Gradient g);

  /**
   * dL/d(pre-activation) from dL/d(output) {@code eps}: {@code eps} itself, or through a ReLU on
   * {@link #out} into buffer {@code slot}.
   */
  final FloatMat activationGradient(FloatMat eps, boolean relu, int slot) {
    if (!relu) {
      return eps;
    }
    FloatMat delta = buffers.get(slot, eps.rows, out.cols);
    Kernels.reluMask(out, eps, delta);
    return delta;
  }

  /** The layer's gradient views by parameter key. */
  static Map<String, INDArray> gradientViews(Layer l) {
    return l.conf()
        .getLayer()
        .initializer()
        .getGradientsFromFlattened(l.conf(), l.getGradientsViewArray());
  }
}
