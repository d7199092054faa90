package io.tausweep.model.method;

import java.io.Serializable;
import java.util.List;

/**
 * TauGate's extra evaluation: accuracies with the hardened gate {@code 1[z > tau]}, the share of
 * hidden units whose soft gate exceeds 0.5 averaged over the rotated test images, and the
 * per-neuron statistics behind it (one entry per hidden unit, both layers).
 */
public record GateMetrics(
    double acc0Hard, double accThetaHard, double highActFrac, List<NeuronStats> neurons)
    implements Serializable {

  public GateMetrics {
    neurons = List.copyOf(neurons);
  }
}
