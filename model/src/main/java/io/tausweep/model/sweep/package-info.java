/**
 * A sweep in model terms: its configuration ({@link io.tausweep.model.sweep.SweepConfig}), the ids
 * of its cells and foundations ({@link io.tausweep.model.sweep.CellIds}), and {@link
 * io.tausweep.model.sweep.Experiment}, which runs one cell from config to {@link
 * io.tausweep.model.sweep.CellRun}. The top of the model module: it may use every other package
 * here, and none of them uses it. No Spark: the jobs module distributes these calls.
 */
package io.tausweep.model.sweep;
