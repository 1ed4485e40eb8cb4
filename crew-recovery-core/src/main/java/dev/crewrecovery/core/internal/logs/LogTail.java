package dev.crewrecovery.core.internal.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the tail of a log: at most its last {@value #MAX_BYTES} bytes (one positional read from the
 * end, whatever the file's size), cut to whole lines, the last {@value #MAX_LINES} of them, with
 * secrets redacted and control characters replaced so that a terminal shows the tail as text.
 * Stateless and thread-safe.
 */
public final class LogTail {

  /** The most lines a tail keeps. */
  public static final int MAX_LINES = 20;

  /** The most bytes read from the end of a log, and the most characters a tail keeps. */
  public static final int MAX_BYTES = 4096;

  /** What replaces a secret. */
  public static final String REDACTED = "<redacted>";

  private LogTail() {}

  /**
   * Returns the attributes of a log that may be read: an absolute path naming a regular file
   * reached without a symbolic link as its last component; else null (nothing is created).
   *
   * @param logPath the recorded log path, or null
   * @return the path and its attributes, or null
   */
  static @Nullable ReadableLog readable(@Nullable String logPath) {
    if (logPath == null) {
      return null;
    }
    Path p;
    try {
      p = Path.of(logPath);
    } catch (InvalidPathException e) {
      return null;
    }
    if (!p.isAbsolute()) {
      return null;
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? new ReadableLog(p, a) : null;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /** A readable log and its attributes at the check. */
  record ReadableLog(Path path, BasicFileAttributes attributes) {}

  /**
   * Reads the redacted tail of a log.
   *
   * @param logPath the recorded log path, or null
   * @param redaction the pattern of secrets (see {@link #redact})
   * @return the tail, or null when there is no readable, non-empty log
   */
  public static @Nullable String read(@Nullable String logPath, Pattern redaction) {
    ReadableLog r = readable(logPath);
    if (r == null) {
      return null;
    }
    byte[] bytes;
    long from;
    try (FileChannel ch =
        FileChannel.open(r.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size == 0) {
        return null;
      }
      from = Math.max(0, size - MAX_BYTES);
      ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
      long at = from;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, at);
        if (n < 0) {
          break; // truncated meanwhile: keep what was read
        }
        at += n;
      }
      bytes = new byte[buf.position()];
      buf.flip().get(bytes);
    } catch (IOException | SecurityException e) {
      return null;
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (from > 0) {
      // The window starts inside a line (maybe inside a character, maybe inside a secret): drop
      // that partial line, unless it is all there is.
      int nl = text.indexOf('\n');
      if (nl >= 0 && nl < text.length() - 1) {
        text = text.substring(nl + 1);
      }
    }
    String tail = tail(text, redaction);
    return tail.isEmpty() ? null : tail;
  }

  /**
   * Returns the last {@value #MAX_LINES} lines of a text, each redacted and made printable, joined
   * by {@code \n} and cut to at most {@value #MAX_BYTES} characters by dropping whole leading lines
   * (a single longer line keeps its end).
   *
   * @param text the text
   * @param redaction the pattern of secrets
   * @return the tail
   */
  public static String tail(String text, Pattern redaction) {
    String[] all = text.split("\n", -1);
    int end = all.length;
    while (end > 0 && all[end - 1].strip().isEmpty()) {
      end--;
    }
    List<String> lines = new ArrayList<>();
    for (int i = Math.max(0, end - MAX_LINES); i < end; i++) {
      String line = all[i].endsWith("\r") ? all[i].substring(0, all[i].length() - 1) : all[i];
      lines.add(printable(redact(line, redaction)));
    }
    String out = String.join("\n", lines);
    while (out.length() > MAX_BYTES && lines.size() > 1) {
      lines.remove(0);
      out = String.join("\n", lines);
    }
    return out.length() > MAX_BYTES ? out.substring(out.length() - MAX_BYTES) : out;
  }

  /**
   * Replaces every match of {@code redaction} by its first non-null capturing group (the key of a
   * {@code key=value}, kept for the reader) followed by {@value #REDACTED}. Empty matches are left
   * alone.
   *
   * @param line the text
   * @param redaction the pattern
   * @return the redacted text
   */
  public static String redact(String line, Pattern redaction) {
    Matcher m = redaction.matcher(line);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      if (m.end() == m.start()) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(line.length());
      }
      out.append(line, last, m.start());
      for (int g = 1; g <= m.groupCount(); g++) {
        String kept = m.group(g);
        if (kept != null) {
          out.append(kept);
          break;
        }
      }
      out.append(REDACTED);
      last = m.end();
    }
    if (out == null) {
      return line;
    }
    return out.append(line, last, line.length()).toString();
  }

  private static String printable(String line) {
    StringBuilder sb = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0);
      if (control) {
        if (sb == null) {
          sb = new StringBuilder(line.length()).append(line, 0, i);
        }
        sb.append('?');
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? line : sb.toString();
  }
}
