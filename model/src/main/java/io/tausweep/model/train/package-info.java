/**
 * Training and evaluation of one grid cell: the MLP, the seeded data splits, the minibatch loop
 * and the metrics. Everything here runs from a plain {@code main} or a unit test; Spark lives in
 * the jobs module only.
 */
package io.tausweep.model.train;
