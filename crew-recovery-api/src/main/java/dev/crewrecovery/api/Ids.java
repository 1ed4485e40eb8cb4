package dev.crewrecovery.api;

/**
 * The one rule for ids that may become a path component, kept in one place so that every id type
 * and every store agree on it.
 */
final class Ids {
  static final int MAX_LENGTH = 128;
  static final String RULE =
      "must match [A-Za-z0-9][A-Za-z0-9._-]{0,127} (1 to 128 ASCII letters, digits, '.', '_', '-',"
          + " starting with a letter or digit) and must not contain \"..\"";

  private Ids() {}

  static String requireValid(String kind, String value) {
    if (value == null) {
      throw new InvalidIdException(kind, "null", "must not be null; " + RULE);
    }
    if (value.isEmpty()) {
      throw new InvalidIdException(kind, value, "is empty; " + RULE);
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidIdException(
          kind, value, "is " + value.length() + " characters long; " + RULE);
    }
    if (!isAlnum(value.charAt(0))) {
      throw new InvalidIdException(
          kind, value, "starts with " + describe(value.charAt(0)) + "; " + RULE);
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAlnum(c) && c != '.' && c != '_' && c != '-') {
        throw new InvalidIdException(
            kind, value, "contains " + describe(c) + " at index " + i + "; " + RULE);
      }
    }
    if (value.contains("..")) {
      throw new InvalidIdException(kind, value, "contains \"..\"; " + RULE);
    }
    return value;
  }

  /** Returns the first 32 lower-case hex digits of the SHA-256 of the UTF-8 bytes of text. */
  static String sha256Hex32(String text) {
    byte[] hash;
    try {
      hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    return java.util.HexFormat.of().formatHex(hash, 0, 16);
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String describe(char c) {
    if (c >= 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format(java.util.Locale.ROOT, "U+%04X", (int) c);
  }

  /** Escapes everything outside printable ASCII as \\uXXXX, so a rejected value prints safely. */
  static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '"') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
      }
    }
    return out.toString();
  }
}
