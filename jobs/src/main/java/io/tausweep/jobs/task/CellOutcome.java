package io.tausweep.jobs.task;

import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.model.sweep.CellRun;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * The result of one cell as it travels from the task back to the driver: the task, its run (null if
 * it failed), the failure reason, and provenance. The driver turns it into rows. Serialized as its
 * task plus one byte array ({@link OutcomeCodec}), not as a graph of records.
 */
public record CellOutcome(
    CellTask task, CellRun run, String error, Provenance provenance, Instant startedAt)
    implements Serializable {

  public CellOutcome {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  public boolean ok() {
    return run != null;
  }

  @Serial
  private Object writeReplace() {
    return new Wire(task, OutcomeCodec.encode(this));
  }

  /** The serialized form. */
  private static final class Wire implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final CellTask task;
    private final byte[] body;

    Wire(CellTask task, byte[] body) {
      this.task = task;
      this.body = body;
    }

    @Serial
    private Object readResolve() {
      return OutcomeCodec.decode(task, body);
    }
  }
}
