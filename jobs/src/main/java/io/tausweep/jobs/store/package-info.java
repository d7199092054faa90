/**
 * Where a sweep's results live: everything under {@code --out} (the config record, foundations, the
 * Parquet tables, the driver's lease) goes through Hadoop's {@code FileSystem} with Spark's Hadoop
 * configuration, so a plain path, {@code hdfs://} or an object store all work. {@link
 * io.tausweep.jobs.store.SweepStore} is the interface the sweep talks to; the commit protocol per
 * file system is in {@code docs/storage.md}. Nothing here trains or schedules.
 */
package io.tausweep.jobs.store;
