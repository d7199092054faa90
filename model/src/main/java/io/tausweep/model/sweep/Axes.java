package io.tausweep.model.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.tausweep.model.config.Budget;
import io.tausweep.model.config.ConfigError;
import io.tausweep.model.rng.Seeds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * The hyperparameter axes of a sweep config, and the points they expand to. A list value of a
 * sweepable key is a grid axis ({@code method.lora.rank = [1, 2, 4, 8]}); a range object is a
 * random-search axis ({@code method.taugate.learning-rate { log-uniform = [1e-4, 1e-1] }}), drawn
 * {@code sweep.samples} times. The points are the grid's product, times the samples when there are
 * ranges.
 *
 * <p>Sweepable keys: the budget keys that decide a foundation or a cell ({@link Budget#SWEEPABLE}),
 * and every key of the methods in {@code sweep.methods}. A list or range anywhere else is refused:
 * no cell would depend on it.
 *
 * <p>Samples come from a Sobol sequence (Joe and Kuo's directions, commons-math3) with a
 * Cranley-Patterson rotation drawn from {@code sweep.sample-seed}: a low-discrepancy sequence
 * covers the box evenly with few points (independent draws leave gaps and clusters at the sizes
 * sweeps use), and the random shift, one per dimension, makes the draws depend on the seed while
 * keeping that evenness. The same config always draws the same values.
 *
 * @param grid the grid axes, key to values, in key order
 * @param ranges the random-search axes, key to range, in key order
 * @param samples how many random-search points ({@code sweep.samples}; 1 without ranges)
 * @param sampleSeed the seed of the random shift ({@code sweep.sample-seed})
 */
public record Axes(
    Map<String, List<ConfigValue>> grid, Map<String, Range> ranges, int samples, long sampleSeed) {

  public static final String SAMPLES = "sweep.samples";
  public static final String SAMPLE_SEED = "sweep.sample-seed";

  /** Most random-search points one sweep may draw. */
  public static final int SAMPLES_MAX = 10_000;

  /** Most points (grid times samples) one sweep may expand to. */
  public static final int POINTS_MAX = 100_000;

  /** The distributions of a random-search axis. */
  public enum Distribution {
    UNIFORM("uniform"),
    LOG_UNIFORM("log-uniform"),
    INT_UNIFORM("int-uniform");

    final String key;

    Distribution(String key) {
      this.key = key;
    }

    static Distribution of(String key) {
      for (Distribution d : values()) {
        if (d.key.equals(key)) {
          return d;
        }
      }
      return null;
    }
  }

  /** A random-search range: {@code lo < hi}, both positive for log-uniform. */
  public record Range(Distribution distribution, double lo, double hi) {
    /** The value at {@code u} in [0, 1). */
    Object at(double u) {
      return switch (distribution) {
        case UNIFORM -> lo + u * (hi - lo);
        case LOG_UNIFORM -> Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
        case INT_UNIFORM -> (long) Math.min(hi, Math.floor(lo + u * (hi - lo + 1)));
      };
    }

    @Override
    public String toString() {
      return "{" + distribution.key + "=[" + lo + "," + hi + "]}";
    }
  }

  /** No axes: one point, the config as written. */
  public static final Axes NONE = new Axes(Map.of(), Map.of(), 1, 0);

  public boolean isEmpty() {
    return grid.isEmpty() && ranges.isEmpty();
  }

  /** The axes as text: grid values, ranges, samples and sample seed. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    grid.forEach(
        (k, vs) ->
            sb.append(k).append("=").append(vs.stream().map(Axes::render).toList()).append(";"));
    ranges.forEach((k, r) -> sb.append(k).append("=").append(r).append(";"));
    if (!ranges.isEmpty()) {
      sb.append(SAMPLES).append("=").append(samples).append(";");
      sb.append(SAMPLE_SEED).append("=").append(sampleSeed).append(";");
    }
    return sb.toString();
  }

  /** Every swept key, grid axes first. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(grid.keySet());
    keys.addAll(ranges.keySet());
    return keys;
  }

  /**
   * Finds the axes of {@code config}.
   *
   * @param methodIds the sweep's methods: only their keys may be swept
   * @param knownMethods every method id (a list on another method's key is named as such)
   * @param samples {@code sweep.samples}, 0 when unset
   * @param sampleSeed {@code sweep.sample-seed}
   */
  static Axes of(
      Config config,
      List<String> methodIds,
      List<String> knownMethods,
      int samples,
      long sampleSeed) {
    // Sorted by key: HOCON keeps no file order, and points must come out the same on every run.
    Map<String, List<ConfigValue>> grid = new java.util.TreeMap<>();
    Map<String, Range> ranges = new java.util.TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      String key = e.getKey();
      ConfigValue v = e.getValue();
      if (key.startsWith("sweep.")) {
        continue; // the sweep's own lists (methods, seeds, angles, lambdas) and settings
      }
      String rangeKey = rangeParent(key);
      String parent = parent(key);
      if (rangeKey != null) {
        requireSweepable(rangeKey, config.getValue(rangeKey), methodIds, knownMethods);
        ranges.put(rangeKey, range(rangeKey, config.getValue(rangeKey)));
      } else if (isSweepable(parent, methodIds)) {
        throw ConfigError.invalid(
            parent,
            render(config.getValue(parent)),
            "unknown distribution '"
                + key.substring(parent.length() + 1)
                + "': a range is { log-uniform = [LO, HI] }, { uniform = [LO, HI] } or"
                + " { int-uniform = [LO, HI] }");
      } else if (v.valueType() == ConfigValueType.LIST) {
        requireSweepable(key, v, methodIds, knownMethods);
        grid.put(key, values(key, v));
      }
    }
    if (samples > 0 && ranges.isEmpty()) {
      throw ConfigError.invalid(
          SAMPLES,
          samples,
          "random search needs at least one range, e.g."
              + " method.taugate.learning-rate { log-uniform = [1e-4, 1e-1] }");
    }
    if (samples == 0 && !ranges.isEmpty()) {
      throw ConfigError.invalid(
          String.join(", ", ranges.keySet()),
          ranges.values().iterator().next(),
          "a range is drawn " + SAMPLES + " times: set " + SAMPLES + " = N, 1 to " + SAMPLES_MAX);
    }
    samples = Math.max(samples, 1);
    long points = samples;
    for (List<ConfigValue> values : grid.values()) {
      points *= values.size();
      if (points > POINTS_MAX) {
        throw new ConfigError(
            "Invalid axes "
                + String.join(", ", grid.keySet())
                + ": more than "
                + POINTS_MAX
                + " points (use fewer values, or random search with "
                + SAMPLES
                + ")");
      }
    }
    return new Axes(
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(grid)),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ranges)),
        samples,
        sampleSeed);
  }

  /**
   * The points of the axes, each a map from swept key to its value, in a stable order: the grid's
   * product (the first axis varying slowest), and for each grid point the samples in draw order.
   */
  public List<Map<String, Object>> points() {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<ConfigValue>> axis : grid.entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> p : out) {
        for (ConfigValue v : axis.getValue()) {
          Map<String, Object> q = new LinkedHashMap<>(p);
          q.put(axis.getKey(), v.unwrapped());
          next.add(q);
        }
      }
      out = next;
    }
    if (ranges.isEmpty()) {
      return out;
    }
    List<Map<String, Object>> draws = draws();
    List<Map<String, Object>> all = new ArrayList<>();
    for (Map<String, Object> p : out) {
      for (Map<String, Object> d : draws) {
        Map<String, Object> q = new LinkedHashMap<>(p);
        q.putAll(d);
        all.add(q);
      }
    }
    return all;
  }

  /** The config of one point: its values over {@code base}. */
  static Config at(Config base, Map<String, Object> point) {
    Config c = base;
    for (Map.Entry<String, Object> e : point.entrySet()) {
      c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return c;
  }

  private List<Map<String, Object>> draws() {
    List<String> keys = new ArrayList<>(ranges.keySet());
    SobolSequenceGenerator sobol = new SobolSequenceGenerator(keys.size());
    SplittableRandom rng = Seeds.stream(sampleSeed, "random-search");
    double[] shift = new double[keys.size()];
    for (int d = 0; d < shift.length; d++) {
      shift[d] = rng.nextDouble();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      double[] x = sobol.nextVector();
      Map<String, Object> point = new LinkedHashMap<>();
      for (int d = 0; d < keys.size(); d++) {
        double u = x[d] + shift[d];
        point.put(keys.get(d), ranges.get(keys.get(d)).at(u - Math.floor(u)));
      }
      out.add(point);
    }
    return out;
  }

  private static String rangeParent(String key) {
    int dot = key.lastIndexOf('.');
    return dot > 0 && Distribution.of(key.substring(dot + 1)) != null
        ? key.substring(0, dot)
        : null;
  }

  private static String parent(String key) {
    int dot = key.lastIndexOf('.');
    return dot > 0 ? key.substring(0, dot) : key;
  }

  private static boolean isSweepable(String key, List<String> methodIds) {
    if (Budget.SWEEPABLE.contains(key)) {
      return true;
    }
    for (String id : methodIds) {
      if (key.startsWith("method." + id + ".")) {
        return true;
      }
    }
    return false;
  }

  private static void requireSweepable(
      String key, ConfigValue v, List<String> methodIds, List<String> knownMethods) {
    if (isSweepable(key, methodIds)) {
      return;
    }
    String why = "no cell depends on it";
    for (String id : knownMethods) {
      if (key.startsWith("method." + id + ".")) {
        why = "no cell depends on it: " + id + " is not in sweep.methods";
      }
    }
    throw ConfigError.invalid(
        key,
        render(v),
        "a list or range makes an axis, but "
            + why
            + "; sweepable: "
            + String.join(", ", Budget.SWEEPABLE)
            + " and the keys of the sweep's methods");
  }

  private static List<ConfigValue> values(String key, ConfigValue v) {
    List<ConfigValue> items = new ArrayList<>((ConfigList) v);
    if (items.isEmpty()) {
      throw ConfigError.invalid(key, "[]", "an axis needs at least one value");
    }
    Set<Object> seen = new HashSet<>();
    for (ConfigValue item : items) {
      if (item.valueType() != ConfigValueType.NUMBER
          && item.valueType() != ConfigValueType.STRING
          && item.valueType() != ConfigValueType.BOOLEAN) {
        throw ConfigError.invalid(key, render(v), "an axis lists numbers or names");
      }
      Object u = item.unwrapped();
      Object norm = u instanceof Number n ? (Object) n.doubleValue() : u;
      if (!seen.add(norm)) {
        throw ConfigError.invalid(
            key, render(v), "duplicate value " + u + ": list each value once");
      }
    }
    return List.copyOf(items);
  }

  private static Range range(String key, ConfigValue v) {
    Config obj = ConfigFactory.empty().withValue("r", v).getConfig("r");
    if (obj.root().size() != 1) {
      throw ConfigError.invalid(
          key, render(v), "a range has exactly one of log-uniform, uniform or int-uniform");
    }
    String name = obj.root().keySet().iterator().next();
    Distribution d = Distribution.of(name);
    ConfigValue bounds = obj.root().get(name);
    if (bounds.valueType() != ConfigValueType.LIST
        || ((List<?>) bounds.unwrapped()).size() != 2
        || !((List<?>) bounds.unwrapped()).stream().allMatch(o -> o instanceof Number)) {
      throw ConfigError.invalid(key, render(v), "a range is [LO, HI], two numbers");
    }
    List<?> b = (List<?>) bounds.unwrapped();
    double lo = ((Number) b.get(0)).doubleValue();
    double hi = ((Number) b.get(1)).doubleValue();
    if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      throw ConfigError.invalid(key, render(v), "a range needs finite LO < HI");
    }
    if (d == Distribution.LOG_UNIFORM && !(lo > 0)) {
      throw ConfigError.invalid(key, render(v), "a log-uniform range needs LO > 0");
    }
    if (d == Distribution.INT_UNIFORM && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
      throw ConfigError.invalid(key, render(v), "an int-uniform range has integer bounds");
    }
    return new Range(d, lo, hi);
  }

  private static String render(ConfigValue v) {
    return v.render(ConfigRenderOptions.concise());
  }
}
