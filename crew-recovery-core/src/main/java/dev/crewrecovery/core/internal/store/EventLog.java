package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.UnsupportedSchemaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's {@code events.jsonl}: one JSON object per line, {@code seq} strictly increasing. Appends
 * happen under the run's lock, after {@link JsonLines#repairTornTail} put the file on a line
 * boundary. Readers need no lock: they never look past the last newline.
 */
final class EventLog {
  /** How much of the end of the file {@link #lastSeq} reads before falling back to a full scan. */
  private static final int TAIL_BYTES = 256 * 1024;

  private EventLog() {}

  /** Receives lines that cannot be read, with their offset, to count them once. */
  interface MalformedSink {
    void malformed(long offset, String why);
  }

  /** Appends events (already numbered) and forces them. */
  static void append(Path file, List<RunEvent> events, FileIo io) throws IOException {
    if (events.isEmpty()) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 128);
    for (RunEvent e : events) {
      out.writeBytes(Codec.eventLine(e));
    }
    io.appendDurably(file, out.toByteArray());
  }

  /**
   * Returns the highest {@code seq} of the readable lines (0 when there are none). Reads the end of
   * the file first; scans it all only when the end holds no readable line.
   */
  static long lastSeq(Path file, RunId runId, long lineCap) throws IOException {
    JsonLines.Tail tail = JsonLines.tail(file, TAIL_BYTES);
    byte[] b = tail.bytes;
    int end = b.length;
    // Lines are tried from the last one backwards; the file ends with '\n' after a repair.
    int lineEnd = end > 0 && b[end - 1] == '\n' ? end - 1 : lastIndexOf(b, tail.start, end);
    while (lineEnd >= tail.start) {
      int lineStart = lastIndexOf(b, tail.start, lineEnd) + 1;
      if (lineEnd > lineStart) {
        try {
          return Codec.decodeEventLine(b, lineStart, lineEnd - lineStart, runId).seq();
        } catch (BadContentException | NewerSchemaException e) {
          // try the line before
        }
      }
      lineEnd = lineStart - 1;
    }
    if (tail.wholeFile) {
      return 0;
    }
    long[] max = {0};
    JsonLines.forEach(
        file,
        0,
        lineCap,
        new JsonLines.Visitor() {
          @Override
          public void line(byte[] buf, int off, int len, long offset) {
            try {
              max[0] = Math.max(max[0], Codec.decodeEventLine(buf, off, len, runId).seq());
            } catch (BadContentException | NewerSchemaException e) {
              // skipped
            }
          }

          @Override
          public void tooLong(long offset, long length) {}
        });
    return max[0];
  }

  /** Returns the index of the last '\n' in {@code b[from, to)}, or {@code from - 1}. */
  private static int lastIndexOf(byte[] b, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return from - 1;
  }

  /**
   * Reads events with {@code seq > afterSeq}, at most {@code limit}, skipping lines that cannot be
   * read and lines whose seq does not increase.
   *
   * @throws UnsupportedSchemaException if a line has a newer schema version
   */
  static List<RunEvent> read(
      Path file, RunId runId, long afterSeq, int limit, long lineCap, MalformedSink malformed)
      throws IOException {
    List<RunEvent> out = new ArrayList<>();
    long[] last = {0};
    JsonLines.forEach(
        file,
        0,
        lineCap,
        new JsonLines.Visitor() {
          @Override
          public void line(byte[] buf, int off, int len, long offset) {
            RunEvent e;
            try {
              e = Codec.decodeEventLine(buf, off, len, runId);
            } catch (BadContentException ex) {
              malformed.malformed(offset, String.valueOf(ex.getMessage()));
              return;
            } catch (NewerSchemaException ex) {
              throw new UnsupportedSchemaException(
                  file + " (line at byte " + offset + ")", ex.found(), Json.SCHEMA_VERSION);
            }
            if (e.seq() <= last[0]) {
              malformed.malformed(
                  offset, "seq " + e.seq() + " does not increase (previous " + last[0] + ")");
              return;
            }
            last[0] = e.seq();
            if (e.seq() > afterSeq) {
              out.add(e);
            }
          }

          @Override
          public void tooLong(long offset, long length) {
            malformed.malformed(offset, "line of " + length + " bytes is over the cap");
          }

          @Override
          public boolean done() {
            return out.size() >= limit;
          }
        });
    return out;
  }
}
