package io.tausweep.model.sweep;

import io.tausweep.model.method.GateMetrics;
import io.tausweep.model.train.EpochStats;
import java.io.Serializable;
import java.util.List;

/**
 * What one cell measured: test accuracies at 0 deg and at the angle, validation accuracies at both
 * (null when the sweep has no validation images), the method's gate metrics if any, the trainable
 * parameter count, timings and the per-epoch log.
 */
public record CellRun(
    double acc0,
    double accTheta,
    Double accVal0,
    Double accValTheta,
    GateMetrics gates,
    long trainableParams,
    double trainSeconds,
    double evalSeconds,
    List<EpochStats> epochs)
    implements Serializable {

  public CellRun {
    epochs = List.copyOf(epochs);
  }
}
