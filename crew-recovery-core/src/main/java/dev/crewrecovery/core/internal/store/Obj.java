package dev.crewrecovery.core.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader of one JSON object: every accessor checks the type (no coercion), every field
 * read is remembered, and {@link #end()} rejects fields nobody read. Errors name the field path.
 * Not thread-safe.
 */
final class Obj {
  private final ObjectNode node;
  private final String path;
  private final Set<String> read = new HashSet<>();

  private Obj(ObjectNode node, String path) {
    this.node = node;
    this.path = path;
  }

  static Obj of(ObjectNode node, String path) {
    return new Obj(node, path);
  }

  private static Obj of(JsonNode node, String path) throws BadContentException {
    if (!node.isObject()) {
      throw new BadContentException(path + " must be an object, was " + node.getNodeType());
    }
    return new Obj((ObjectNode) node, path);
  }

  private String at(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private JsonNode required(String field) throws BadContentException {
    read.add(field);
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      throw new BadContentException(at(field) + " is missing");
    }
    return n;
  }

  private @Nullable JsonNode optional(String field) {
    read.add(field);
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n;
  }

  String str(String field) throws BadContentException {
    return text(required(field), field);
  }

  @Nullable String optStr(String field) throws BadContentException {
    JsonNode n = optional(field);
    return n == null ? null : text(n, field);
  }

  private String text(JsonNode n, String field) throws BadContentException {
    if (!n.isTextual()) {
      throw new BadContentException(at(field) + " must be a string, was " + n.getNodeType());
    }
    return n.textValue();
  }

  long lng(String field) throws BadContentException {
    return integral(required(field), field);
  }

  @Nullable Long optLng(String field) throws BadContentException {
    JsonNode n = optional(field);
    return n == null ? null : integral(n, field);
  }

  int integer(String field) throws BadContentException {
    long v = lng(field);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new BadContentException(at(field) + " is out of the int range: " + v);
    }
    return (int) v;
  }

  private long integral(JsonNode n, String field) throws BadContentException {
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new BadContentException(at(field) + " must be a 64-bit integer, was " + n);
    }
    return n.longValue();
  }

  boolean bool(String field) throws BadContentException {
    JsonNode n = required(field);
    if (!n.isBoolean()) {
      throw new BadContentException(at(field) + " must be a boolean, was " + n.getNodeType());
    }
    return n.booleanValue();
  }

  Instant instant(String field) throws BadContentException {
    return parseInstant(str(field), field);
  }

  @Nullable Instant optInstant(String field) throws BadContentException {
    String s = optStr(field);
    return s == null ? null : parseInstant(s, field);
  }

  private Instant parseInstant(String s, String field) throws BadContentException {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new BadContentException(at(field) + " is not an ISO-8601 instant: " + s, e);
    }
  }

  @Nullable Duration optDuration(String field) throws BadContentException {
    String s = optStr(field);
    if (s == null) {
      return null;
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new BadContentException(at(field) + " is not an ISO-8601 duration: " + s, e);
    }
  }

  <E extends Enum<E>> E enumValue(String field, Class<E> type) throws BadContentException {
    return toEnum(str(field), field, type);
  }

  <E extends Enum<E>> @Nullable E optEnum(String field, Class<E> type) throws BadContentException {
    String s = optStr(field);
    return s == null ? null : toEnum(s, field, type);
  }

  private <E extends Enum<E>> E toEnum(String s, String field, Class<E> type)
      throws BadContentException {
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(s)) {
        return e;
      }
    }
    throw new BadContentException(
        at(field) + " is not a " + type.getSimpleName() + ": \"" + s + "\"");
  }

  Obj obj(String field) throws BadContentException {
    return of(required(field), at(field));
  }

  @Nullable Obj optObj(String field) throws BadContentException {
    JsonNode n = optional(field);
    return n == null ? null : of(n, at(field));
  }

  List<Obj> objects(String field) throws BadContentException {
    JsonNode n = required(field);
    if (!n.isArray()) {
      throw new BadContentException(at(field) + " must be an array, was " + n.getNodeType());
    }
    List<Obj> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      out.add(of(n.get(i), at(field) + "[" + i + "]"));
    }
    return out;
  }

  Map<String, String> strings(String field) throws BadContentException {
    JsonNode n = required(field);
    if (!n.isObject()) {
      throw new BadContentException(at(field) + " must be an object, was " + n.getNodeType());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!e.getValue().isTextual()) {
        throw new BadContentException(
            at(field) + "." + e.getKey() + " must be a string, was " + e.getValue().getNodeType());
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /** Rejects fields that no accessor read. */
  void end() throws BadContentException {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      if (!read.contains(name)) {
        throw new BadContentException(at(name) + " is not a known field");
      }
    }
  }
}
