/**
 * The Spark applications: the sweep job, its grid and task code, and the {@code sweep} command
 * line. The only module that knows Spark scheduling; training itself is delegated to the model
 * module and reading results to the analysis module.
 */
package io.tausweep.jobs;
