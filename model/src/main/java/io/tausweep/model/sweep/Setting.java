package io.tausweep.model.sweep;

import io.tausweep.model.config.Budget;
import io.tausweep.model.method.AdaptationMethod;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of a sweep's hyperparameter axes ({@link Axes}): the swept values, and the budget and
 * configured methods they make. A sweep without axes has one setting, with no values.
 *
 * @param values swept key to value (numbers as Double or Long, names as String), in axis order
 * @param budget the budget at this point
 * @param methods the sweep's methods at this point, in {@code sweep.methods} order
 */
public record Setting(Map<String, Object> values, Budget budget, List<AdaptationMethod> methods)
    implements Serializable {
  public Setting {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    methods = List.copyOf(methods);
  }

  /**
   * The swept values a cell of {@code method} depends on, as text: every budget key, and the
   * method's own keys ({@code method.<id>.*}); other methods' keys do not multiply its cells.
   */
  public Map<String, String> valuesFor(AdaptationMethod method) {
    Map<String, String> out = new LinkedHashMap<>();
    String own = "method." + method.id() + ".";
    values.forEach(
        (k, v) -> {
          if (!k.startsWith("method.") || k.startsWith(own)) {
            out.put(k, text(v));
          }
        });
    return out;
  }

  /** A swept value as the cell's {@code hparams} column shows it. */
  static String text(Object v) {
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 && !(v instanceof Double)
          ? Long.toString(n.longValue())
          : Double.toString(d);
    }
    return String.valueOf(v);
  }
}
