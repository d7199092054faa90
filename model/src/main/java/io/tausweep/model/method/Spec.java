package io.tausweep.model.method;

/**
 * The canonical text of a method and its hyperparameters, which goes into cell ids: {@code
 * Type[name=value, name=value]}, names and their order written out by each method (never derived
 * from field names), numbers as {@link Double#toString} and {@link Long#toString} print them.
 * Renaming a record component changes nothing here; changing a method's spec text changes every id
 * of that method, so it needs a bump of {@code CellIds.ALGORITHM_VERSION} and a note of the
 * migration.
 */
public final class Spec {
  private final StringBuilder text;
  private boolean empty = true;

  private Spec(String type) {
    text = new StringBuilder(type).append('[');
  }

  /** A spec of the given type name, e.g. {@code TauGate}. */
  public static Spec of(String type) {
    return new Spec(type);
  }

  /** Adds {@code name=value}. */
  public Spec with(String name, double value) {
    return add(name, Double.toString(value));
  }

  /** Adds {@code name=value}. */
  public Spec with(String name, long value) {
    return add(name, Long.toString(value));
  }

  private Spec add(String name, String value) {
    if (!empty) {
      text.append(", ");
    }
    text.append(name).append('=').append(value);
    empty = false;
    return this;
  }

  /** The finished text. */
  public String text() {
    return text + "]";
  }
}
