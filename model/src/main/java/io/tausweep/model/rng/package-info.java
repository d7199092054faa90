/**
 * Reproducible random streams: every random draw of a cell (subsets, initial weights, shuffling)
 * comes from {@link io.tausweep.model.rng.Seeds}, keyed by the cell's seed and a purpose name. A
 * leaf package: it depends on nothing else in the module.
 */
package io.tausweep.model.rng;
