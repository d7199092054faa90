package io.tausweep.model.engine;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A DL4J dense or output layer: {@code act(in W + b)}, and its gradients without recomputation. */
final class DenseStep extends Step {
  private final boolean relu;
  private final boolean output;
  private final boolean frozen;
  final boolean trainW;
  private final boolean trainB;
  private final BaseLayer<?> layer;
  final FloatMat w;
  private final FloatMat b;
  private FloatMat wGrad;
  private FloatMat bGrad;

  /** Whether wGrad holds zeros (the last update cleared it and nothing has written it since). */
  boolean wGradZero;

  DenseStep(
      BaseLayer<?> layer,
      boolean relu,
      boolean output,
      boolean frozen,
      boolean trainW,
      boolean trainB) {
    this.relu = relu;
    this.output = output;
    this.frozen = frozen;
    this.trainW = trainW;
    this.trainB = trainB;
    this.layer = layer;
    this.w = FloatMat.of(layer.getParam("W"));
    this.b = FloatMat.of(layer.getParam("b"));
  }

  @Override
  Set<String> trainedParams() {
    Set<String> keys = new HashSet<>();
    if (trainW) {
      keys.add("W");
    }
    if (trainB) {
      keys.add("b");
    }
    return keys;
  }

  @Override
  FloatMat forward(FloatMat in, boolean training) {
    FloatMat z = buffers.get(0, in.rows, w.cols);
    FloatMat.gemm(in, false, w, false, 1f, 0f, z);
    return forwardFromProduct(in, z, training);
  }

  /** As forward, with {@code in W} given (it may be this layer's own output buffer). */
  FloatMat forwardFromProduct(FloatMat in, FloatMat xw, boolean logits) {
    FloatMat z = buffers.get(0, in.rows, w.cols);
    Kernels.addBias(xw, b, relu, z);
    if (output && !logits) {
      Kernels.softmax(z);
    }
    this.in = in;
    this.out = z;
    return z;
  }

  @Override
  FloatMat backward(FloatMat eps, boolean inputGradient) {
    int mb = eps.rows;
    FloatMat delta = activationGradient(eps, relu, 1);
    if (trainB) {
      Kernels.columnSums(delta, bGrad);
    }
    if (trainW) {
      // Onto the zeros the last update left (same result bit for bit: BLAS's beta 0 clears, then
      // adds).
      FloatMat.gemm(in, true, delta, false, 1f, wGradZero ? 1f : 0f, wGrad);
      wGradZero = false;
    }
    if (!inputGradient) {
      return null;
    }
    FloatMat epsIn = buffers.get(2, mb, w.rows);
    FloatMat.gemm(delta, false, w, true, 1f, 0f, epsIn);
    return epsIn;
  }

  @Override
  void bindGradients(int index, Gradient g) {
    Map<String, INDArray> views = gradientViews(layer);
    INDArray wg = views.get("W");
    INDArray bg = views.get("b");
    // Gradients never computed stay 0, as DL4J leaves them (frozen) or as they become under
    // Sgd(0).
    if (!trainW) {
      wg.assign(0.0);
    }
    if (!trainB) {
      bg.assign(0.0);
    }
    wGrad = FloatMat.of(wg);
    bGrad = FloatMat.of(bg);
    if (frozen) {
      return; // FrozenLayerWithBackprop reports no gradients
    }
    if (output) {
      g.setGradientFor(index + "_W", wg);
      g.setGradientFor(index + "_b", bg);
    } else {
      g.setGradientFor(index + "_b", bg);
      g.setGradientFor(index + "_W", wg);
    }
  }
}
