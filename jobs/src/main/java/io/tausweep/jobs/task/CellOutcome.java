package io.tausweep.jobs.task;

import io.tausweep.jobs.task.Grid.CellTask;
import io.tausweep.model.sweep.CellRun;
import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * The result of one cell as it travels from the task back to the driver: the cell ran ({@link Ok},
 * with its run) or failed ({@link Failed}, with the reason its row records), each with the task,
 * where it ran and when it started. The driver turns it into rows. Serialized as its task plus one
 * byte array ({@link OutcomeCodec}), not as a graph of records.
 */
public sealed interface CellOutcome extends Serializable {
  CellTask task();

  Provenance provenance();

  Instant startedAt();

  /** The cell trained (or, for Frozen, was evaluated) and {@code run} holds its metrics. */
  record Ok(CellTask task, CellRun run, Provenance provenance, Instant startedAt)
      implements CellOutcome {
    public Ok {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(run, "run");
      Objects.requireNonNull(provenance, "provenance");
      Objects.requireNonNull(startedAt, "startedAt");
    }

    @Serial
    private Object writeReplace() {
      return new OutcomeCodec.Wire(task, OutcomeCodec.encode(this));
    }
  }

  /** The cell failed (diverged, threw, or its foundation failed): {@code reason} says why. */
  record Failed(CellTask task, String reason, Provenance provenance, Instant startedAt)
      implements CellOutcome {
    public Failed {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(provenance, "provenance");
      Objects.requireNonNull(startedAt, "startedAt");
    }

    @Serial
    private Object writeReplace() {
      return new OutcomeCodec.Wire(task, OutcomeCodec.encode(this));
    }
  }
}
