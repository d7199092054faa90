package io.tausweep.model.method;

/**
 * A trained network's scores on the two test sets: accuracy at 0 deg and at the cell's angle, and
 * the method's own metrics (TauGate's hardened-gate accuracies and gate statistics; null for the
 * other methods).
 */
public record Evaluation(double acc0, double accTheta, GateMetrics gates) {}
