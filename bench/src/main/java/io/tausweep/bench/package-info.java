/**
 * Benchmarks of tausweep, run through {@code bench/run}, reported under docs/benchmarks/ and summed
 * up in BENCHMARKS.md. Timings live here and never in pass/fail tests.
 */
package io.tausweep.bench;
