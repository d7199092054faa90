package io.tausweep.model.arch;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Static helpers around TauGate layers: the gate function itself, the high-activation fraction, and
 * the switch of a trained network's TauGate layers between soft and hard gating.
 *
 * <p>Evaluation code measures sparsity and hard-gate accuracy on networks it did not build, so
 * these work from plain arrays or from a {@link MultiLayerNetwork}/{@link ComputationGraph},
 * without knowing layer indices.
 */
public final class TauGates {

  private TauGates() {}

  /**
   * The soft gate {@code sigmoid(s * (z - tau))}.
   *
   * @param z pre-activations [batch, n]
   * @param tau thresholds [1, n] (e.g. {@code layer.getParam(TauGateLayer.TAU_KEY)})
   * @param sharpness the gate sharpness s
   * @return a new array [batch, n], in z's data type
   */
  public static INDArray softGate(INDArray z, INDArray tau, double sharpness) {
    INDArray out = Nd4j.createUninitializedDetached(z.dataType(), z.shape());
    TauGateKernel.gates(z, tau.castTo(z.dataType()), sharpness, false, out);
    return out;
  }

  /**
   * The hard gate {@code 1[z > tau]} (strictly greater), the limit of the soft gate as s grows.
   *
   * @param z pre-activations [batch, n]
   * @param tau thresholds [1, n]
   * @return a new array [batch, n] of 0s and 1s, in z's data type
   */
  public static INDArray hardGate(INDArray z, INDArray tau) {
    INDArray out = Nd4j.createUninitializedDetached(z.dataType(), z.shape());
    TauGateKernel.gates(z, tau.castTo(z.dataType()), 1.0, true, out);
    return out;
  }

  /**
   * The high-activation fraction: the share of (example, unit) pairs whose soft gate exceeds 0.5,
   * i.e. with {@code z > tau}; it does not depend on the sharpness.
   *
   * @param z pre-activations [batch, n]
   * @param tau thresholds [1, n]
   * @return the fraction in [0, 1]
   */
  public static double highActivationFraction(INDArray z, INDArray tau) {
    return hardGate(z, tau).meanNumber().doubleValue();
  }

  /**
   * Switches every TauGate layer of a network (also inside wrapper layers such as {@code
   * FrozenLayerWithBackprop}) to the hard gate {@code 1[z > tau]} or back to the soft gate.
   *
   * <p>This mutates each layer's configuration object, which the network shares with its {@code
   * MultiLayerConfiguration}: it takes effect on the next forward pass, and a network saved while
   * hard stays hard when restored. Switch back before further training (the hard gate gives {@code
   * tau} no gradient).
   *
   * @param net the network
   * @param hard true for the hard gate, false for the soft gate
   * @return the number of TauGate layers switched
   */
  public static int setHard(MultiLayerNetwork net, boolean hard) {
    return setHard(net.getLayers(), hard);
  }

  /**
   * As {@link #setHard(MultiLayerNetwork, boolean)}, for a computation graph.
   *
   * @param graph the network
   * @param hard true for the hard gate, false for the soft gate
   * @return the number of TauGate layers switched
   */
  public static int setHard(ComputationGraph graph, boolean hard) {
    return setHard(graph.getLayers(), hard);
  }

  /**
   * The TauGate layers of a network in layer order (unwrapping wrapper layers).
   *
   * @param net the network
   * @return the TauGate layer implementations, possibly empty
   */
  public static List<TauGateLayerImpl> layers(MultiLayerNetwork net) {
    List<TauGateLayerImpl> out = new ArrayList<>();
    for (Layer l : net.getLayers()) {
      Layer u = unwrap(l);
      if (u instanceof TauGateLayerImpl t) {
        out.add(t);
      }
    }
    return out;
  }

  private static int setHard(Layer[] layers, boolean hard) {
    int n = 0;
    for (Layer l : layers) {
      Layer u = unwrap(l);
      if (u instanceof TauGateLayerImpl t) {
        t.layerConf().setHardGate(hard);
        n++;
      }
    }
    return n;
  }

  private static Layer unwrap(Layer l) {
    Layer u = l;
    while (u instanceof BaseWrapperLayer w) {
      u = w.getUnderlying();
    }
    return u;
  }
}
