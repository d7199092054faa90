/**
 * Training and evaluation of one network: the seeded data splits, the minibatch loop (through the
 * lean engine where it applies, DL4J's {@code fit} otherwise) and the metrics. Knows networks and
 * data, not adaptation methods or sweeps; runs from a plain {@code main} or a unit test, without
 * Spark.
 */
package io.tausweep.model.train;
