package io.tausweep.model.engine;

import io.tausweep.model.arch.LoRADenseLayer;
import io.tausweep.model.arch.LoRADenseLayerImpl;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A LoRA dense layer: {@code act(x W + b + scale (x A) B)}, keeping {@code x A} from forward;
 * gradients for A and B only ({@link LoRADenseLayerImpl#backward} in the same products).
 */
final class LoRAStep extends Step {
  private final LoRADenseLayerImpl layer;
  private final boolean relu;
  private final float scale;
  private final int rank;
  final FloatMat w;
  private final FloatMat bias;
  private final FloatMat a;
  private final FloatMat b;
  private FloatMat gradA;
  private FloatMat gradB;
  private FloatMat xa;

  LoRAStep(LoRADenseLayerImpl layer, boolean relu) {
    this.layer = layer;
    this.relu = relu;
    LoRADenseLayer c = (LoRADenseLayer) layer.conf().getLayer();
    this.scale = (float) c.scaling();
    this.rank = c.getRank();
    this.w = FloatMat.of(layer.getParam(LoRADenseLayer.WEIGHT_KEY));
    this.bias = FloatMat.of(layer.getParam(LoRADenseLayer.BIAS_KEY));
    this.a = FloatMat.of(layer.getParam(LoRADenseLayer.LORA_A_KEY));
    this.b = FloatMat.of(layer.getParam(LoRADenseLayer.LORA_B_KEY));
  }

  @Override
  Set<String> trainedParams() {
    return Set.of(LoRADenseLayer.LORA_A_KEY, LoRADenseLayer.LORA_B_KEY);
  }

  @Override
  FloatMat forward(FloatMat in, boolean training) {
    int mb = in.rows;
    xa = buffers.get(0, mb, rank);
    out = buffers.get(1, mb, w.cols);
    FloatMat.gemm(in, false, w, false, 1f, 0f, out);
    return lowRankAndBias(in);
  }

  /** As forward, with {@code in W} given. */
  FloatMat forwardFromProduct(FloatMat in, FloatMat xw) {
    int mb = in.rows;
    xa = buffers.get(0, mb, rank);
    out = buffers.get(1, mb, w.cols);
    Kernels.copy(xw, out);
    return lowRankAndBias(in);
  }

  /** {@code out += scale (in A) B}, then bias and activation. */
  private FloatMat lowRankAndBias(FloatMat in) {
    FloatMat.gemm(in, false, a, false, 1f, 0f, xa);
    FloatMat.gemm(xa, false, b, false, scale, 1f, out);
    Kernels.addBias(out, bias, relu, out);
    this.in = in;
    return out;
  }

  @Override
  FloatMat backward(FloatMat eps, boolean inputGradient) {
    int mb = eps.rows;
    FloatMat delta = activationGradient(eps, relu, 2);
    FloatMat deltaBt = buffers.get(3, mb, rank);
    FloatMat.gemm(xa, true, delta, false, scale, 0f, gradB);
    FloatMat.gemm(delta, false, b, true, 1f, 0f, deltaBt);
    FloatMat.gemm(in, true, deltaBt, false, scale, 0f, gradA);
    if (!inputGradient) {
      return null;
    }
    FloatMat epsOut = buffers.get(4, mb, w.rows);
    FloatMat.gemm(delta, false, w, true, 1f, 0f, epsOut);
    FloatMat.gemm(deltaBt, false, a, true, scale, 1f, epsOut);
    return epsOut;
  }

  @Override
  void bindGradients(int index, Gradient g) {
    Map<String, INDArray> grads = gradientViews(layer);
    // W and b are frozen: their gradients are 0, as the layer itself assigns them.
    grads.get(LoRADenseLayer.WEIGHT_KEY).assign(0.0);
    grads.get(LoRADenseLayer.BIAS_KEY).assign(0.0);
    gradA = FloatMat.of(grads.get(LoRADenseLayer.LORA_A_KEY));
    gradB = FloatMat.of(grads.get(LoRADenseLayer.LORA_B_KEY));
    for (String key :
        List.of(
            LoRADenseLayer.WEIGHT_KEY,
            LoRADenseLayer.BIAS_KEY,
            LoRADenseLayer.LORA_A_KEY,
            LoRADenseLayer.LORA_B_KEY)) {
      g.setGradientFor(index + "_" + key, grads.get(key));
    }
  }
}
