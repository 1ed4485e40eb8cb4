package dev.crewrecovery.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Small validation helpers shared by the records of this package. */
final class Checks {
  private Checks() {}

  static <T> List<T> copy(List<T> list, String name) {
    Objects.requireNonNull(list, name);
    return List.copyOf(list);
  }

  static Map<String, String> copy(Map<String, String> map, String name) {
    Objects.requireNonNull(map, name);
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : map.entrySet()) {
      out.put(
          Objects.requireNonNull(e.getKey(), name + " key"),
          Objects.requireNonNull(e.getValue(), name + " value of " + e.getKey()));
    }
    return Collections.unmodifiableMap(out);
  }

  static String notBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
