package io.tausweep.jobs;

import io.tausweep.jobs.Grid.FoundationTask;
import io.tausweep.model.train.EpochStats;
import java.io.Serializable;
import java.util.List;

/**
 * A foundation task's result: trained now (with its epochs), reused from the cache (no epochs),
 * or failed with a reason that every cell built on it will carry.
 */
public record FoundationOutcome(FoundationTask task, boolean reused, List<EpochStats> epochs, double trainSeconds,
    String error) implements Serializable {}
