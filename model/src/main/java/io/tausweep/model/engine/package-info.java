/**
 * The lean training engine, an optional speed layer: it trains and evaluates the networks of {@code
 * model.arch} with float kernels on heap arrays and direct OpenBLAS products instead of DL4J's
 * per-step machinery, bit for bit as DL4J's own {@code fit} and {@code output} would (the
 * reference, kept as the fallback and selectable with {@code -Dtausweep.engine=dl4j}). {@link
 * io.tausweep.model.engine.LeanNet} is the facade; the forward, backward and update steps of each
 * layer kind, the kernels and the per-thread work arrays sit beside it.
 *
 * <p>Depends on {@code model.arch} only. It reads DL4J 1.0.0-M2.1 internals (the updater's state
 * blocks), so a DL4J upgrade starts here.
 */
package io.tausweep.model.engine;
