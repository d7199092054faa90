package io.tausweep.model.arch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lays out a {@link LoRADenseLayer}'s parameters in its slice of the network's flat parameter
 * vector: {@code W} [nIn, nOut], {@code b} [1, nOut], {@code A} [nIn, r], {@code B} [r, nOut],
 * matrices in 'f' order as DL4J's dense layers keep them.
 *
 * <p>DL4J needs one initializer per layer type; this one also decides that only {@code A} and
 * {@code B} are "weights" (so regularization and constraints reach only them) and none is a "bias".
 */
public final class LoRADenseParamInitializer extends ViewParamInitializer<LoRADenseLayer> {

  private static final LoRADenseParamInitializer INSTANCE = new LoRADenseParamInitializer();

  private LoRADenseParamInitializer() {
    super(
        LoRADenseLayer.class,
        List.of(
            LoRADenseLayer.WEIGHT_KEY,
            LoRADenseLayer.BIAS_KEY,
            LoRADenseLayer.LORA_A_KEY,
            LoRADenseLayer.LORA_B_KEY),
        List.of(LoRADenseLayer.LORA_A_KEY, LoRADenseLayer.LORA_B_KEY));
  }

  /**
   * @return the shared, stateless instance
   */
  public static LoRADenseParamInitializer getInstance() {
    return INSTANCE;
  }

  @Override
  long length(LoRADenseLayer l) {
    return l.getNIn() * l.getNOut() + l.getNOut() + l.numTrainableParams();
  }

  @Override
  String lengthFormula() {
    return "nIn*nOut + nOut + rank*(nIn+nOut)";
  }

  @Override
  void initialize(Map<String, INDArray> params, LoRADenseLayer layer) {
    double bound = 1.0 / Math.sqrt(layer.getNIn());
    for (String key :
        List.of(LoRADenseLayer.WEIGHT_KEY, LoRADenseLayer.BIAS_KEY, LoRADenseLayer.LORA_A_KEY)) {
      INDArray p = params.get(key);
      Nd4j.getExecutioner().exec(new UniformDistribution(p, -bound, bound), Nd4j.getRandom());
    }
    params.get(LoRADenseLayer.LORA_B_KEY).assign(0.0);
  }

  @Override
  Map<String, INDArray> split(INDArray view, LoRADenseLayer layer) {
    long nIn = layer.getNIn();
    long nOut = layer.getNOut();
    long r = layer.getRank();
    INDArray flat = view.reshape(view.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    long offset = 0;
    out.put(LoRADenseLayer.WEIGHT_KEY, slice(flat, offset, nIn, nOut, 'f'));
    offset += nIn * nOut;
    out.put(LoRADenseLayer.BIAS_KEY, slice(flat, offset, 1, nOut, 'c'));
    offset += nOut;
    out.put(LoRADenseLayer.LORA_A_KEY, slice(flat, offset, nIn, r, 'f'));
    offset += nIn * r;
    out.put(LoRADenseLayer.LORA_B_KEY, slice(flat, offset, r, nOut, 'f'));
    return out;
  }
}
