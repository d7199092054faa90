package io.tausweep.model.config;

/**
 * A configuration value that cannot be used, with a one-line message naming the key, the value and
 * the fix. Raised before any training starts, so a bad config never writes output.
 */
public final class ConfigError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigError(String message) {
    super(message);
  }

  /** Formats {@code Invalid KEY: VALUE (HINT)}, the house style for a rejected value. */
  public static ConfigError invalid(String key, Object value, String hint) {
    return new ConfigError("Invalid " + key + ": " + value + " (" + hint + ")");
  }
}
