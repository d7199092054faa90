package io.tausweep.model.method;

import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import java.io.Serializable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One way of specialising a frozen foundation to a new mode. Implementations are immutable records
 * of their hyperparameters; {@link #spec()} names everything that decides a method's result, in the
 * canonical form that goes into the cell id.
 */
public interface AdaptationMethod extends Serializable {

  /** Stable lower-case id used in configs, cell ids and the {@code method} column. */
  String id();

  /**
   * The method and every hyperparameter that decides its result, as {@link Spec} writes them: the
   * cell id hashes this text, so it must change exactly when results would.
   */
  String spec();

  /**
   * Builds the network this method trains. The foundation is left untouched; the returned network
   * holds copies of its parameters, with exactly the method's parameters trainable.
   *
   * @param foundation a trained plain MLP ({@link io.tausweep.model.arch.Mlp})
   * @param lambda the sparsity weight, or null for methods without that axis
   * @param seed the cell's seed, for any new random parameters
   */
  MultiLayerNetwork prepare(MultiLayerNetwork foundation, Double lambda, long seed);

  /** Number of parameters this method trains in a network it prepared. */
  long trainableParams(MultiLayerNetwork prepared);

  /** Adam learning rate of the trainable parameters. */
  double learningRate();

  /** Whether lambda is a sweep axis of this method. */
  default boolean usesLambda() {
    return false;
  }

  /** Whether the prepared network is trained at all. */
  default boolean trains() {
    return true;
  }

  /**
   * Accuracy on the two test sets plus any method-specific metrics (e.g. TauGate's hardened-gate
   * accuracies), in as few forward passes as the method allows.
   */
  default Evaluation evaluate(
      MultiLayerNetwork trained, Split test0, Split testTheta, int batchSize) {
    return new Evaluation(
        Evaluator.accuracy(trained, test0, batchSize),
        Evaluator.accuracy(trained, testTheta, batchSize),
        null);
  }
}
