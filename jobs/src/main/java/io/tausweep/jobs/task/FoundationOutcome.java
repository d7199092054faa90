package io.tausweep.jobs.task;

import io.tausweep.jobs.task.Grid.FoundationTask;
import io.tausweep.model.train.EpochStats;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A foundation task's result, one type per state: trained now (with its epochs), reused from the
 * output directory, failed (a reason every cell built on it carries), or its model file could not
 * be written (the sweep stops: a full or read-only file system would fail every cell).
 */
public sealed interface FoundationOutcome extends Serializable {
  FoundationTask task();

  /** Trained in this run and saved; its epochs go to the epochs table. */
  record Trained(FoundationTask task, List<EpochStats> epochs, double trainSeconds)
      implements FoundationOutcome {
    public Trained {
      Objects.requireNonNull(task, "task");
      epochs = List.copyOf(epochs);
    }
  }

  /** Its model file was already in the output directory (an earlier run trained it). */
  record Reused(FoundationTask task) implements FoundationOutcome {
    public Reused {
      Objects.requireNonNull(task, "task");
    }
  }

  /** Training failed; each cell built on it is recorded as failed with this reason. */
  record Failed(FoundationTask task, String reason) implements FoundationOutcome {
    public Failed {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Trained, but its model file could not be written: {@code reason} names the file. */
  record OutputFailed(FoundationTask task, String reason) implements FoundationOutcome {
    public OutputFailed {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
