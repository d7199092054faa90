/**
 * Reading configuration: the typed HOCON reader every other package takes its keys through, its
 * one-line errors, and the data {@link io.tausweep.model.config.Budget}. Bad values fail here,
 * before any data is loaded or anything is written. The bottom of the module: it depends on no
 * other package here.
 */
package io.tausweep.model.config;
