package io.tausweep.model.arch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Lays out a {@link LoRADenseLayer}'s parameters in its slice of the network's flat parameter
 * vector: {@code W} [nIn, nOut], {@code b} [1, nOut], {@code A} [nIn, r], {@code B} [r, nOut],
 * matrices in 'f' order as DL4J's dense layers keep them.
 *
 * <p>DL4J needs one initializer per layer type; this one also decides that only {@code A} and
 * {@code B} are "weights" (so regularization and constraints reach only them) and none is a "bias".
 */
public final class LoRADenseParamInitializer implements ParamInitializer {

  private static final LoRADenseParamInitializer INSTANCE = new LoRADenseParamInitializer();
  private static final List<String> KEYS =
      List.of(
          LoRADenseLayer.WEIGHT_KEY,
          LoRADenseLayer.BIAS_KEY,
          LoRADenseLayer.LORA_A_KEY,
          LoRADenseLayer.LORA_B_KEY);
  private static final List<String> TRAINABLE_KEYS =
      List.of(LoRADenseLayer.LORA_A_KEY, LoRADenseLayer.LORA_B_KEY);

  private LoRADenseParamInitializer() {}

  /**
   * @return the shared, stateless instance
   */
  public static LoRADenseParamInitializer getInstance() {
    return INSTANCE;
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    LoRADenseLayer l = (LoRADenseLayer) layer;
    return l.getNIn() * l.getNOut() + l.getNOut() + l.numTrainableParams();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return KEYS;
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return TRAINABLE_KEYS;
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return Collections.emptyList();
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return TRAINABLE_KEYS.contains(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return false;
  }

  @Override
  public Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    LoRADenseLayer layer = (LoRADenseLayer) conf.getLayer();
    long expected = numParams(layer);
    if (paramsView.length() != expected) {
      throw new IllegalStateException(
          "Cannot initialise LoRADenseLayer parameters: view has length "
              + paramsView.length()
              + ", expected "
              + expected
              + " (nIn*nOut + nOut + rank*(nIn+nOut))");
    }
    Map<String, INDArray> params = split(paramsView, layer);
    if (initializeParams) {
      double bound = 1.0 / Math.sqrt(layer.getNIn());
      for (String key :
          List.of(LoRADenseLayer.WEIGHT_KEY, LoRADenseLayer.BIAS_KEY, LoRADenseLayer.LORA_A_KEY)) {
        INDArray p = params.get(key);
        Nd4j.getExecutioner().exec(new UniformDistribution(p, -bound, bound), Nd4j.getRandom());
      }
      params.get(LoRADenseLayer.LORA_B_KEY).assign(0.0);
    }
    for (String key : KEYS) {
      conf.addVariable(key);
    }
    return Collections.synchronizedMap(params);
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return split(gradientView, (LoRADenseLayer) conf.getLayer());
  }

  private static Map<String, INDArray> split(INDArray view, LoRADenseLayer layer) {
    long nIn = layer.getNIn();
    long nOut = layer.getNOut();
    long r = layer.getRank();
    INDArray flat = view.reshape(view.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    long offset = 0;
    out.put(LoRADenseLayer.WEIGHT_KEY, slice(flat, offset, nIn, nOut));
    offset += nIn * nOut;
    out.put(
        LoRADenseLayer.BIAS_KEY,
        flat.get(NDArrayIndex.interval(offset, offset + nOut)).reshape(1, nOut));
    offset += nOut;
    out.put(LoRADenseLayer.LORA_A_KEY, slice(flat, offset, nIn, r));
    offset += nIn * r;
    out.put(LoRADenseLayer.LORA_B_KEY, slice(flat, offset, r, nOut));
    return out;
  }

  private static INDArray slice(INDArray flat, long offset, long rows, long cols) {
    return flat.get(NDArrayIndex.interval(offset, offset + rows * cols)).reshape('f', rows, cols);
  }
}
