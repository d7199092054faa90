package io.tausweep.model.method;

import io.tausweep.model.config.ConfigError;
import io.tausweep.model.config.ConfigReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry of adaptation methods by id, in the paper's order. Adding a method means writing its
 * type and adding one line here.
 */
public final class Methods {
  private static final Map<String, Function<ConfigReader, AdaptationMethod>> REGISTRY =
      new LinkedHashMap<>();

  static {
    REGISTRY.put(Frozen.ID, r -> new Frozen());
    REGISTRY.put(BitFit.ID, BitFit::read);
    REGISTRY.put(TauGate.ID, TauGate::read);
    REGISTRY.put(LoRA.ID, LoRA::read);
    REGISTRY.put(FullFineTune.ID, FullFineTune::read);
  }

  private Methods() {}

  /** All method ids in the paper's order. */
  public static List<String> ids() {
    return List.copyOf(REGISTRY.keySet());
  }

  /**
   * Reads the settings of every registered method (so that every method key is known, even for
   * methods not in this sweep) and returns the configured methods named in {@code ids}.
   */
  public static List<AdaptationMethod> read(ConfigReader r, String key, List<String> ids) {
    Map<String, AdaptationMethod> all = new LinkedHashMap<>();
    REGISTRY.forEach((id, reader) -> all.put(id, reader.apply(r)));
    List<AdaptationMethod> out = new ArrayList<>();
    for (String id : ids) {
      AdaptationMethod m = all.get(id);
      if (m == null) {
        throw ConfigError.invalid(
            key,
            "[" + String.join(", ", ids) + "]",
            "unknown method '" + id + "': choose from " + String.join(", ", REGISTRY.keySet()));
      }
      out.add(m);
    }
    return List.copyOf(out);
  }

  /** Every registered method with its default settings. */
  public static List<AdaptationMethod> defaults() {
    return read(
        new ConfigReader(com.typesafe.config.ConfigFactory.empty()), "sweep.methods", ids());
  }

  static double learningRate(ConfigReader r, String key, double dflt) {
    return r.doubleIn(key, dflt, 1e-8, 1e4, "must be a learning rate within [1e-8, 1e4]");
  }

  static void checkLearningRate(String key, double lr) {
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw ConfigError.invalid(key, lr, "must be a positive, finite learning rate");
    }
  }
}
