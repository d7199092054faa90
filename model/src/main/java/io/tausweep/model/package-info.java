/**
 * The tausweep model module: MNIST data, the MLP, the adaptation methods and one cell's training.
 * Plain Java and Deeplearning4j; nothing here may import Spark.
 */
package io.tausweep.model;
