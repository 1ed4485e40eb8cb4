package dev.crewrecovery.core.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reading and repairing append-only files of JSON lines. A line is complete when its {@code '\n'}
 * is on disk; bytes after the last newline are a torn line (a crashed or ongoing append) and are
 * never handed to a visitor.
 */
final class JsonLines {
  private static final int BLOCK = 64 * 1024;

  private JsonLines() {}

  /** Receives complete lines. */
  interface Visitor {
    /**
     * One complete line without its newline.
     *
     * @param offset the file offset of the line's first byte
     */
    void line(byte[] buf, int off, int len, long offset) throws IOException;

    /** A line longer than the cap, skipped. */
    void tooLong(long offset, long length);

    /** Whether the visitor needs no more lines (checked after each one). */
    default boolean done() {
      return false;
    }
  }

  /**
   * Visits the complete lines from {@code start}.
   *
   * @return the offset just after the last complete line (where the next read should start)
   */
  static long forEach(Path file, long start, long lineCap, Visitor visitor) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return forEach(ch, start, lineCap, visitor);
    } catch (NoSuchFileException e) {
      return start;
    }
  }

  static long forEach(FileChannel ch, long start, long lineCap, Visitor visitor)
      throws IOException {
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    byte[] line = new byte[256];
    int lineLen = 0;
    long lineStart = start;
    long skippedLen = -1; // >= 0 while skipping an over-long line
    long pos = start;
    long consumed = start;
    while (true) {
      block.clear();
      int n = ch.read(block, pos);
      if (n <= 0) {
        break;
      }
      byte[] b = block.array();
      for (int i = 0; i < n; i++) {
        byte c = b[i];
        if (c == '\n') {
          if (skippedLen >= 0) {
            visitor.tooLong(lineStart, skippedLen);
            skippedLen = -1;
          } else {
            visitor.line(line, 0, lineLen, lineStart);
          }
          lineLen = 0;
          consumed = pos + i + 1;
          lineStart = consumed;
          if (visitor.done()) {
            return consumed;
          }
        } else if (skippedLen >= 0) {
          skippedLen++;
        } else if (lineLen >= lineCap) {
          skippedLen = lineLen + 1L;
          lineLen = 0;
        } else {
          if (lineLen == line.length) {
            line = Arrays.copyOf(line, (int) Math.min(Math.max(line.length * 2L, 256), lineCap));
          }
          line[lineLen++] = c;
        }
      }
      pos += n;
    }
    return consumed;
  }

  /**
   * If the file does not end with a newline, copies the torn tail into quarantine and truncates the
   * file to its last line boundary, so the next append starts on a fresh line.
   *
   * @return whether a torn tail was found
   */
  static boolean repairTornTail(Path file, String label, Quarantine quarantine, FileIo io)
      throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, size - 1);
      if (one.get(0) == '\n') {
        return false;
      }
      long keep = lastNewline(ch, size) + 1;
      quarantine.copyAside(ch, keep, size, label, file);
      ch.truncate(keep);
      if (io.fsync()) {
        ch.force(true);
      }
      System.getLogger(JsonLines.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "{0}: torn last line of {1} bytes moved to quarantine and truncated",
              file,
              size - keep);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Returns the offset of the last newline before {@code end}, or -1. */
  private static long lastNewline(FileChannel ch, long end) throws IOException {
    ByteBuffer block = ByteBuffer.allocate(BLOCK);
    long pos = end;
    while (pos > 0) {
      int len = (int) Math.min(BLOCK, pos);
      long from = pos - len;
      block.clear().limit(len);
      while (block.hasRemaining()) {
        if (ch.read(block, from + block.position()) < 0) {
          break;
        }
      }
      byte[] b = block.array();
      for (int i = block.position() - 1; i >= 0; i--) {
        if (b[i] == '\n') {
          return from + i;
        }
      }
      pos = from;
    }
    return -1;
  }

  /**
   * Reads the last bytes of a file, at most {@code max}, starting on a line boundary unless the
   * whole file is read.
   *
   * @return the bytes read
   */
  static Tail tail(Path file, int max) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      int len = (int) Math.min(size, max);
      long from = size - len;
      ByteBuffer buf = ByteBuffer.allocate(len);
      while (buf.hasRemaining()) {
        if (ch.read(buf, from + buf.position()) < 0) {
          break;
        }
      }
      byte[] b = Arrays.copyOf(buf.array(), buf.position());
      int startAt = 0;
      if (from > 0) {
        int nl = 0;
        while (nl < b.length && b[nl] != '\n') {
          nl++;
        }
        startAt = Math.min(nl + 1, b.length);
      }
      return new Tail(b, startAt, from == 0);
    } catch (NoSuchFileException e) {
      return new Tail(new byte[0], 0, true);
    }
  }

  /** The end of a file: its bytes, where the first whole line starts, whether it is all. */
  static final class Tail {
    final byte[] bytes;
    final int start;
    final boolean wholeFile;

    Tail(byte[] bytes, int start, boolean wholeFile) {
      this.bytes = bytes;
      this.start = start;
      this.wholeFile = wholeFile;
    }
  }
}
