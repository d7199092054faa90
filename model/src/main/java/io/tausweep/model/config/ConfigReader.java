package io.tausweep.model.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Typed, validated access to a parsed HOCON config that remembers which keys were asked for.
 * Remembering lets {@link #rejectUnknownKeys()} turn a typo into an error that names the nearest
 * valid key instead of a silently ignored setting.
 */
public final class ConfigReader {
  private final Config config;
  private final Set<String> known = new LinkedHashSet<>();

  public ConfigReader(Config config) {
    this.config = config;
  }

  /** Every key this reader has been asked for, in order. */
  public Set<String> knownKeys() {
    return Set.copyOf(known);
  }

  /** Whether the file sets {@code key} (the default applies otherwise). */
  public boolean isSet(String key) {
    known.add(key);
    return config.hasPath(key);
  }

  public String string(String key, String dflt) {
    known.add(key);
    if (!config.hasPath(key)) {
      return dflt;
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
      throw ConfigError.invalid(key, render(v), "expected a string");
    }
    return String.valueOf(v.unwrapped());
  }

  public int intIn(String key, int dflt, int min, int max) {
    known.add(key);
    if (!config.hasPath(key)) {
      return dflt;
    }
    ConfigValue v = config.getValue(key);
    double d = number(key, v, "an integer within [" + min + ", " + max + "]");
    if (d != Math.rint(d) || d < min || d > max) {
      throw ConfigError.invalid(
          key, render(v), "must be an integer within [" + min + ", " + max + "]");
    }
    return (int) d;
  }

  public double doubleIn(String key, double dflt, double min, double max, String unitHint) {
    known.add(key);
    if (!config.hasPath(key)) {
      return dflt;
    }
    ConfigValue v = config.getValue(key);
    double d = number(key, v, unitHint);
    if (!(d >= min && d <= max)) {
      throw ConfigError.invalid(key, render(v), unitHint);
    }
    return d;
  }

  /** A non-empty list of distinct numbers, each within [min, max]. */
  public List<Double> doubles(String key, List<Double> dflt, double min, double max, String hint) {
    known.add(key);
    if (!config.hasPath(key)) {
      return dflt;
    }
    ConfigValue v = config.getValue(key);
    List<Double> out = new ArrayList<>();
    for (Object o : list(key, v, hint)) {
      if (!(o instanceof Number n)
          || !Double.isFinite(n.doubleValue())
          || n.doubleValue() < min
          || n.doubleValue() > max) {
        throw ConfigError.invalid(key, render(v), hint);
      }
      out.add(n.doubleValue());
    }
    requireDistinct(key, v, out);
    return List.copyOf(out);
  }

  /** A non-empty list of distinct integers, each within [min, max]. */
  public List<Long> longs(String key, List<Long> dflt, long min, long max, String hint) {
    known.add(key);
    if (!config.hasPath(key)) {
      return dflt;
    }
    ConfigValue v = config.getValue(key);
    List<Long> out = new ArrayList<>();
    for (Object o : list(key, v, hint)) {
      if (!(o instanceof Number n)
          || n.doubleValue() != Math.rint(n.doubleValue())
          || n.doubleValue() < min
          || n.doubleValue() > max) {
        throw ConfigError.invalid(key, render(v), hint);
      }
      out.add(n.longValue());
    }
    requireDistinct(key, v, out);
    return List.copyOf(out);
  }

  /** A non-empty list of distinct strings. */
  public List<String> strings(String key, List<String> dflt, String hint) {
    known.add(key);
    if (!config.hasPath(key)) {
      return dflt;
    }
    ConfigValue v = config.getValue(key);
    List<String> out = new ArrayList<>();
    for (Object o : list(key, v, hint)) {
      if (!(o instanceof String s)) {
        throw ConfigError.invalid(key, render(v), hint);
      }
      out.add(s);
    }
    requireDistinct(key, v, out);
    return List.copyOf(out);
  }

  /**
   * Fails on the first key in the file that no reader asked for, naming the nearest valid key. Call
   * after every setting has been read.
   */
  public void rejectUnknownKeys() {
    Set<String> present = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      present.add(e.getKey());
    }
    for (String key : present) {
      if (!known.contains(key)) {
        throw new ConfigError("Unknown config key: " + key + " (" + suggestion(key) + ")");
      }
    }
  }

  private String suggestion(String key) {
    LevenshteinDistance lev = LevenshteinDistance.getDefaultInstance();
    String best =
        known.stream()
            .min(Comparator.comparingInt((String k) -> lev.apply(k, key)).thenComparing(k -> k))
            .orElse(null);
    if (best != null && lev.apply(best, key) <= Math.max(3, key.length() / 3)) {
      return "did you mean " + best + "?";
    }
    return "valid keys are listed in conf/README.md";
  }

  private static double number(String key, ConfigValue v, String hint) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      return ((Number) v.unwrapped()).doubleValue();
    }
    if (v.valueType() == ConfigValueType.STRING) {
      try {
        return Double.parseDouble(((String) v.unwrapped()).trim());
      } catch (NumberFormatException e) {
        throw ConfigError.invalid(key, render(v), "expected a number: " + hint);
      }
    }
    throw ConfigError.invalid(key, render(v), "expected a number: " + hint);
  }

  private static List<?> list(String key, ConfigValue v, String hint) {
    if (v.valueType() != ConfigValueType.LIST) {
      throw ConfigError.invalid(key, render(v), "expected a list: " + hint);
    }
    List<?> items = (List<?>) v.unwrapped();
    if (items.isEmpty()) {
      throw ConfigError.invalid(key, "[]", "the list is empty: " + hint);
    }
    List<Object> converted = new ArrayList<>();
    for (Object o : items) {
      // HOCON keeps unquoted numbers as numbers; quoted ones are strings we still accept if
      // numeric.
      if (o instanceof String s && looksNumeric(s)) {
        converted.add(Double.parseDouble(s.trim()));
      } else {
        converted.add(o);
      }
    }
    return converted;
  }

  private static boolean looksNumeric(String s) {
    try {
      Double.parseDouble(s.trim());
      return !s.isBlank();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static <T> void requireDistinct(String key, ConfigValue v, List<T> values) {
    Set<T> seen = new HashSet<>();
    for (T t : values) {
      if (!seen.add(t)) {
        throw ConfigError.invalid(
            key, render(v), "duplicate value " + t + ": list each value once");
      }
    }
  }

  static String render(ConfigValue v) {
    return v.render(ConfigRenderOptions.concise());
  }

  /** Wraps Typesafe's own exceptions (wrong type, bad substitution) in a one-line error. */
  public static ConfigError wrap(ConfigException e) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
    return new ConfigError("Invalid config: " + msg);
  }
}
