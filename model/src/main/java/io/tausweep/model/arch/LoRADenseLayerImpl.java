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
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LoRA dense layer itself: forward {@code act(x W + b + (alpha / r) * (x A) B)}, backward with
 * exact gradients for {@code A}, {@code B} and the input, and zero gradients for the frozen {@code
 * W} and {@code b}.
 *
 * <p>Hand-written because SameDiff layers give wrong gradients in DL4J 1.0.0-M2.1, and so that the
 * frozen base costs nothing in backprop: the {@code x^T delta} product for {@code dW} is never
 * computed, and {@code W}/{@code b} are left out of the per-minibatch gradient division.
 */
public class LoRADenseLayerImpl extends BaseLayer<LoRADenseLayer> {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the layer for one network; called by {@link LoRADenseLayer#instantiate}.
   *
   * @param conf this layer's configuration
   * @param dataType the network's parameter data type
   */
  public LoRADenseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray x = checkedInput();
    INDArray xa =
        workspaceMgr.createUninitialized(
            ArrayType.FF_WORKING_MEM, dataType, new long[] {x.size(0), layerConf().getRank()}, 'f');
    INDArray out = preOutput(x, xa, ArrayType.ACTIVATIONS, workspaceMgr);
    return layerConf().getActivationFn().getActivation(out, training);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray x = checkedInput();
    LoRADenseLayer c = layerConf();
    double scale = c.scaling();
    long mb = x.size(0);
    INDArray w = getParam(LoRADenseLayer.WEIGHT_KEY);
    INDArray a = getParam(LoRADenseLayer.LORA_A_KEY);
    INDArray b = getParam(LoRADenseLayer.LORA_B_KEY);

    INDArray xa =
        workspaceMgr.createUninitialized(
            ArrayType.BP_WORKING_MEM, dataType, new long[] {mb, c.getRank()}, 'f');
    INDArray z = preOutput(x, xa, ArrayType.BP_WORKING_MEM, workspaceMgr);
    INDArray delta = c.getActivationFn().backprop(z, epsilon).getFirst();

    INDArray gradA = gradientViews.get(LoRADenseLayer.LORA_A_KEY);
    INDArray gradB = gradientViews.get(LoRADenseLayer.LORA_B_KEY);
    INDArray deltaBt =
        workspaceMgr.createUninitialized(
            ArrayType.BP_WORKING_MEM, dataType, new long[] {mb, c.getRank()}, 'f');
    INDArray epsOut =
        workspaceMgr.createUninitialized(
            ArrayType.ACTIVATION_GRAD, dataType, new long[] {mb, c.getNIn()}, 'f');
    backward(x, xa, delta, w, a, b, scale, deltaBt, gradA, gradB, epsOut);

    INDArray gradW = gradientViews.get(LoRADenseLayer.WEIGHT_KEY);
    INDArray gradBias = gradientViews.get(LoRADenseLayer.BIAS_KEY);
    gradW.assign(0.0);
    gradBias.assign(0.0);

    Gradient ret = new DefaultGradient();
    ret.gradientForVariable().put(LoRADenseLayer.WEIGHT_KEY, gradW);
    ret.gradientForVariable().put(LoRADenseLayer.BIAS_KEY, gradBias);
    ret.gradientForVariable().put(LoRADenseLayer.LORA_A_KEY, gradA);
    ret.gradientForVariable().put(LoRADenseLayer.LORA_B_KEY, gradB);
    epsOut = backpropDropOutIfPresent(epsOut);
    return new Pair<>(ret, epsOut);
  }

  /**
   * {@code z = x W + b + scale * (x A) B} into a new array of the given type; {@code x A} is
   * written to {@code xa} (backprop reuses it for {@code dB}).
   */
  private INDArray preOutput(
      INDArray x, INDArray xa, ArrayType outType, LayerWorkspaceMgr workspaceMgr) {
    LoRADenseLayer c = layerConf();
    INDArray z =
        workspaceMgr.createUninitialized(
            outType, dataType, new long[] {x.size(0), c.getNOut()}, 'f');
    forward(
        x,
        getParam(LoRADenseLayer.WEIGHT_KEY),
        getParam(LoRADenseLayer.BIAS_KEY),
        getParam(LoRADenseLayer.LORA_A_KEY),
        getParam(LoRADenseLayer.LORA_B_KEY),
        c.scaling(),
        xa,
        z);
    return z;
  }

  /**
   * The pre-activation (also the reference for the lean engine's LoRA step): {@code z = x W + b +
   * scale * (x A) B} into z [batch, nOut] and {@code x A} into xa [batch, r], both in 'f' order.
   */
  static void forward(
      INDArray x,
      INDArray w,
      INDArray bias,
      INDArray a,
      INDArray b,
      double scale,
      INDArray xa,
      INDArray z) {
    Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
    z.addiRowVector(bias);
    Nd4j.gemm(x, a, xa, false, false, 1.0, 0.0);
    Nd4j.gemm(xa, b, z, false, false, scale, 1.0);
  }

  /**
   * The backward pass (also the reference for the lean engine's LoRA step), from {@code delta =
   * dL/dz}: {@code dB = scale (xA)^T delta}, {@code dA = scale x^T (delta B^T)}, and unless epsOut
   * is null {@code dL/dx = delta W^T + scale (delta B^T) A^T} (the frozen base's dW is never
   * computed). deltaBt [batch, r] and epsOut [batch, nIn] are 'f' order.
   */
  static void backward(
      INDArray x,
      INDArray xa,
      INDArray delta,
      INDArray w,
      INDArray a,
      INDArray b,
      double scale,
      INDArray deltaBt,
      INDArray gradA,
      INDArray gradB,
      INDArray epsOut) {
    Nd4j.gemm(xa, delta, gradB, true, false, scale, 0.0);
    Nd4j.gemm(delta, b, deltaBt, false, true, 1.0, 0.0);
    Nd4j.gemm(x, deltaBt, gradA, true, false, scale, 0.0);
    if (epsOut != null) {
      Nd4j.gemm(delta, w, epsOut, false, true, 1.0, 0.0);
      Nd4j.gemm(deltaBt, a, epsOut, false, true, scale, 1.0);
    }
  }

  /**
   * The frozen W and b are excluded from the division of gradients by the minibatch size (they are
   * 0).
   */
  @Override
  public boolean updaterDivideByMinibatch(String paramName) {
    return !LoRADenseLayer.FROZEN_KEYS.contains(paramName);
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return true;
  }

  private INDArray checkedInput() {
    if (maskArray != null) {
      throw new UnsupportedOperationException(
          "Cannot apply LoRADenseLayer with a mask array "
              + layerId()
              + " (masks are for time series; this layer is for feed-forward input)");
    }
    INDArray x = input.castTo(dataType);
    long nIn = layerConf().getNIn();
    if (x.rank() != 2 || x.size(1) != nIn) {
      throw new DL4JInvalidInputException(
          "Invalid input to LoRADenseLayer "
              + layerId()
              + ": shape "
              + Arrays.toString(x.shape())
              + " (expected [minibatch, "
              + nIn
              + "]; missing "
              + "preprocessor or wrong nIn?)");
    }
    return x;
  }
}
