package io.tausweep.jobs.store;

/** Another driver holds the sweep's lease: this one must not run it (a distinct exit status). */
public final class SweepLockedException extends StoreException {
  private static final long serialVersionUID = 1L;

  public SweepLockedException(String message) {
    super(message);
  }
}
