/**
 * The {@code sweep} command line: parses {@code run}, {@code sql} and {@code report}, maps each
 * outcome to an exit status and prints one-line errors. Runs on the driver only; it builds the
 * SparkSession through {@link io.tausweep.jobs.driver.SparkSessions} and hands a run to {@link
 * io.tausweep.jobs.driver.SweepJob}.
 */
package io.tausweep.jobs.cli;
