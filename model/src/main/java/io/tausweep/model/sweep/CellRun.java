package io.tausweep.model.sweep;

import io.tausweep.model.method.GateMetrics;
import io.tausweep.model.train.EpochStats;
import java.io.Serializable;
import java.util.List;

/**
 * What one cell measured: test accuracies at 0 deg and at the angle, the method's gate metrics if
 * any, the trainable parameter count, timings and the per-epoch log.
 */
public record CellRun(
    double acc0,
    double accTheta,
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
