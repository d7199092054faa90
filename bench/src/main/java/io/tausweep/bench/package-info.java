/**
 * Benchmarks of tausweep, run through {@code bench/run} and recorded in BENCHMARKS.md. Timings live
 * here and never in pass/fail tests.
 */
package io.tausweep.bench;
