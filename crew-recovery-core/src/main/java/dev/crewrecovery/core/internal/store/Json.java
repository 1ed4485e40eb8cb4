package dev.crewrecovery.core.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The one JSON configuration of the store. Documents are read as trees and mapped by hand ({@link
 * Obj}), so there is no polymorphic typing, no coercion (a string is never read as a number), no
 * duplicate key, no trailing token and no unknown field: a document either maps completely or is
 * corrupt. Forward compatibility comes from {@code schemaVersion}, which every document carries.
 */
final class Json {
  /** The schema version this code writes and the newest it reads. */
  static final long SCHEMA_VERSION = 1;

  static final String SCHEMA_FIELD = "schemaVersion";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
  private static final ObjectWriter COMPACT = MAPPER.writer();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Starts a document: an object whose first field is the current schema version. */
  static ObjectNode document() {
    ObjectNode n = object();
    n.put(SCHEMA_FIELD, SCHEMA_VERSION);
    return n;
  }

  /**
   * Parses one complete JSON object.
   *
   * @throws BadContentException if the bytes are not exactly one JSON object
   */
  static ObjectNode parseObject(byte[] bytes, int offset, int length) throws BadContentException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes, offset, length);
    } catch (IOException | RuntimeException e) {
      throw new BadContentException("is not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new BadContentException("is empty");
    }
    if (!node.isObject()) {
      throw new BadContentException("is not a JSON object but " + node.getNodeType());
    }
    return (ObjectNode) node;
  }

  /**
   * Checks the {@code schemaVersion} of a document.
   *
   * @throws BadContentException if it is missing, not an integer, or below 1
   * @throws NewerSchemaException if it is newer than {@link #SCHEMA_VERSION}
   */
  static void checkSchema(ObjectNode doc) throws BadContentException, NewerSchemaException {
    JsonNode v = doc.get(SCHEMA_FIELD);
    if (v == null) {
      throw new BadContentException("has no schemaVersion");
    }
    if (!v.isIntegralNumber()) {
      throw new BadContentException("has a schemaVersion that is not an integer: " + v);
    }
    BigInteger big = v.bigIntegerValue();
    if (big.signum() <= 0) {
      throw new BadContentException("has schemaVersion " + big + "; it must be at least 1");
    }
    if (big.compareTo(BigInteger.valueOf(SCHEMA_VERSION)) > 0) {
      throw new NewerSchemaException(v.canConvertToLong() ? v.longValue() : Long.MAX_VALUE);
    }
  }

  static byte[] pretty(ObjectNode node) {
    try {
      byte[] body = PRETTY.writeValueAsBytes(node);
      byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
      out[body.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  /** Serializes one line of a log, newline included. */
  static byte[] line(ObjectNode node) {
    try {
      byte[] body = COMPACT.writeValueAsBytes(node);
      byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
      out[body.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  private static String firstLine(@org.jspecify.annotations.Nullable String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
