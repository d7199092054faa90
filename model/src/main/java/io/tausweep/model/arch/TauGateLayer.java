package io.tausweep.model.arch;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a TauGate layer: {@code h = gamma * relu(z) * sigmoid(s * (z - tau))} on the
 * frozen pre-activation {@code z} of a hidden layer, with a per-unit threshold {@code tau} and
 * scale {@code gamma} as its only (2n) trainable parameters.
 *
 * <p>It exists because TauGate is an activation-space PEFT method that DL4J has no layer for, and
 * SameDiff custom layers compute wrong gradients in 1.0.0-M2.1; the implementation ({@link
 * TauGateLayerImpl}) is hand-written with an explicit backward pass. The sparsity penalty {@code
 * lambda * mean(gate)}, averaged over the batch and over {@link #getGatedUnits() gatedUnits} units
 * of the whole network, is added to the network score and gradient by the layer itself.
 *
 * <p>Usage: {@code new TauGateLayer.Builder().units(128).lambda(1e-3).gatedUnits(256).build()}; nIn
 * may also come from the previous layer's input type. The layer's activation is fixed (identity,
 * the relu and gate are part of the layer); l1/l2/weight decay, the bias updater and weight init of
 * the configuration do not apply to {@code tau} and {@code gamma}, which start at {@link
 * #getTauInit() tauInit} and {@link #getGammaInit() gammaInit}.
 */
public class TauGateLayer extends FeedForwardLayer {

  private static final long serialVersionUID = 1L;

  /** Parameter key of the per-unit threshold, shape [1, n]. */
  public static final String TAU_KEY = "tau";

  /** Parameter key of the per-unit output scale, shape [1, n]. */
  public static final String GAMMA_KEY = "gamma";

  /**
   * Default initial threshold: slightly negative, so the gate starts mostly open on positive units.
   */
  public static final double DEFAULT_TAU_INIT = -0.1;

  /** Default initial scale: the identity scale. */
  public static final double DEFAULT_GAMMA_INIT = 1.0;

  /** Default gate sharpness {@code s} of {@code sigmoid(s * (z - tau))}. */
  public static final double DEFAULT_SHARPNESS = 5.0;

  /** Default weight of the mean-gate sparsity penalty (off). */
  public static final double DEFAULT_LAMBDA = 0.0;

  /** Default gatedUnits: 0, meaning "this layer's nOut". */
  public static final long DEFAULT_GATED_UNITS = 0L;

  private double tauInit = DEFAULT_TAU_INIT;
  private double gammaInit = DEFAULT_GAMMA_INIT;
  private double sharpness = DEFAULT_SHARPNESS;
  private double lambda = DEFAULT_LAMBDA;
  private long gatedUnits = DEFAULT_GATED_UNITS;
  private boolean hardGate;

  /** For JSON deserialization; use {@link Builder}. */
  public TauGateLayer() {
    this.activationFn = new ActivationIdentity();
  }

  private TauGateLayer(Builder builder) {
    super(builder);
    this.tauInit = builder.tauInit;
    this.gammaInit = builder.gammaInit;
    this.sharpness = builder.sharpness;
    this.lambda = builder.lambda;
    this.gatedUnits = builder.gatedUnits;
    this.hardGate = builder.hardGate;
    if (nIn <= 0) {
      nIn = nOut;
    } else if (nOut <= 0) {
      nOut = nIn;
    }
    validateHyperparameters();
    initializeConstraints(builder);
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> trainingListeners,
      int layerIndex,
      INDArray layerParamsView,
      boolean initializeParams,
      DataType networkDataType) {
    LayerValidation.assertNInNOutSet(
        "TauGateLayer", getLayerName(), layerIndex, getNIn(), getNOut());
    if (nIn != nOut) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid TauGateLayer (layer %d, \"%s\") nIn/nOut: %d/%d (a TauGate gates its input "
                  + "unit-wise, so nIn must equal nOut)",
              layerIndex, getLayerName(), nIn, nOut));
    }
    validateHyperparameters();

    TauGateLayerImpl ret = new TauGateLayerImpl(conf, networkDataType);
    ret.setListeners(trainingListeners);
    ret.setIndex(layerIndex);
    ret.setParamsViewArray(layerParamsView);
    Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
    ret.setParamTable(paramTable);
    ret.setConf(conf);
    return ret;
  }

  private void validateHyperparameters() {
    if (!(sharpness > 0) || Double.isInfinite(sharpness)) {
      throw new IllegalArgumentException(
          "Invalid TauGateLayer sharpness: "
              + sharpness
              + " (must be finite and > 0; the default is "
              + DEFAULT_SHARPNESS
              + ")");
    }
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException(
          "Invalid TauGateLayer lambda: "
              + lambda
              + " (the sparsity weight must be finite and >= 0; use 0 to switch the penalty off)");
    }
    if (gatedUnits < 0 || (gatedUnits > 0 && nOut > 0 && gatedUnits < nOut)) {
      throw new IllegalArgumentException(
          "Invalid TauGateLayer gatedUnits: "
              + gatedUnits
              + " (must be 0 for this layer's nOut, or the total number of gated units of the network, "
              + "at least nOut = "
              + nOut
              + ")");
    }
    if (!Double.isFinite(tauInit) || !Double.isFinite(gammaInit)) {
      throw new IllegalArgumentException(
          "Invalid TauGateLayer tauInit/gammaInit: "
              + tauInit
              + "/"
              + gammaInit
              + " (both must be finite)");
    }
    if (activationFn != null && !(activationFn instanceof ActivationIdentity)) {
      throw new IllegalArgumentException(
          "Invalid TauGateLayer activation: "
              + activationFn
              + " (the layer applies its own relu and gate; leave the activation unset or identity)");
    }
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    super.setNIn(inputType, override);
    if (nOut <= 0) {
      nOut = nIn;
    }
  }

  @Override
  public ParamInitializer initializer() {
    return TauGateParamInitializer.getInstance();
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    InputType outputType = getOutputType(-1, inputType);
    long numParams = initializer().numParams(this);
    long updaterStateSize = getIUpdater() == null ? 0 : getIUpdater().stateSize(numParams);
    // Forward: gate array (becomes the output); backward: three working arrays of the output size.
    return new LayerMemoryReport.Builder(layerName, TauGateLayer.class, inputType, outputType)
        .standardMemory(numParams, updaterStateSize)
        .workingMemory(0, 0, 0, 3 * outputType.arrayElementsPerExample())
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }

  /**
   * The number of units the sparsity penalty is averaged over: {@link #getGatedUnits()} if set,
   * else nOut.
   *
   * @return the divisor (besides the minibatch size) of the summed gate values
   */
  public long effectiveGatedUnits() {
    return gatedUnits > 0 ? gatedUnits : nOut;
  }

  /**
   * @return initial value of every {@code tau}
   */
  public double getTauInit() {
    return tauInit;
  }

  /**
   * @param tauInit initial value of every {@code tau}
   */
  public void setTauInit(double tauInit) {
    this.tauInit = tauInit;
  }

  /**
   * @return initial value of every {@code gamma}
   */
  public double getGammaInit() {
    return gammaInit;
  }

  /**
   * @param gammaInit initial value of every {@code gamma}
   */
  public void setGammaInit(double gammaInit) {
    this.gammaInit = gammaInit;
  }

  /**
   * @return the gate sharpness {@code s}
   */
  public double getSharpness() {
    return sharpness;
  }

  /**
   * @param sharpness the gate sharpness {@code s}, &gt; 0
   */
  public void setSharpness(double sharpness) {
    this.sharpness = sharpness;
  }

  /**
   * @return the weight of the mean-gate sparsity penalty
   */
  public double getLambda() {
    return lambda;
  }

  /**
   * @param lambda the weight of the mean-gate sparsity penalty, &gt;= 0
   */
  public void setLambda(double lambda) {
    this.lambda = lambda;
  }

  /**
   * @return the configured number of units the penalty is averaged over (0: this layer's nOut)
   */
  public long getGatedUnits() {
    return gatedUnits;
  }

  /**
   * @param gatedUnits total gated units of the network the penalty is averaged over (0: nOut)
   */
  public void setGatedUnits(long gatedUnits) {
    this.gatedUnits = gatedUnits;
  }

  /**
   * @return true if the gate is the step {@code 1[z > tau]} instead of the sigmoid
   */
  public boolean isHardGate() {
    return hardGate;
  }

  /**
   * Switches between the soft (training) and the hard (evaluation) gate. Mutating this on a live
   * network's configuration takes effect on the next forward pass; see {@link TauGates#setHard}.
   *
   * @param hardGate true for {@code 1[z > tau]}, false for {@code sigmoid(s * (z - tau))}
   */
  public void setHardGate(boolean hardGate) {
    this.hardGate = hardGate;
  }

  @Override
  public TauGateLayer clone() {
    return (TauGateLayer) super.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof TauGateLayer other) || !super.equals(o)) {
      return false;
    }
    return Double.compare(tauInit, other.tauInit) == 0
        && Double.compare(gammaInit, other.gammaInit) == 0
        && Double.compare(sharpness, other.sharpness) == 0
        && Double.compare(lambda, other.lambda) == 0
        && gatedUnits == other.gatedUnits
        && hardGate == other.hardGate;
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof TauGateLayer;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        super.hashCode(), tauInit, gammaInit, sharpness, lambda, gatedUnits, hardGate);
  }

  @Override
  public String toString() {
    return "TauGateLayer(name="
        + layerName
        + ", nIn="
        + nIn
        + ", nOut="
        + nOut
        + ", tauInit="
        + tauInit
        + ", gammaInit="
        + gammaInit
        + ", sharpness="
        + sharpness
        + ", lambda="
        + lambda
        + ", gatedUnits="
        + gatedUnits
        + ", hardGate="
        + hardGate
        + ")";
  }

  /**
   * Builder of {@link TauGateLayer}; every hyperparameter defaults to the {@code DEFAULT_*}
   * constant of the layer, and {@link #units(int)} sets nIn and nOut together.
   */
  public static class Builder extends FeedForwardLayer.Builder<Builder> {

    private double tauInit = DEFAULT_TAU_INIT;
    private double gammaInit = DEFAULT_GAMMA_INIT;
    private double sharpness = DEFAULT_SHARPNESS;
    private double lambda = DEFAULT_LAMBDA;
    private long gatedUnits = DEFAULT_GATED_UNITS;
    private boolean hardGate;

    /** A builder with all defaults and an identity activation (the layer applies its own relu). */
    public Builder() {
      this.activationFn = new ActivationIdentity();
    }

    /**
     * Sets the width n of the gated layer: nIn = nOut = n.
     *
     * @param units number of gated units
     * @return this builder
     */
    @Override
    public Builder units(int units) {
      setNIn(units);
      setNOut(units);
      return this;
    }

    /** Sets the initial threshold of every unit (default -0.1). */
    public Builder tauInit(double tauInit) {
      this.tauInit = tauInit;
      return this;
    }

    /** Sets the initial scale of every unit (default 1.0). */
    public Builder gammaInit(double gammaInit) {
      this.gammaInit = gammaInit;
      return this;
    }

    /** Sets the gate sharpness s (default 5.0, must be &gt; 0). */
    public Builder sharpness(double sharpness) {
      this.sharpness = sharpness;
      return this;
    }

    /** Sets the weight of the mean-gate sparsity penalty (default 0, must be &gt;= 0). */
    public Builder lambda(double lambda) {
      this.lambda = lambda;
      return this;
    }

    /**
     * @param gatedUnits total number of gated units in the network the penalty is averaged over
     *     (default: this layer's nOut)
     * @return this builder
     */
    public Builder gatedUnits(long gatedUnits) {
      this.gatedUnits = gatedUnits;
      return this;
    }

    /** Uses the step gate {@code 1[z > tau]} instead of the sigmoid (default false). */
    public Builder hardGate(boolean hardGate) {
      this.hardGate = hardGate;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public TauGateLayer build() {
      return new TauGateLayer(this);
    }
  }
}
