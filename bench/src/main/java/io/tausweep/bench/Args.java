package io.tausweep.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} arguments of the bench mains, checked against the keys each main knows. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args, String... known) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> keys = List.of(known);
    for (int i = 0; i < args.length; i++) {
      if (!keys.contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Invalid argument: "
                + args[i]
                + " (expected one of "
                + keys
                + ", each followed by a value)");
      }
      out.put(args[i], args[++i]);
    }
    return out;
  }

  static String required(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("Missing argument " + key);
    }
    return v;
  }
}
