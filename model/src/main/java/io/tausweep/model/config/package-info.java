/**
 * Sweep configuration: every key with its default, read once and typed from a HOCON file.
 * Bad values fail here, before any data is loaded or anything is written; nothing in this
 * package knows Spark.
 */
package io.tausweep.model.config;
