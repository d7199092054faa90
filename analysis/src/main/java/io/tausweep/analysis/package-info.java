/**
 * The result tables' schemas, their SQL views and the reports computed from them (Table 1).
 * Code here only reads result tables through Spark SQL; it never trains and knows nothing of DL4J.
 */
package io.tausweep.analysis;
