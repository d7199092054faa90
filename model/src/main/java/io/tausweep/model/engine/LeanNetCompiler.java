package io.tausweep.model.engine;

import io.tausweep.model.arch.LoRADenseLayer;
import io.tausweep.model.arch.LoRADenseLayerImpl;
import io.tausweep.model.arch.TauGateLayerImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.LossLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Turns a DL4J network into {@link LeanNet}'s steps: one {@link Step} per layer it handles (dense
 * and output layers, also frozen; TauGate; LoRA; a softmax MCXENT loss), or nothing when any layer
 * or setting is outside that set, so the caller falls back to DL4J's own path.
 */
final class LeanNetCompiler {
  private LeanNetCompiler() {}

  /**
   * An executor for {@code net}, or empty if the network has a layer or setting it does not handle.
   *
   * @param net an initialised network
   * @return the executor, or empty when DL4J's own path must be used
   */
  static Optional<LeanNet> compile(MultiLayerNetwork net) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    if (net.getLayers() == null
        || net.getLayers().length < 2
        || conf.getDataType() != DataType.FLOAT
        || conf.getBackpropType() != BackpropType.Standard
        || (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty())
        || !net.getListeners().isEmpty()) {
      return Optional.empty();
    }
    try {
      return build(net);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a parameter view that is not a contiguous float matrix
    }
  }

  private static Optional<LeanNet> build(MultiLayerNetwork net) {
    Layer[] layers = net.getLayers();
    int last = layers.length - 1;
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < last; i++) {
      Step s = hiddenStep(layers[i]);
      if (s == null) {
        return Optional.empty();
      }
      steps.add(s);
    }
    Layer out = layers[last];
    if (!plainLayer(out.conf().getLayer())) {
      return Optional.empty();
    }
    ILossFunction loss;
    IActivation act;
    boolean average;
    if (out instanceof OutputLayer o) {
      org.deeplearning4j.nn.conf.layers.OutputLayer c =
          (org.deeplearning4j.nn.conf.layers.OutputLayer) o.conf().getLayer();
      if (o.hasLayerNorm() || !o.hasBias()) {
        return Optional.empty();
      }
      loss = c.getLossFn();
      act = c.getActivationFn();
      average = o.conf().isMiniBatch();
      steps.add(new DenseStep(o, false, true, false, trainable(o, "W"), trainable(o, "b")));
    } else if (out instanceof LossLayer) {
      org.deeplearning4j.nn.conf.layers.LossLayer c =
          (org.deeplearning4j.nn.conf.layers.LossLayer) out.conf().getLayer();
      loss = c.getLossFn();
      act = c.getActivationFn();
      average = true;
      steps.add(new LossStep());
    } else {
      return Optional.empty();
    }
    if (!(loss instanceof LossMCXENT mc)
        || mc.getWeights() != null
        || !(act instanceof ActivationSoftmax)) {
      return Optional.empty();
    }
    return Optional.of(
        new LeanNet(net, steps.toArray(new Step[0]), mc.getSoftmaxClipEps(), average));
  }

  private static Step hiddenStep(Layer l) {
    boolean frozen = false;
    Layer u = l;
    if (u instanceof FrozenLayerWithBackprop f) {
      frozen = true;
      u = f.getUnderlying();
    }
    if (u instanceof DenseLayer d && plainLayer(d.conf().getLayer())) {
      org.deeplearning4j.nn.conf.layers.DenseLayer c =
          (org.deeplearning4j.nn.conf.layers.DenseLayer) d.conf().getLayer();
      IActivation act = c.getActivationFn();
      if (d.hasLayerNorm() || !d.hasBias() || !(isRelu(act) || act instanceof ActivationIdentity)) {
        return null;
      }
      return new DenseStep(
          d,
          isRelu(act),
          false,
          frozen,
          !frozen && trainable(d, "W"),
          !frozen && trainable(d, "b"));
    }
    if (!frozen && u instanceof TauGateLayerImpl t && plainLayer(t.conf().getLayer())) {
      return new TauGateStep(t);
    }
    if (!frozen && u instanceof LoRADenseLayerImpl r && plainLayer(r.conf().getLayer())) {
      IActivation act = ((LoRADenseLayer) r.conf().getLayer()).getActivationFn();
      if (!(isRelu(act) || act instanceof ActivationIdentity)) {
        return null;
      }
      return new LoRAStep(r, isRelu(act));
    }
    return null;
  }

  /** No dropout, weight noise, gradient normalization or constraints. */
  private static boolean plainLayer(org.deeplearning4j.nn.conf.layers.Layer c) {
    if (c.getIDropout() != null || (c.getConstraints() != null && !c.getConstraints().isEmpty())) {
      return false;
    }
    if (c instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
      return b.getWeightNoise() == null
          && (b.getGradientNormalization() == null
              || b.getGradientNormalization() == GradientNormalization.None);
    }
    return true;
  }

  private static boolean isRelu(IActivation act) {
    return act instanceof ActivationReLU r
        && r.getMax() == null
        && r.getThreshold() == null
        && r.getNegativeSlope() == null;
  }

  /**
   * False when the parameter's update is provably zero: a plain Sgd with learning rate 0 (BitFit's
   * weights).
   */
  private static boolean trainable(Layer l, String key) {
    IUpdater u = l.conf().getLayer().getUpdaterByParam(key);
    return !(u instanceof Sgd s
        && s.getLearningRate() == 0.0
        && s.getLearningRateSchedule() == null);
  }
}
