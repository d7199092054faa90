package io.tausweep.model.arch;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The TauGate layer itself: forward {@code h = gamma * relu(z) * g} with {@code g = sigmoid(s * (z
 * - tau))} (or {@code 1[z > tau]} when hard), and the exact backward pass for {@code tau}, {@code
 * gamma} and {@code z}. The forward math is {@link TauGateKernel}'s, the lean engine's too.
 *
 * <p>Hand-written because SameDiff layers give wrong gradients in DL4J 1.0.0-M2.1. The sparsity
 * penalty {@code lambda * sum(g) / (B * gatedUnits)} of the last forward pass is reported through
 * {@link #calcRegularizationScore(boolean)}, which is how DL4J adds it to the network score, and
 * its gradient is added in {@link #backpropGradient}. Like DL4J's own layers, gradients are sums
 * over the minibatch (the updater divides by its size); the hard gate has zero derivative, so in
 * hard mode {@code tau} gets a zero gradient.
 */
public class TauGateLayerImpl extends BaseLayer<TauGateLayer> {

  private static final long serialVersionUID = 1L;

  private double lastPenalty;

  /**
   * Creates the layer for one network; called by {@link TauGateLayer#instantiate}.
   *
   * @param conf this layer's configuration
   * @param dataType the network's parameter data type
   */
  public TauGateLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray z = checkedInput();
    TauGateLayer c = layerConf();

    INDArray out =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, z.shape(), 'c');
    INDArray g =
        workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, z.shape(), 'c');
    double gateSum =
        TauGateKernel.forward(
            z,
            getParam(TauGateLayer.TAU_KEY),
            getParam(TauGateLayer.GAMMA_KEY),
            c.getSharpness(),
            c.isHardGate(),
            g,
            out);
    lastPenalty = penalty(c, gateSum, z.size(0));
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray z = checkedInput();
    TauGateLayer c = layerConf();
    INDArray tau = getParam(TauGateLayer.TAU_KEY);
    INDArray gamma = getParam(TauGateLayer.GAMMA_KEY);
    INDArray tauGrad = gradientViews.get(TauGateLayer.TAU_KEY);
    INDArray gammaGrad = gradientViews.get(TauGateLayer.GAMMA_KEY);
    long[] shape = z.shape();

    INDArray g = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, shape, 'c');
    INDArray m = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, shape, 'c');
    INDArray epsOut =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, shape, 'c');
    if (c.isHardGate()) {
      hardBackward(c, z, tau, epsilon, gamma, g, m, epsOut, tauGrad, gammaGrad);
    } else {
      // The forward pass's g, and x = s * (z - tau) for sigmoid'(x), recomputed.
      INDArray x = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, shape, 'c');
      Nd4j.exec(new SubOp(z, tau, x));
      x.muli(c.getSharpness());
      TauGateKernel.gates(z, tau, c.getSharpness(), false, g);
      softBackward(c, z, x, g, epsilon, gamma, m, epsOut, tauGrad, gammaGrad);
    }

    Gradient ret = new DefaultGradient();
    ret.gradientForVariable().put(TauGateLayer.TAU_KEY, tauGrad);
    ret.gradientForVariable().put(TauGateLayer.GAMMA_KEY, gammaGrad);
    epsOut = backpropDropOutIfPresent(epsOut);
    return new Pair<>(ret, epsOut);
  }

  /** {@code lambda * sum(g) / (B * gatedUnits)}, 0 when lambda is 0. */
  private static double penalty(TauGateLayer c, double gateSum, long batch) {
    return c.getLambda() == 0.0
        ? 0.0
        : c.getLambda() * gateSum / ((double) batch * c.effectiveGatedUnits());
  }

  /**
   * The soft backward pass (the lean engine computes the same in float), given the forward pass's
   * {@code x} and {@code g}: writes {@code dL/dz} into epsOut and the (batch-summed) gradients of
   * tau and gamma. Overwrites x, g and the scratch array m.
   */
  static void softBackward(
      TauGateLayer c,
      INDArray z,
      INDArray x,
      INDArray g,
      INDArray epsilon,
      INDArray gamma,
      INDArray m,
      INDArray epsOut,
      INDArray tauGrad,
      INDArray gammaGrad) {
    gammaAndInputGrad(z, g, epsilon, gamma, m, epsOut, gammaGrad);
    // dL/dg = eps * gamma * relu(z) + lambda / gatedUnits (the penalty's per-element gradient, as a
    // sum over the batch like every DL4J gradient; the updater divides by B).
    m.muliRowVector(gamma);
    if (c.getLambda() != 0.0) {
      m.addi(c.getLambda() / c.effectiveGatedUnits());
    }
    // t = dL/dg * dg/dz = dL/dg * s * sigmoid'(x); dg/dtau = -dg/dz.
    Nd4j.exec(new SigmoidDerivative(x, m, x));
    x.muli(c.getSharpness());
    x.sum(tauGrad, 0);
    tauGrad.negi();
    epsOut.addi(x);
  }

  /**
   * The hard backward pass: as {@link #softBackward} with the step gate (written into the scratch
   * array g), whose zero derivative gives tau a zero gradient.
   */
  static void hardBackward(
      TauGateLayer c,
      INDArray z,
      INDArray tau,
      INDArray epsilon,
      INDArray gamma,
      INDArray g,
      INDArray m,
      INDArray epsOut,
      INDArray tauGrad,
      INDArray gammaGrad) {
    TauGateKernel.gates(z, tau, c.getSharpness(), true, g);
    gammaAndInputGrad(z, g, epsilon, gamma, m, epsOut, gammaGrad);
    tauGrad.assign(0.0);
  }

  /**
   * {@code epsOut = gamma * eps * 1[z > 0] * g} and {@code dL/dgamma = sum_b eps * relu(z) * g};
   * leaves {@code m = eps * relu(z)} and overwrites g.
   */
  private static void gammaAndInputGrad(
      INDArray z,
      INDArray g,
      INDArray epsilon,
      INDArray gamma,
      INDArray m,
      INDArray epsOut,
      INDArray gammaGrad) {
    // m = eps * 1[z > 0]; dL/dz through relu(z): gamma * m * g.
    Nd4j.exec(new RectifiedLinearDerivative(z, epsilon, m));
    m.mul(g, epsOut).muliRowVector(gamma);
    // m := eps * relu(z); dL/dgamma = sum_b eps * relu(z) * g (g is not needed afterwards).
    m.muli(z);
    g.muli(m).sum(gammaGrad, 0);
  }

  /**
   * Sets the penalty of the last forward pass when the lean engine ran it instead of {@link
   * #activate}.
   */
  public void setLastPenalty(double penalty) {
    this.lastPenalty = penalty;
  }

  /**
   * The gate of this layer for a pre-activation matrix, with the layer's current {@code tau},
   * sharpness and gate mode: {@code sigmoid(s * (z - tau))}, or {@code 1[z > tau]} when the layer
   * is switched to hard.
   *
   * @param z pre-activations [batch, n] as fed to this layer
   * @return a new array [batch, n] of gate values in [0, 1]
   */
  public INDArray gate(INDArray z) {
    INDArray zz = z.castTo(dataType);
    INDArray out = Nd4j.createUninitializedDetached(dataType, zz.shape());
    TauGateKernel.gates(
        zz,
        getParam(TauGateLayer.TAU_KEY),
        layerConf().getSharpness(),
        layerConf().isHardGate(),
        out);
    return out;
  }

  /**
   * The sparsity penalty {@code lambda * sum(g) / (B * gatedUnits)} of the last forward pass (0
   * when lambda is 0 or before the first pass).
   *
   * @return this layer's share of {@code lambda * mean(gate)}
   */
  public double lastPenalty() {
    return lastPenalty;
  }

  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    return super.calcRegularizationScore(backpropParamsOnly) + lastPenalty;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return false;
  }

  private INDArray checkedInput() {
    if (maskArray != null) {
      throw new UnsupportedOperationException(
          "Cannot apply TauGateLayer with a mask array "
              + layerId()
              + " (masks are for time series; TauGate is for feed-forward input)");
    }
    INDArray z = input.castTo(dataType);
    long n = layerConf().getNOut();
    if (z.rank() != 2 || z.size(1) != n) {
      throw new DL4JInvalidInputException(
          "Invalid input to TauGateLayer "
              + layerId()
              + ": shape "
              + Arrays.toString(z.shape())
              + " (expected [minibatch, "
              + n
              + "], the pre-activation of "
              + "the gated layer)");
    }
    return z;
  }
}
