package io.tausweep.model.method;

import java.io.Serializable;

/**
 * TauGate's extra evaluation: accuracies with the hardened gate {@code 1[z > tau]} and the
 * share of hidden units whose soft gate exceeds 0.5, averaged over the rotated test images.
 */
public record GateMetrics(double acc0Hard, double accThetaHard, double highActFrac) implements Serializable {}
