package io.tausweep.model.arch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lays out a {@link TauGateLayer}'s parameters in its slice of the network's flat parameter vector:
 * {@code tau} [1, n] then {@code gamma} [1, n], initialised to the configured constants.
 *
 * <p>DL4J needs one initializer per layer type to create parameter and gradient views; neither
 * parameter is reported as a weight or a bias, so global l1/l2/weight decay, constraints and the
 * bias updater leave them alone (an l2 pull of {@code gamma} towards 0 would fight its identity
 * value 1).
 */
public final class TauGateParamInitializer extends ViewParamInitializer<TauGateLayer> {

  private static final TauGateParamInitializer INSTANCE = new TauGateParamInitializer();

  private TauGateParamInitializer() {
    super(TauGateLayer.class, List.of(TauGateLayer.TAU_KEY, TauGateLayer.GAMMA_KEY), List.of());
  }

  /**
   * @return the shared, stateless instance
   */
  public static TauGateParamInitializer getInstance() {
    return INSTANCE;
  }

  @Override
  long length(TauGateLayer layer) {
    return 2 * layer.getNOut();
  }

  @Override
  String lengthFormula() {
    return "2 * nOut";
  }

  @Override
  void initialize(Map<String, INDArray> params, TauGateLayer layer) {
    params.get(TauGateLayer.TAU_KEY).assign(layer.getTauInit());
    params.get(TauGateLayer.GAMMA_KEY).assign(layer.getGammaInit());
  }

  @Override
  Map<String, INDArray> split(INDArray view, TauGateLayer layer) {
    long n = layer.getNOut();
    INDArray flat = view.reshape(view.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(TauGateLayer.TAU_KEY, slice(flat, 0, 1, n, 'c'));
    out.put(TauGateLayer.GAMMA_KEY, slice(flat, n, 1, n, 'c'));
    return out;
  }
}
