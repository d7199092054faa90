package io.tausweep.model.method;

import java.io.Serializable;

/**
 * One gated hidden unit after training: its learned threshold and gain, and how often its gate is
 * open (gate > 0.5, i.e. z > tau) on the 0-deg and the rotated test images, overall and per digit
 * class on the rotated images. This is TauGate's neuron-level attribution.
 *
 * @param layer hidden layer, 1-based
 * @param unit unit index within the layer, 0-based
 * @param fireRateByClassTheta per digit 0..9, share of that digit's rotated test images with the
 *     gate open
 */
public record NeuronStats(
    int layer,
    int unit,
    double tau,
    double gamma,
    double fireRate0,
    double fireRateTheta,
    double[] fireRateByClassTheta)
    implements Serializable {

  public NeuronStats {
    java.util.Objects.requireNonNull(fireRateByClassTheta, "fireRateByClassTheta");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NeuronStats n
        && layer == n.layer
        && unit == n.unit
        && Double.compare(tau, n.tau) == 0
        && Double.compare(gamma, n.gamma) == 0
        && Double.compare(fireRate0, n.fireRate0) == 0
        && Double.compare(fireRateTheta, n.fireRateTheta) == 0
        && java.util.Arrays.equals(fireRateByClassTheta, n.fireRateByClassTheta);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(layer, unit, tau, gamma, fireRate0, fireRateTheta) * 31
        + java.util.Arrays.hashCode(fireRateByClassTheta);
  }

  @Override
  public String toString() {
    return "NeuronStats[layer="
        + layer
        + ", unit="
        + unit
        + ", tau="
        + tau
        + ", gamma="
        + gamma
        + ", fireRate0="
        + fireRate0
        + ", fireRateTheta="
        + fireRateTheta
        + ", byClass="
        + java.util.Arrays.toString(fireRateByClassTheta)
        + "]";
  }
}
