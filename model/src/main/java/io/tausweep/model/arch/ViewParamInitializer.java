package io.tausweep.model.arch;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What the initializers of this package's layers share: a fixed list of parameter keys laid out in
 * order in the layer's slice of the network's flat parameter vector, the same layout for gradients,
 * a length check, and which keys count as weights (none is a bias). A subclass says how long the
 * slice is, how it splits into named views, and what the views start as.
 */
abstract class ViewParamInitializer<L extends Layer> implements ParamInitializer {
  private final Class<L> type;
  private final List<String> keys;
  private final List<String> weightKeys;

  ViewParamInitializer(Class<L> type, List<String> keys, List<String> weightKeys) {
    this.type = type;
    this.keys = keys;
    this.weightKeys = weightKeys;
  }

  /** The slice's length for {@code layer}. */
  abstract long length(L layer);

  /** How {@link #length} is computed, for the error of a view of the wrong length. */
  abstract String lengthFormula();

  /** The named views of {@code view} (a parameter or gradient slice), in key order. */
  abstract Map<String, INDArray> split(INDArray view, L layer);

  /** Sets the initial values of a fresh layer's parameters. */
  abstract void initialize(Map<String, INDArray> params, L layer);

  @Override
  public final long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public final long numParams(Layer layer) {
    return length(type.cast(layer));
  }

  @Override
  public final List<String> paramKeys(Layer layer) {
    return keys;
  }

  @Override
  public final List<String> weightKeys(Layer layer) {
    return weightKeys;
  }

  @Override
  public final List<String> biasKeys(Layer layer) {
    return Collections.emptyList();
  }

  @Override
  public final boolean isWeightParam(Layer layer, String key) {
    return weightKeys.contains(key);
  }

  @Override
  public final boolean isBiasParam(Layer layer, String key) {
    return false;
  }

  @Override
  public final Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    L layer = type.cast(conf.getLayer());
    long expected = length(layer);
    if (paramsView.length() != expected) {
      throw new IllegalStateException(
          "Cannot initialise "
              + type.getSimpleName()
              + " parameters: view has length "
              + paramsView.length()
              + ", expected "
              + expected
              + " ("
              + lengthFormula()
              + ")");
    }
    Map<String, INDArray> params = split(paramsView, layer);
    if (initializeParams) {
      initialize(params, layer);
    }
    for (String key : keys) {
      conf.addVariable(key);
    }
    return Collections.synchronizedMap(params);
  }

  @Override
  public final Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return split(gradientView, type.cast(conf.getLayer()));
  }

  /** Elements {@code [offset, offset + rows * cols)} of {@code flat} as a rows x cols view. */
  static INDArray slice(INDArray flat, long offset, long rows, long cols, char order) {
    return flat.get(NDArrayIndex.interval(offset, offset + rows * cols)).reshape(order, rows, cols);
  }
}
