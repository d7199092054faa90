/**
 * What runs on the driver: the SparkSession's settings, the sweep's three phases (foundations,
 * cells, committing results), progress on the console and the count of failed task attempts.
 * Nothing here is serialized to executors except the objects it builds from {@link
 * io.tausweep.jobs.task}.
 */
package io.tausweep.jobs.driver;
