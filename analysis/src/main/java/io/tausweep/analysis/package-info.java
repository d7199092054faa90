/**
 * The result tables' schemas, their SQL views (raw tables, {@code cells}, {@code summary}, {@code
 * paired}), the statistics behind them (Commons Math) and the reports computed from them: Table 1,
 * the figures (XChart, headless) and the Markdown/HTML report of a sweep. Code here only reads
 * result tables through Spark SQL; it never trains and knows nothing of DL4J.
 */
package io.tausweep.analysis;
