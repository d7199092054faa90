package io.tausweep.jobs.task;

import io.tausweep.jobs.task.Grid.FoundationTask;
import io.tausweep.model.train.EpochStats;
import java.io.Serializable;
import java.util.List;

/**
 * A foundation task's result: trained now (with its epochs), reused from the cache (no epochs), or
 * failed with a reason that every cell built on it will carry; {@code outputFailed} when the
 * failure was writing its model file into the output directory (the sweep stops: a full or
 * read-only disk would fail every cell).
 */
public record FoundationOutcome(
    FoundationTask task,
    boolean reused,
    List<EpochStats> epochs,
    double trainSeconds,
    String error,
    boolean outputFailed)
    implements Serializable {}
