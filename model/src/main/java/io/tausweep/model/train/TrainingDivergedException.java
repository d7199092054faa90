package io.tausweep.model.train;

/**
 * The loss became NaN or infinite. Raised so that the cell is recorded as failed with the reason
 * instead of writing meaningless accuracies.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
