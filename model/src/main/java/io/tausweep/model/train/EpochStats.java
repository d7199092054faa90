package io.tausweep.model.train;

import java.io.Serializable;

/**
 * One epoch of training: the mean minibatch loss (sparsity penalty included) and the accuracy on
 * the epoch's training images after the epoch, one row of the {@code epochs} table.
 */
public record EpochStats(int epoch, double loss, double trainAccuracy) implements Serializable {}
