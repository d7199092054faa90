package io.tausweep.model.arch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Lays out a {@link TauGateLayer}'s parameters in its slice of the network's flat parameter vector:
 * {@code tau} [1, n] then {@code gamma} [1, n], initialised to the configured constants.
 *
 * <p>DL4J needs one initializer per layer type to create parameter and gradient views; neither
 * parameter is reported as a weight or a bias, so global l1/l2/weight decay, constraints and the
 * bias updater leave them alone (an l2 pull of {@code gamma} towards 0 would fight its identity
 * value 1).
 */
public final class TauGateParamInitializer implements ParamInitializer {

  private static final TauGateParamInitializer INSTANCE = new TauGateParamInitializer();
  private static final List<String> KEYS = List.of(TauGateLayer.TAU_KEY, TauGateLayer.GAMMA_KEY);

  private TauGateParamInitializer() {}

  /**
   * @return the shared, stateless instance
   */
  public static TauGateParamInitializer getInstance() {
    return INSTANCE;
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    return 2 * ((TauGateLayer) layer).getNOut();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return KEYS;
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return Collections.emptyList();
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return Collections.emptyList();
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return false;
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return false;
  }

  @Override
  public Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    TauGateLayer layer = (TauGateLayer) conf.getLayer();
    long expected = numParams(layer);
    if (paramsView.length() != expected) {
      throw new IllegalStateException(
          "Cannot initialise TauGateLayer parameters: view has length "
              + paramsView.length()
              + ", expected "
              + expected
              + " (2 * nOut)");
    }
    Map<String, INDArray> params = split(paramsView, layer.getNOut());
    if (initializeParams) {
      params.get(TauGateLayer.TAU_KEY).assign(layer.getTauInit());
      params.get(TauGateLayer.GAMMA_KEY).assign(layer.getGammaInit());
    }
    for (String key : KEYS) {
      conf.addVariable(key);
    }
    return Collections.synchronizedMap(params);
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return split(gradientView, ((TauGateLayer) conf.getLayer()).getNOut());
  }

  private static Map<String, INDArray> split(INDArray view, long n) {
    INDArray flat = view.reshape(view.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(TauGateLayer.TAU_KEY, flat.get(NDArrayIndex.interval(0, n)).reshape(1, n));
    out.put(TauGateLayer.GAMMA_KEY, flat.get(NDArrayIndex.interval(n, 2 * n)).reshape(1, n));
    return out;
  }
}
