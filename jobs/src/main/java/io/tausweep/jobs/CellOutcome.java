package io.tausweep.jobs;

import io.tausweep.jobs.Grid.CellTask;
import io.tausweep.model.train.CellRun;
import java.io.Serializable;
import java.time.Instant;

/**
 * The result of one cell as it travels from the task back to the driver: the task, its run
 * (null if it failed), the failure reason, and provenance. The driver turns it into rows.
 */
public record CellOutcome(CellTask task, CellRun run, String error, Provenance provenance, Instant startedAt)
    implements Serializable {

  public boolean ok() {
    return run != null;
  }
}
