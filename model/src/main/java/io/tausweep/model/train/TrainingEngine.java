package io.tausweep.model.train;

import io.tausweep.model.engine.LeanNet;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What {@link Trainer} runs a network's minibatch steps and per-epoch accuracy on. The reference
 * implementation is DL4J's own {@code MultiLayerNetwork.fit} and {@code output} ({@link Dl4jFit});
 * the lean engine ({@link Lean}, over {@link LeanNet}) computes the same steps to float rounding
 * without DL4J's per-call overhead, and can start from the first layer's product precomputed for
 * the whole split. {@link #of} picks the lean engine wherever it supports the network, unless the
 * JVM runs with {@code -Dtausweep.engine=dl4j}.
 */
sealed interface TrainingEngine extends AutoCloseable {
  /**
   * One optimizer step on a minibatch.
   *
   * @param product the minibatch's rows of the first layer's {@code X W}, or null (see {@link
   *     #firstLayerProduct})
   * @return the step's score: the mean minibatch loss plus regularization (TauGate's penalty)
   */
  double fit(INDArray features, INDArray product, INDArray labels);

  /** Fraction of {@code data} classified correctly, in batches of {@code batchSize}. */
  double accuracy(Split data, int batchSize);

  /**
   * The whole split's first-layer product {@code X W} (rows of {@link FirstLayerProducts}) when
   * this engine trains from it: for a network that keeps its first layer's W; else null.
   */
  float[] firstLayerProduct(Split data);

  /** Whether a step reads the minibatch's images when it is also given their product. */
  boolean readsInputWithProduct();

  /** Whether the batch arrays a step was given may be reused elsewhere once training ends. */
  boolean releasesBatchArrays();

  @Override
  void close();

  /** The lean engine for {@code net} where it applies, else DL4J's own. */
  static TrainingEngine of(MultiLayerNetwork net) {
    return LeanNet.compile(net).<TrainingEngine>map(Lean::new).orElseGet(() -> new Dl4jFit(net));
  }

  /** DL4J's own training and inference, the reference the lean engine is compared with. */
  record Dl4jFit(MultiLayerNetwork net) implements TrainingEngine {
    @Override
    public double fit(INDArray features, INDArray product, INDArray labels) {
      net.fit(new DataSet(features, labels));
      return net.score();
    }

    @Override
    public double accuracy(Split data, int batchSize) {
      return Evaluator.accuracy(net, data, batchSize);
    }

    @Override
    public float[] firstLayerProduct(Split data) {
      return null;
    }

    @Override
    public boolean readsInputWithProduct() {
      return true;
    }

    /** The network may still reference the arrays it was fitted on. */
    @Override
    public boolean releasesBatchArrays() {
      return false;
    }

    @Override
    public void close() {}
  }

  /** The lean training path ({@link LeanNet}), compiled for one network. */
  record Lean(LeanNet lean) implements TrainingEngine {
    @Override
    public double fit(INDArray features, INDArray product, INDArray labels) {
      return lean.fit(features, product, labels);
    }

    @Override
    public double accuracy(Split data, int batchSize) {
      return Evaluator.accuracy(lean, data, batchSize);
    }

    @Override
    public float[] firstLayerProduct(Split data) {
      return lean.firstLayerWeights().isPresent() && !lean.trainsFirstLayerWeights()
          ? FirstLayerProducts.of(lean, data)
          : null;
    }

    @Override
    public boolean readsInputWithProduct() {
      return lean.readsInputWithProduct();
    }

    @Override
    public boolean releasesBatchArrays() {
      return true;
    }

    @Override
    public void close() {
      lean.close();
    }
  }
}
