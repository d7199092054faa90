package io.tausweep.model.arch;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Configuration of a LoRA dense layer: {@code act(x W + b + (alpha / r) * (x A) B)} with a frozen
 * pretrained {@code W} [nIn, nOut] and {@code b} [1, nOut] and a trainable low-rank update {@code
 * A} [nIn, r], {@code B} [r, nOut], as in loralib and Hugging Face PEFT.
 *
 * <p>It exists so LoRA is one hand-written layer with an explicit backward pass (SameDiff layers
 * give wrong gradients in DL4J 1.0.0-M2.1) that never computes the gradient of {@code W}. The
 * freeze is built in: {@code W} and {@code b} always get zero gradients, the {@link NoOp} updater
 * (no updater state, whatever the network's updater), no regularization and no constraints, so they
 * stay bit-identical under training; only {@code A} and {@code B} count as weights for l1/l2/weight
 * decay and weight constraints.
 *
 * <p>Usage: {@code new LoRADenseLayer.Builder().nIn(784).nOut(128).rank(8).alpha(16)
 * .activation(Activation.RELU).build()}. Initialisation (from ND4J's RNG; the configured weight
 * init is not used): {@code W}, {@code b} and {@code A} uniform in +-1/sqrt(nIn) (PyTorch {@code
 * nn.Linear} and kaiming-uniform with a = sqrt(5)), {@code B} zero, so the layer starts equal to
 * its base layer. Callers copy the pretrained {@code W}, {@code b} in with {@code setParam}.
 */
public class LoRADenseLayer extends FeedForwardLayer {

  private static final long serialVersionUID = 1L;

  /** Parameter key of the frozen base weight matrix, shape [nIn, nOut]. */
  public static final String WEIGHT_KEY = "W";

  /** Parameter key of the frozen base bias, shape [1, nOut]. */
  public static final String BIAS_KEY = "b";

  /** Parameter key of the trainable down-projection, shape [nIn, rank]. */
  public static final String LORA_A_KEY = "A";

  /** Parameter key of the trainable up-projection, shape [rank, nOut]. */
  public static final String LORA_B_KEY = "B";

  /** Parameter keys that never change under training. */
  public static final Set<String> FROZEN_KEYS = Set.of(WEIGHT_KEY, BIAS_KEY);

  /** Default LoRA rank r. */
  public static final int DEFAULT_RANK = 8;

  /** Default LoRA alpha; the update is scaled by alpha / r. */
  public static final double DEFAULT_ALPHA = 16.0;

  private static final IUpdater FROZEN_UPDATER = new NoOp();

  private int rank = DEFAULT_RANK;
  private double alpha = DEFAULT_ALPHA;

  /** For JSON deserialization; use {@link Builder}. */
  public LoRADenseLayer() {}

  private LoRADenseLayer(Builder builder) {
    super(builder);
    this.rank = builder.rank;
    this.alpha = builder.alpha;
    validateHyperparameters();
    initializeConstraints(builder);
    if (constraints != null) {
      // constrainAllParameters(...) would otherwise reach the frozen W and b.
      for (LayerConstraint c : constraints) {
        Set<String> keys = new HashSet<>(c.getParams());
        keys.removeAll(FROZEN_KEYS);
        c.setParams(keys);
      }
    }
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
        "LoRADenseLayer", getLayerName(), layerIndex, getNIn(), getNOut());
    validateHyperparameters();

    LoRADenseLayerImpl ret = new LoRADenseLayerImpl(conf, networkDataType);
    ret.setListeners(trainingListeners);
    ret.setIndex(layerIndex);
    ret.setParamsViewArray(layerParamsView);
    Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
    ret.setParamTable(paramTable);
    ret.setConf(conf);
    return ret;
  }

  private void validateHyperparameters() {
    if (rank < 1) {
      throw new IllegalArgumentException(
          "Invalid LoRADenseLayer rank: "
              + rank
              + " (must be >= 1; the default is "
              + DEFAULT_RANK
              + ")");
    }
    if (!Double.isFinite(alpha) || alpha <= 0) {
      throw new IllegalArgumentException(
          "Invalid LoRADenseLayer alpha: "
              + alpha
              + " (must be finite and > 0; the update is scaled by alpha / rank, default "
              + DEFAULT_ALPHA
              + ")");
    }
  }

  @Override
  public ParamInitializer initializer() {
    return LoRADenseParamInitializer.getInstance();
  }

  /**
   * {@code W} and {@code b} get the {@link NoOp} updater; {@code A} and {@code B} the configured
   * one.
   */
  @Override
  public IUpdater getUpdaterByParam(String paramName) {
    return FROZEN_KEYS.contains(paramName) ? FROZEN_UPDATER : super.getUpdaterByParam(paramName);
  }

  /**
   * No regularization on {@code W} and {@code b}; {@code A} and {@code B} take the weight
   * regularization.
   */
  @Override
  public List<Regularization> getRegularizationByParam(String paramName) {
    return FROZEN_KEYS.contains(paramName)
        ? Collections.emptyList()
        : super.getRegularizationByParam(paramName);
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    InputType outputType = getOutputType(-1, inputType);
    long numParams = initializer().numParams(this);
    long updaterStateSize =
        getIUpdater() == null ? 0 : getIUpdater().stateSize(numTrainableParams());
    long perExample = outputType.arrayElementsPerExample() + 2L * rank;
    return new LayerMemoryReport.Builder(layerName, LoRADenseLayer.class, inputType, outputType)
        .standardMemory(numParams, updaterStateSize)
        .workingMemory(0, rank, 0, perExample)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }

  /**
   * @return the scale {@code alpha / rank} of the low-rank update
   */
  public double scaling() {
    return alpha / rank;
  }

  /**
   * @return the number of trainable parameters, {@code rank * (nIn + nOut)} (A and B)
   */
  public long numTrainableParams() {
    return (long) rank * (nIn + nOut);
  }

  /**
   * @return the LoRA rank r
   */
  public int getRank() {
    return rank;
  }

  /**
   * @param rank the LoRA rank r, &gt;= 1
   */
  public void setRank(int rank) {
    this.rank = rank;
  }

  /**
   * @return LoRA alpha; the update is scaled by alpha / rank
   */
  public double getAlpha() {
    return alpha;
  }

  /**
   * @param alpha LoRA alpha, &gt; 0
   */
  public void setAlpha(double alpha) {
    this.alpha = alpha;
  }

  @Override
  public LoRADenseLayer clone() {
    return (LoRADenseLayer) super.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof LoRADenseLayer other) || !super.equals(o)) {
      return false;
    }
    return rank == other.rank && Double.compare(alpha, other.alpha) == 0;
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof LoRADenseLayer;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), rank, alpha);
  }

  @Override
  public String toString() {
    return "LoRADenseLayer(name="
        + layerName
        + ", nIn="
        + nIn
        + ", nOut="
        + nOut
        + ", rank="
        + rank
        + ", alpha="
        + alpha
        + ", activation="
        + activationFn
        + ")";
  }

  /**
   * Builder of {@link LoRADenseLayer}: nIn, nOut and the activation as for a DL4J dense layer, plus
   * {@link #rank(int)} (default 8) and {@link #alpha(double)} (default 16).
   */
  public static class Builder extends FeedForwardLayer.Builder<Builder> {

    private int rank = DEFAULT_RANK;
    private double alpha = DEFAULT_ALPHA;

    /** Sets the LoRA rank r (default 8). */
    public Builder rank(int rank) {
      this.rank = rank;
      return this;
    }

    /** Sets LoRA alpha (default 16); the update is scaled by alpha / rank. */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public LoRADenseLayer build() {
      return new LoRADenseLayer(this);
    }
  }
}
