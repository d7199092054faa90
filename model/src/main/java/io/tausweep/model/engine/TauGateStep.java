package io.tausweep.model.engine;

import io.tausweep.model.arch.TauGateLayer;
import io.tausweep.model.arch.TauGateLayerImpl;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.gradient.Gradient;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A TauGate layer: keeps z and the gate from forward. */
final class TauGateStep extends Step {
  private final TauGateLayerImpl layer;
  final FloatMat tau;
  private final FloatMat gamma;
  private FloatMat tauGrad;
  private FloatMat gammaGrad;
  private FloatMat g;
  private boolean hard;

  TauGateStep(TauGateLayerImpl layer) {
    this.layer = layer;
    this.tau = FloatMat.of(layer.getParam(TauGateLayer.TAU_KEY));
    this.gamma = FloatMat.of(layer.getParam(TauGateLayer.GAMMA_KEY));
  }

  @Override
  Set<String> trainedParams() {
    return Set.of(TauGateLayer.TAU_KEY, TauGateLayer.GAMMA_KEY);
  }

  @Override
  FloatMat forward(FloatMat z, boolean training) {
    TauGateLayer c = layer.layerConf();
    FloatMat out = buffers.get(0, z.rows, z.cols);
    hard = c.isHardGate();
    this.in = z;
    this.out = out;
    if (!training) {
      // Inference keeps no gates (only backward reads them); hard gates need no exponential at
      // all.
      g = null;
      if (hard) {
        Kernels.tauGateHardInference(z, tau, gamma, out);
      } else {
        Kernels.tauGateSoftInference(z, tau, gamma, c.getSharpness(), out);
      }
      return out;
    }
    g = buffers.get(1, z.rows, z.cols);
    // Only a sparsity penalty needs the gates of units whose ReLU is off (their output is 0
    // whatever the gate, and without the penalty their gradients are 0 too): elsewhere those gates
    // are skipped, as in inference, which halves the exponentials and changes no number.
    boolean allGates = c.getLambda() != 0.0;
    double sum = Kernels.tauGateForward(z, tau, gamma, c.getSharpness(), hard, allGates, g, out);
    layer.setLastPenalty(
        c.getLambda() == 0.0
            ? 0.0
            : c.getLambda() * sum / ((double) z.rows * c.effectiveGatedUnits()));
    return out;
  }

  @Override
  FloatMat backward(FloatMat eps, boolean inputGradient) {
    if (g == null) {
      throw new IllegalStateException("TauGate backward pass without a training forward pass");
    }
    TauGateLayer c = layer.layerConf();
    FloatMat epsOut = buffers.get(2, eps.rows, eps.cols);
    double penaltyGrad = c.getLambda() == 0.0 ? 0.0 : c.getLambda() / c.effectiveGatedUnits();
    Kernels.tauGateBackward(
        in, g, eps, gamma, c.getSharpness(), hard, penaltyGrad, epsOut, tauGrad, gammaGrad);
    return epsOut;
  }

  @Override
  void bindGradients(int index, Gradient grad) {
    Map<String, INDArray> views = gradientViews(layer);
    tauGrad = FloatMat.of(views.get(TauGateLayer.TAU_KEY));
    gammaGrad = FloatMat.of(views.get(TauGateLayer.GAMMA_KEY));
    grad.setGradientFor(index + "_" + TauGateLayer.TAU_KEY, views.get(TauGateLayer.TAU_KEY));
    grad.setGradientFor(index + "_" + TauGateLayer.GAMMA_KEY, views.get(TauGateLayer.GAMMA_KEY));
  }
}
