/**
 * What runs on executors, and what travels between driver and executors: the grid's task records
 * ({@link io.tausweep.jobs.task.Grid}), the functions Spark ships to executors ({@link
 * io.tausweep.jobs.task.SweepTasks}), the per-JVM caches they keep ({@link
 * io.tausweep.jobs.task.ExecutorState}) and a cell's result on the wire ({@link
 * io.tausweep.jobs.task.CellOutcome}, encoded by {@link io.tausweep.jobs.task.OutcomeCodec}).
 * Everything here is {@link java.io.Serializable} or runs inside a task; nothing depends on the
 * driver package.
 */
package io.tausweep.jobs.task;
