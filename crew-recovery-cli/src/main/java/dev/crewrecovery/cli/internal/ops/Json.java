package dev.crewrecovery.cli.internal.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON output for scripts: trees built field by field (no reflection on our records), written
 * indented for one document or on one line for a stream of events. Field names are camelCase;
 * instants are ISO-8601 strings; absent values are JSON null.
 */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static String pretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  static String line(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  static void put(ObjectNode o, String field, @Nullable Object value) {
    if (value == null) {
      o.putNull(field);
    } else if (value instanceof Number n && (value instanceof Long || value instanceof Integer)) {
      o.put(field, n.longValue());
    } else if (value instanceof Boolean b) {
      o.put(field, b);
    } else if (value instanceof JsonNode n) {
      o.set(field, n);
    } else {
      o.put(field, value.toString());
    }
  }

  static @Nullable ObjectNode ref(@Nullable ProcessRef ref) {
    if (ref == null) {
      return null;
    }
    ObjectNode o = object();
    o.put("pid", ref.pid());
    o.put("host", ref.host());
    put(o, "bootId", ref.bootId());
    put(o, "startTicks", ref.startTicks());
    put(o, "startInstant", ref.startInstant());
    return o;
  }

  static ObjectNode event(RunEvent e) {
    ObjectNode o = object();
    o.put("run", e.runId().value());
    o.put("seq", e.seq());
    o.put("type", e.type());
    o.put("at", e.at().toString());
    ObjectNode data = o.putObject("data");
    for (Map.Entry<String, String> d : e.data().entrySet()) {
      data.put(d.getKey(), d.getValue());
    }
    return o;
  }

  static @Nullable String instant(@Nullable Instant at) {
    return at == null ? null : at.toString();
  }
}
